/** Roles a person or client can hold. */
export const ROLES = ['clinician', 'tenant-admin', 'auditor', 'citizen', 'operator', 'vendor', 'journal-responsible'] as const;
export type Role = (typeof ROLES)[number];

/** Scopes a vendor client can be granted by a tenant. */
export const VENDOR_SCOPES = ['journal.read', 'journal.write', 'audit.read', 'sharing.read'] as const;
export type VendorScope = (typeof VENDOR_SCOPES)[number];

/**
 * Who a verified token says the caller is, and nothing more: HelseID's person claims (pid, HPR
 * number, security level) or a client's id and organisation. What the caller may do is not here;
 * it is read from the registry on every request (shared/tenancy/tenant-access.ts).
 */
export interface VerifiedIdentity {
  /** The token's subject (HelseID's pairwise subject for a person, the client id for a client). */
  sub: string;
  kind: 'person' | 'client';
  scopes: string[];
  name?: string;
  /** The person's national id (HelseID `pid`). Never logged, never part of a key. */
  pid?: string;
  hpr?: string;
  /** HelseID `security_level` ("4" is high, BankID / Buypass). */
  securityLevel?: string;
  /** HelseID `assurance_level` ("high", "substantial", "low"). */
  assuranceLevel?: string;
  /** The organisation number the client acts for (orgnr_child, else orgnr_parent). */
  orgnr?: string;
  clientId?: string;
  /** When the token expires (epoch seconds). */
  expiresAt: number;
}

/**
 * The caller a request acts as: the verified identity joined with the registry. For a person,
 * `sub`, roles, tenant, unit and profession are the registry's (read on this request); for a
 * client, the roles are `vendor` and the scopes the token's.
 */
export interface Caller {
  /** Stable subject id: the registry user id for a person, the client id for a client. */
  sub: string;
  kind: 'person' | 'client';
  roles: Role[];
  scopes: string[];
  name?: string;
  /** The person's national id (HelseID `pid`). Never logged. */
  pid?: string;
  /** Health personnel register number. */
  hpr?: string;
  profession?: string;
  /** Kommunenummer of the person's municipality; absent for citizens, operators and vendor clients. */
  tenant?: string;
  /** Unit (enhet) id within the tenant. */
  unit?: string;
  /** OAuth2 client id, for vendor clients. */
  clientId?: string;
  /** When the token expires (epoch seconds). */
  expiresAt: number;
}

export function hasRole(caller: Caller, ...roles: Role[]): boolean {
  return caller.roles.some((r) => roles.includes(r));
}
