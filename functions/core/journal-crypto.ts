import type { TenantSession } from '../../shared/db/sessions';
import type { EntrySealed, PatientSealed, RelationshipSealed } from './journal-items';

/**
 * Sealing of journal records under the tenant's key. The encryption context names tenant, patient,
 * record and kind, so a ciphertext moved to another record, patient or tenant fails to open.
 * Each takes the tenant's session: its keys (KMS under the session's credentials in AWS) are the
 * only ones that seal or open that tenant's records.
 */

export function sealPatient(session: TenantSession, patientId: string, value: PatientSealed): Promise<Buffer> {
  return session.keys.encryptJson({ tenant: session.tenant, patient: patientId, record: patientId, kind: 'patient' }, value);
}

export function openPatient(session: TenantSession, patientId: string, sealed: Uint8Array): Promise<PatientSealed> {
  return session.keys.decryptJson({ tenant: session.tenant, patient: patientId, record: patientId, kind: 'patient' }, sealed);
}

export function sealRelationship(session: TenantSession, patientId: string, relationshipId: string, value: RelationshipSealed): Promise<Buffer> {
  return session.keys.encryptJson({ tenant: session.tenant, patient: patientId, record: relationshipId, kind: 'care-relationship' }, value);
}

export function openRelationship(session: TenantSession, patientId: string, relationshipId: string, sealed: Uint8Array): Promise<RelationshipSealed> {
  return session.keys.decryptJson({ tenant: session.tenant, patient: patientId, record: relationshipId, kind: 'care-relationship' }, sealed);
}

/** One entry version's content; bound to the entry and the version number. */
export function sealEntryVersion(session: TenantSession, patientId: string, entryId: string, version: number, value: EntrySealed): Promise<Buffer> {
  return session.keys.encryptJson({ tenant: session.tenant, patient: patientId, record: `${entryId}/v${version}`, kind: 'journal-entry' }, value);
}

export function openEntryVersion(session: TenantSession, patientId: string, entryId: string, version: number, sealed: Uint8Array): Promise<EntrySealed> {
  return session.keys.decryptJson({ tenant: session.tenant, patient: patientId, record: `${entryId}/v${version}`, kind: 'journal-entry' }, sealed);
}

/** A stored response of an idempotent request (it may hold patient data). */
export function sealIdempotentResult(session: TenantSession, recordId: string, value: unknown): Promise<Buffer> {
  return session.keys.encryptJson({ tenant: session.tenant, record: recordId, kind: 'idempotent-result' }, value);
}

export function openIdempotentResult<T>(session: TenantSession, recordId: string, sealed: Uint8Array): Promise<T> {
  return session.keys.decryptJson<T>({ tenant: session.tenant, record: recordId, kind: 'idempotent-result' }, sealed);
}
