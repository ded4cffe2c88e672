import { tenantKey } from '../../shared/db/keys';

/**
 * Key layout of the journal table (every partition starts with `T#<tenant>#`):
 *
 * | item | pk | sk | indexes |
 * |---|---|---|---|
 * | patient | `PATIENT#<id>` | `PATIENT` | gsi2: `PATIENTS` / `<id>` (tenant-wide listing, export) |
 * | care relationship | `PATIENT#<id>` | `PATIENT#REL#<relId>` | |
 * | entry (current version) | `PATIENT#<id>` | `ENTRY#<entryId>` | gsi1: `PATIENT#<id>#TL` / `<eventTime>#<entryId>` (timeline) |
 * | entry version (immutable) | `PATIENT#<id>` | `ENTRY#<entryId>#V#<000001>` | |
 * | national-id uniqueness | `NID#<nationalIdKey>` | `NID` | |
 * | name-token index | `NAME#<keyed hash of token prefix>` | `<patientId>` | |
 * | idempotency record | `IDEM#<sha256(caller, operation, key)>` | `IDEM` | TTL `expiresAt` |
 *
 * The patient and its relationships share the sk prefix `PATIENT`, so one consistent query loads
 * everything an access decision needs.
 */
export const journalKeys = {
  patientPk: (tenant: string, patientId: string) => tenantKey(tenant, 'PATIENT', patientId),
  patientSk: 'PATIENT',
  /** sk prefix covering the patient item and its relationships. */
  accessContextPrefix: 'PATIENT',
  relationshipSk: (relationshipId: string) => `PATIENT#REL#${relationshipId}`,
  relationshipPrefix: 'PATIENT#REL#',
  entrySk: (entryId: string) => `ENTRY#${entryId}`,
  entryVersionSk: (entryId: string, version: number) => `ENTRY#${entryId}#V#${String(version).padStart(6, '0')}`,
  entryVersionPrefix: (entryId: string) => `ENTRY#${entryId}#V#`,
  timelinePk: (tenant: string, patientId: string) => tenantKey(tenant, 'PATIENT', patientId, 'TL'),
  timelineSk: (eventTime: string, entryId: string) => `${eventTime}#${entryId}`,
  patientsListingPk: (tenant: string) => tenantKey(tenant, 'PATIENTS'),
  nationalIdPk: (tenant: string, nidKey: string) => tenantKey(tenant, 'NID', nidKey),
  nationalIdSk: 'NID',
  nameTokenPk: (tenant: string, tokenHash: string) => tenantKey(tenant, 'NAME', tokenHash),
  idempotencyPk: (tenant: string, digest: string) => tenantKey(tenant, 'IDEM', digest),
  idempotencySk: 'IDEM',
} as const;
