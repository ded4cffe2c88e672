// @ts-nocheck
import { platformDb } from '../db/sessions';
import type { Item, TxWrite } from '../db/tenant-db';
import { controlKeys } from './control-keys';
import type { TenantView } from '../contracts/tenants';

/** The registry item of a tenant as stored (the foundation's seed writes a subset of it). */
export type TenantRecord = TenantView & Record<string, unknown>;

// The control table is not tenant-scoped; the label only names the access.
const control = platformDb;

const BOOKKEEPING = new Set(['pk', 'sk', 'gsi1pk', 'gsi1sk']);

function fromItem(item: Item): TenantRecord {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(item)) if (!BOOKKEEPING.has(k)) out[k] = v;
  const record = out as TenantRecord;
  record.units ??= [];
  record.settings ??= { retention: {} };
  return record;
}

/** A tenant's registry record, read consistently. */
export async function getTenant(id: string): Promise<TenantRecord | undefined> {
  const key = controlKeys.tenant(id);
  const item = await control().get('control', key.pk, key.sk);
  return item ? fromItem(item) : undefined;
}

/** Every tenant in the registry (a few hundred at most: one per municipality). */
export async function listTenants(): Promise<TenantRecord[]> {
  const out: TenantRecord[] = [];
  let cursor: string | undefined;
  do {
    const page = await control().query({ table: 'control', index: 'gsi1', partition: controlKeys.tenantListing('x').gsi1pk, limit: 100, cursor });
    out.push(...page.items.map(fromItem));
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

/** Puts a new tenant; fails its condition when the id is taken. */
export function putNewTenant(record: TenantRecord): TxWrite {
  return {
    kind: 'put',
    table: 'control',
    item: { ...controlKeys.tenant(record.id), ...controlKeys.tenantListing(record.id), ...record, version: 1 },
    condition: { expression: 'attribute_not_exists(pk)' },
  };
}

/**
 * Changes fields of a tenant, conditional on the version it was read at (seeded tenants have none),
 * so two operators or admins can never overwrite each other's change unseen.
 * An `undefined` value removes the field.
 */
export function updateTenant(current: TenantRecord, changes: Record<string, unknown>): TxWrite {
  const sets: string[] = ['#version = :nextVersion'];
  const removes: string[] = [];
  const names: Record<string, string> = { '#version': 'version' };
  const values: Record<string, unknown> = { ':nextVersion': (current.version ?? 0) + 1 };
  Object.entries(changes).forEach(([field, value], i) => {
    names[`#f${i}`] = field;
    if (value === undefined) removes.push(`#f${i}`);
    else {
      sets.push(`#f${i} = :v${i}`);
      values[`:v${i}`] = value;
    }
  });
  const expression = `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`;
  const condition =
    current.version === undefined
      ? { expression: 'attribute_exists(pk) AND attribute_not_exists(#version)', names: { '#version': 'version' } }
      : { expression: '#version = :readVersion', names: { '#version': 'version' }, values: { ':readVersion': current.version } };
  return { kind: 'update', table: 'control', key: controlKeys.tenant(current.id), update: { expression, names, values }, condition };
}

/** The record as it is after `updateTenant(current, changes)` succeeded. */
export function applied(current: TenantRecord, changes: Record<string, unknown>): TenantRecord {
  const next: Record<string, unknown> = { ...current, version: (current.version ?? 0) + 1 };
  for (const [k, v] of Object.entries(changes)) {
    if (v === undefined) delete next[k];
    else next[k] = v;
  }
  return next as TenantRecord;
}

function slug(value: string): string {
  return value
    .toLowerCase()
    .replace(/æ/g, 'ae')
    .replace(/ø/g, 'o')
    .replace(/å/g, 'a')
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
}

/** Unit ids are `<tenant>-<slug of the name>` unless given, and unique within the tenant. */
export function unitIdFor(tenant: string, name: string): string {
  return `${tenant}-${slug(name) || 'enhet'}`;
}
