// @ts-nocheck
import { controlKeys } from '../../shared/tenancy/control-keys';
import { getUserItem, listTenantUsers, userItem } from '../../shared/tenancy/user-store';
import type { TxWrite, Item } from '../../shared/db/tenant-db';
import type { UserProfile } from '../../shared/tenancy/user-profile';

export { listTenantUsers, getUserItem };

/** Puts a new user; fails its condition when the login name is taken (anywhere on the platform). */
export function putNewUser(user: UserProfile, bookkeeping: Record<string, unknown>): TxWrite {
  return { kind: 'put', table: 'control', item: userItem(user, { ...bookkeeping, version: 1 }), condition: { expression: 'attribute_not_exists(pk)' } };
}

/** Replaces a user's item, conditional on the version it was read at and on it staying in the tenant. */
export function replaceUser(current: Item, user: UserProfile, bookkeeping: Record<string, unknown>): TxWrite {
  const version = typeof current.version === 'number' ? current.version : undefined;
  const kept: Record<string, unknown> = {};
  for (const k of ['createdAt', 'createdBy']) if (current[k] !== undefined) kept[k] = current[k];
  return {
    kind: 'put',
    table: 'control',
    item: userItem(user, { ...kept, ...bookkeeping, version: (version ?? 0) + 1 }),
    condition:
      version === undefined
        ? { expression: 'attribute_exists(pk) AND attribute_not_exists(#version) AND #tenant = :tenant', names: { '#version': 'version', '#tenant': 'tenant' }, values: { ':tenant': user.tenant } }
        : { expression: '#version = :version AND #tenant = :tenant', names: { '#version': 'version', '#tenant': 'tenant' }, values: { ':version': version, ':tenant': user.tenant } },
  };
}

export const userKey = controlKeys.user;
