/** Roles a person or client can hold. */
export const ROLES = ['clinician', 'tenant-admin', 'auditor', 'citizen', 'operator', 'vendor', 'journal-responsible'] as const;
export type Role = (typeof ROLES)[number];

/** Scopes a vendor client can be granted by a tenant. */
export const VENDOR_SCOPES = ['journal.read', 'journal.write', 'audit.read', 'sharing.read'] as const;
export type VendorScope = (typeof VENDOR_SCOPES)[number];

/** The verified identity behind a request. Built only from a verified token. */
export interface Caller {
  /** Stable subject id (user id or client id). */
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
