// @ts-nocheck
import type { TenantSession } from '../../shared/db/sessions';
import type { TxWrite } from '../../shared/db/tenant-db';
import { type EntryItem, journalKeys, type PatientItem, type RelationshipItem } from '../core/journal-record';

/** DynamoDB access for patients: the record, its national-id uniqueness item and its name tokens. */

export interface NewPatient {
  tenant: string;
  patientId: string;
  nidKey: string;
  sealed: Buffer;
  createdAt: string;
  createdBy: string;
  nameTokenHashes: string[];
}

export function patientItem(p: NewPatient): PatientItem {
  return {
    pk: journalKeys.patientPk(p.tenant, p.patientId),
    sk: journalKeys.patientSk,
    itemType: 'patient',
    patientId: p.patientId,
    tenant: p.tenant,
    nidKey: p.nidKey,
    sealed: p.sealed,
    version: 1,
    createdAt: p.createdAt,
    createdBy: p.createdBy,
    gsi2pk: journalKeys.patientsListingPk(p.tenant),
    gsi2sk: p.patientId,
  };
}

/**
 * The writes that create a patient: the uniqueness item first (its condition is what keeps one
 * record per national id per tenant, also under concurrent creates), the record, the name tokens.
 */
export function createPatientWrites(p: NewPatient): TxWrite[] {
  const absent = { expression: 'attribute_not_exists(pk)' };
  return [
    { kind: 'put', table: 'journal', item: { pk: journalKeys.nationalIdPk(p.tenant, p.nidKey), sk: journalKeys.nationalIdSk, itemType: 'nid', patientId: p.patientId }, condition: absent },
    { kind: 'put', table: 'journal', item: patientItem(p), condition: absent },
    ...p.nameTokenHashes.map((h): TxWrite => ({
      kind: 'put',
      table: 'journal',
      item: { pk: journalKeys.nameTokenPk(p.tenant, h), sk: p.patientId, itemType: 'name-token' },
    })),
  ];
}

/** Patient ids indexed under one name-prefix hash (bounded; `more` when the bound cut the list). */
export async function patientIdsByNameToken(session: TenantSession, tokenHash: string, limit: number): Promise<{ ids: string[]; more: boolean }> {
  const page = await session.db.query({ table: 'journal', partition: journalKeys.nameTokenPk(session.tenant, tokenHash), limit });
  return { ids: page.items.map((i) => String(i.sk)), more: page.nextCursor !== undefined };
}

export async function getPatient(session: TenantSession, patientId: string): Promise<PatientItem | undefined> {
  return session.db.get<PatientItem>('journal', journalKeys.patientPk(session.tenant, patientId), journalKeys.patientSk);
}

/** One page of the tenant's patients (ids), for export and counting. */
export async function listPatientsPage(session: TenantSession, cursor?: string, limit = 100): Promise<{ items: PatientItem[]; nextCursor?: string }> {
  return session.db.query<PatientItem>({ table: 'journal', index: 'gsi2', partition: journalKeys.patientsListingPk(session.tenant), cursor, limit });
}

/** Items of one patient's partition (optionally under an sk prefix), page by page. */
export async function* patientPartition(session: TenantSession, patientId: string, sortBeginsWith?: string): AsyncGenerator<PatientItem | RelationshipItem | EntryItem | Record<string, unknown>> {
  const db = session.db;
  let cursor: string | undefined;
  do {
    const page = await db.query({ table: 'journal', partition: journalKeys.patientPk(session.tenant, patientId), sortBeginsWith, consistent: true, cursor, limit: 200 });
    yield* page.items;
    cursor = page.nextCursor;
  } while (cursor);
}
