// @ts-nocheck
import { globalKey } from '../db/keys';

/** Key layout of the control table (not tenant-scoped: the operator's registry). */
export const controlKeys = {
  tenant: (tenant: string) => ({ pk: globalKey('TENANT', tenant), sk: 'PROFILE' }),
  tenantListing: (tenant: string) => ({ gsi1pk: 'TENANTS', gsi1sk: tenant }),
  user: (userId: string) => ({ pk: globalKey('USER', userId), sk: 'PROFILE' }),
  /**
   * The registry's index from a person's national id to their user: keyed by a keyed hash of the
   * pid (never the number itself), one item per pid, so a pid belongs to at most one user.
   */
  userByPid: (pidKey: string) => ({ pk: globalKey('PID', pidKey), sk: 'USER' }),
  userListing: (tenant: string, username: string) => ({ gsi1pk: globalKey('TENANT', tenant, 'USERS'), gsi1sk: username }),
  vendor: (clientId: string) => ({ pk: globalKey('VENDOR', clientId), sk: 'PROFILE' }),
  vendorListing: (clientId: string) => ({ gsi1pk: 'VENDORS', gsi1sk: clientId }),
  vendorGrant: (clientId: string, tenant: string) => ({ pk: globalKey('VENDOR', clientId), sk: globalKey('GRANT', tenant) }),
  /** A tenant's grants, listed for its admins. */
  grantListing: (tenant: string, clientId: string) => ({ gsi1pk: globalKey('TENANT', tenant, 'GRANTS'), gsi1sk: clientId }),
} as const;

export const TENANT_STATUSES = ['provisioning', 'active', 'suspended', 'offboarding', 'offboarded'] as const;
export type TenantStatus = (typeof TENANT_STATUSES)[number];
