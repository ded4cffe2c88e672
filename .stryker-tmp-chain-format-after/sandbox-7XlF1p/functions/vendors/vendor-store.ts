// @ts-nocheck
import { platformDb } from '../../shared/db/sessions';
import type { Item, TxWrite } from '../../shared/db/tenant-db';
import { controlKeys } from '../../shared/tenancy/control-keys';

/** A vendor client as stored: the profile shown to operators plus the secret's hash. */
export interface VendorRecord {
  clientId: string;
  name: string;
  orgNumber: string;
  contact: { name: string; email: string; phone?: string };
  status: 'active' | 'disabled';
  statusReason?: string;
  /** scrypt hash of the client secret; the secret itself is never stored. */
  secretHash: string;
  secretCreatedAt: string;
  apiKeyId: string;
  /** SHA-256 (hex) of the API key value, so the authorizer can check a presented x-api-key is this client's. */
  apiKeyHash: string;
  plan?: string;
  usagePlanId?: string;
  publicKeyJwk?: Record<string, unknown>;
  createdAt: string;
  createdBy: string;
  changedAt?: string;
  changedBy?: string;
  version: number;
}

/** A tenant's grant to a vendor: the item shared/tenancy/tenant-access.ts reads on every vendor request. */
export interface GrantRecord {
  clientId: string;
  tenant: string;
  status: 'active' | 'revoked';
  scopes: string[];
  grantedAt: string;
  grantedBy: string;
  revokedAt?: string;
  revokedBy?: string;
  version: number;
}

const control = platformDb;

function strip<T>(item: Item): T {
  const { pk: _pk, sk: _sk, gsi1pk: _g1, gsi1sk: _g2, ...rest } = item;
  return rest as T;
}

export async function getVendor(clientId: string): Promise<VendorRecord | undefined> {
  const key = controlKeys.vendor(clientId);
  const item = await control().get('control', key.pk, key.sk);
  return item ? strip<VendorRecord>(item) : undefined;
}

export async function listVendors(): Promise<VendorRecord[]> {
  const out: VendorRecord[] = [];
  let cursor: string | undefined;
  do {
    const page = await control().query({ table: 'control', index: 'gsi1', partition: controlKeys.vendorListing('x').gsi1pk, limit: 100, cursor });
    out.push(...page.items.map((i) => strip<VendorRecord>(i)));
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

export function putNewVendor(record: VendorRecord): TxWrite {
  return {
    kind: 'put',
    table: 'control',
    item: { ...controlKeys.vendor(record.clientId), ...controlKeys.vendorListing(record.clientId), ...record },
    condition: { expression: 'attribute_not_exists(pk)' },
  };
}

/** Replaces a vendor's profile, conditional on the version it was read at. */
export function replaceVendor(current: VendorRecord, next: VendorRecord): TxWrite {
  return {
    kind: 'put',
    table: 'control',
    item: { ...controlKeys.vendor(next.clientId), ...controlKeys.vendorListing(next.clientId), ...next, version: current.version + 1 },
    condition: { expression: '#version = :version', names: { '#version': 'version' }, values: { ':version': current.version } },
  };
}

export async function getGrant(clientId: string, tenant: string): Promise<GrantRecord | undefined> {
  const key = controlKeys.vendorGrant(clientId, tenant);
  const item = await control().get('control', key.pk, key.sk);
  return item ? strip<GrantRecord>(item) : undefined;
}

/** Every grant a vendor holds, in any state. */
export async function listVendorGrants(clientId: string): Promise<GrantRecord[]> {
  const page = await control().query({ table: 'control', partition: controlKeys.vendor(clientId).pk, sortBeginsWith: 'GRANT#', limit: 500, consistent: true });
  return page.items.map((i) => strip<GrantRecord>(i));
}

/** Every grant a tenant has given, in any state. */
export async function listTenantGrants(tenant: string): Promise<GrantRecord[]> {
  const out: GrantRecord[] = [];
  let cursor: string | undefined;
  do {
    const page = await control().query({ table: 'control', index: 'gsi1', partition: controlKeys.grantListing(tenant, 'x').gsi1pk, limit: 100, cursor });
    out.push(...page.items.map((i) => strip<GrantRecord>(i)));
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

/** Writes a grant, conditional on the state it was read in (absent, or at a version). */
export function putGrant(current: GrantRecord | undefined, next: Omit<GrantRecord, 'version'>): TxWrite {
  return {
    kind: 'put',
    table: 'control',
    item: { ...controlKeys.vendorGrant(next.clientId, next.tenant), ...controlKeys.grantListing(next.tenant, next.clientId), ...next, version: (current?.version ?? 0) + 1 },
    condition: current
      ? { expression: '#version = :version', names: { '#version': 'version' }, values: { ':version': current.version } }
      : { expression: 'attribute_not_exists(pk)' },
  };
}

/** The vendor must still exist and be active when a grant is written. */
export function vendorActiveCheck(clientId: string): TxWrite {
  return { kind: 'check', table: 'control', key: controlKeys.vendor(clientId), condition: { expression: '#status = :active', names: { '#status': 'status' }, values: { ':active': 'active' } } };
}
