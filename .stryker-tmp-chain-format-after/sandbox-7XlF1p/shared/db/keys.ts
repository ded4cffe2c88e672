// @ts-nocheck
import { ForbiddenError, ValidationError } from '../errors';

const TENANT_ID = /^\d{4}$/;

/** Whether a value has the shape of a tenant id (a kommunenummer: four digits). */
export function isTenantId(value: string): boolean {
  return TENANT_ID.test(value);
}

/** Checks a kommunenummer-shaped tenant id before it goes into any key. */
export function assertTenantId(tenant: string): void {
  if (!isTenantId(tenant)) throw new ValidationError(`Ugyldig kommunenummer: må være fire sifre.`);
}

/** Key parts may not contain the separator, so one tenant's key can never be spelled into another's. */
function part(value: string): string {
  if (value.length === 0 || value.includes('#')) throw new ValidationError('Ugyldig nøkkeldel.');
  return value;
}

/** The prefix every tenant-scoped partition key starts with: `T#<tenant>#`. */
export function tenantPrefix(tenant: string): string {
  assertTenantId(tenant);
  return `T#${tenant}#`;
}

/** A tenant-scoped key: `T#<tenant>#<part>#<part>...`. */
export function tenantKey(tenant: string, ...parts: string[]): string {
  return tenantPrefix(tenant) + parts.map(part).join('#');
}

/** The tenant a tenant-scoped key belongs to, or undefined when the key is not tenant-scoped. */
export function tenantOfKey(key: string): string | undefined {
  return /^T#(\d{4})#/.exec(key)?.[1];
}

/**
 * The data-access guard: refuses any key outside the caller's tenant. In AWS the tenant-scoped IAM
 * role enforces the same rule (dynamodb:LeadingKeys); this check makes a bug fail loudly locally too.
 */
export function assertKeyInTenant(callerTenant: string, key: string): void {
  if (tenantOfKey(key) !== callerTenant) {
    throw new ForbiddenError('Forsøk på å lese eller skrive data utenfor egen kommune ble stoppet.', { guard: 'tenant-key' });
  }
}

/** A key that is not tenant-scoped (control plane, sharing index): `<kind>#<part>...`. */
export function globalKey(kind: string, ...parts: string[]): string {
  return [kind, ...parts].map(part).join('#');
}

/**
 * The sharing-table item of a shared document (its index entry, `T#<origin>#DOC#<entryId>` / `DOC`):
 * the one item of another municipality a sharing-read session may read.
 */
export function sharedDocumentKey(origin: string, entryId: string): { pk: string; sk: string } {
  return { pk: tenantKey(origin, 'DOC', entryId), sk: 'DOC' };
}
