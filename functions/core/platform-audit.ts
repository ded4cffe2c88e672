import { jobSession } from '../../shared/db/sessions';
import type { TenantDb } from '../../shared/db/tenant-db';

/**
 * The operator's own audit log: actions that concern no single municipality (vendor
 * registrations, national statistics read) are audited in the platform's own stream under this
 * id, which no municipality can have (there is no county 00). One constant for every service.
 */
export const PLATFORM_AUDIT_TENANT = '0000';

/** The platform's audit chain, through the operator's own-role session (the one factory). */
export function platformAuditDb(): TenantDb {
  return jobSession('operator', PLATFORM_AUDIT_TENANT).db;
}
