/** Roles a person or client can hold. */
// @ts-nocheck

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
  /**
   * OAuth2 client id of a vendor client: the client itself (kind `client`), or the vendor system a
   * person acts through (kind `person`, on behalf of the clinician).
   */
  clientId?: string;
  /** The vendor's registered name, for a person acting through a vendor (shown instead of the client id). */
  clientName?: string;
  /** When the token expires (epoch seconds). */
  expiresAt: number;
}

/**
 * Whether a client id is a registered vendor system's (the operator issues `vnd-` ids). A person's
 * token issued to such a client is the vendor acting on behalf of that person; a person's token
 * from the platform's own web client carries another client id, or none locally.
 */
export function isVendorClientId(clientId: string | undefined): clientId is string {
  return clientId !== undefined && /^vnd-[0-9a-f]{16}$/.test(clientId);
}

/** Whether the caller is a person acting through a vendor system (on behalf of a clinician). */
export function isOnBehalf(caller: Caller): boolean {
  return caller.kind === 'person' && isVendorClientId(caller.clientId);
}

export function hasRole(caller: Caller, ...roles: Role[]): boolean {
  return caller.roles.some((r) => roles.includes(r));
}
