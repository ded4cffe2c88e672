import { envelopeCrypto } from '../../shared/crypto';
import type { EntrySealed, PatientSealed, RelationshipSealed } from './journal-items';

/**
 * Sealing of journal records under the tenant's key. The encryption context names tenant, patient,
 * record and kind, so a ciphertext moved to another record, patient or tenant fails to open.
 */

export function sealPatient(tenant: string, patientId: string, value: PatientSealed): Promise<Buffer> {
  return envelopeCrypto().encryptJson({ tenant, patient: patientId, record: patientId, kind: 'patient' }, value);
}

export function openPatient(tenant: string, patientId: string, sealed: Uint8Array): Promise<PatientSealed> {
  return envelopeCrypto().decryptJson({ tenant, patient: patientId, record: patientId, kind: 'patient' }, sealed);
}

export function sealRelationship(tenant: string, patientId: string, relationshipId: string, value: RelationshipSealed): Promise<Buffer> {
  return envelopeCrypto().encryptJson({ tenant, patient: patientId, record: relationshipId, kind: 'care-relationship' }, value);
}

export function openRelationship(tenant: string, patientId: string, relationshipId: string, sealed: Uint8Array): Promise<RelationshipSealed> {
  return envelopeCrypto().decryptJson({ tenant, patient: patientId, record: relationshipId, kind: 'care-relationship' }, sealed);
}

/** One entry version's content; bound to the entry and the version number. */
export function sealEntryVersion(tenant: string, patientId: string, entryId: string, version: number, value: EntrySealed): Promise<Buffer> {
  return envelopeCrypto().encryptJson({ tenant, patient: patientId, record: `${entryId}/v${version}`, kind: 'journal-entry' }, value);
}

export function openEntryVersion(tenant: string, patientId: string, entryId: string, version: number, sealed: Uint8Array): Promise<EntrySealed> {
  return envelopeCrypto().decryptJson({ tenant, patient: patientId, record: `${entryId}/v${version}`, kind: 'journal-entry' }, sealed);
}

/** A stored response of an idempotent request (it may hold patient data). */
export function sealIdempotentResult(tenant: string, recordId: string, value: unknown): Promise<Buffer> {
  return envelopeCrypto().encryptJson({ tenant, record: recordId, kind: 'idempotent-result' }, value);
}

export function openIdempotentResult<T>(tenant: string, recordId: string, sealed: Uint8Array): Promise<T> {
  return envelopeCrypto().decryptJson<T>({ tenant, record: recordId, kind: 'idempotent-result' }, sealed);
}
