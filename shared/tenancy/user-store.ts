import { platformDb } from '../db/sessions';
import type { Item, Page } from '../db/tenant-db';
import { controlKeys } from './control-keys';
import { userProfileSchema, type UserProfile } from './user-profile';

const control = platformDb;

/** The control-table item for a user: its key, its listing under the tenant (or the platform) and the profile. */
export function userItem(user: UserProfile, extra: Record<string, unknown> = {}): Item {
  const key = controlKeys.user(user.id);
  const listing = user.tenant ? controlKeys.userListing(user.tenant, user.id) : { gsi1pk: 'USERS#PLATFORM', gsi1sk: user.id };
  return { ...extra, ...key, ...listing, ...user };
}

/** A user by login id, or undefined. */
export async function getUser(id: string): Promise<UserProfile | undefined> {
  const item = await getUserItem(id);
  if (!item) return undefined;
  const parsed = userProfileSchema.safeParse(item);
  return parsed.success ? parsed.data : undefined;
}

/** The stored item of a user, with bookkeeping fields (version, created/changed by). */
export async function getUserItem(id: string): Promise<Item | undefined> {
  const key = controlKeys.user(id);
  return control().get('control', key.pk, key.sk);
}

/** Stores a user; with `onlyIfNew` an existing user is left as it is (returns false). */
export async function putUser(user: UserProfile, onlyIfNew = false): Promise<boolean> {
  try {
    await control().put('control', userItem(user), onlyIfNew ? { expression: 'attribute_not_exists(pk)' } : undefined);
    return true;
  } catch (error) {
    if (onlyIfNew && error instanceof Error && error.name === 'ConditionFailedError') return false;
    throw error;
  }
}

/** One page of a tenant's users, by login id. */
export async function listTenantUsers(tenant: string, limit: number, cursor?: string): Promise<Page<UserProfile>> {
  const page = await control().query({ table: 'control', index: 'gsi1', partition: controlKeys.userListing(tenant, 'x').gsi1pk, limit, cursor });
  const items = page.items.flatMap((i) => {
    const parsed = userProfileSchema.safeParse(i);
    return parsed.success ? [parsed.data] : [];
  });
  return { items, nextCursor: page.nextCursor };
}
