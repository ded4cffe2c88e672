import type { TenantSession } from '../../shared/db/sessions';
import { toVersion } from './entry-service';
import { type EntryItem, type EntryVersionItem, type PatientItem, toEntry } from '../core/journal-record';
import { loadPatientContext } from '../core/patient-access';
import { listPatientsPage, patientPartition } from './patient-store';
import { toPatient } from './patient-service';
import { toRelationship } from './relationship-service';

/**
 * Offboarding export for the control plane: every patient, care relationship, entry (current
 * version) and every entry version of a tenant, decrypted, as plain objects (one NDJSON line each).
 * Patients come from the tenant-wide listing (journal gsi2 `PATIENTS`); everything else from each
 * patient's partition. Idempotency records (transient) are not part of the record.
 * The caller (control plane) audits the export itself; this module only reads.
 */

export type ExportKind = 'patient' | 'care-relationship' | 'journal-entry' | 'journal-entry-version';

export interface TenantRecordCounts {
  patients: number;
  relationships: number;
  entries: number;
  entryVersions: number;
}

async function* tenantPatients(session: TenantSession): AsyncGenerator<PatientItem> {
  let cursor: string | undefined;
  do {
    const page = await listPatientsPage(session, cursor);
    yield* page.items;
    cursor = page.nextCursor;
  } while (cursor);
}

/** One patient's records, decrypted: the patient, its care relationships, entries and entry versions. */
async function* patientRecords(session: TenantSession, patientId: string, now: Date): AsyncIterable<Record<string, unknown>> {
  const context = await loadPatientContext(session, patientId);
  if (!context) return;
  yield { kind: 'patient' satisfies ExportKind, ...(await toPatient(session, context.patient)) };
  for (const r of context.relationships) yield { kind: 'care-relationship' satisfies ExportKind, tenant: session.tenant, ...(await toRelationship(session, r, now)) };
  for await (const item of patientPartition(session, patientId, 'ENTRY#')) {
    if (item.itemType === 'entry') yield { kind: 'journal-entry' satisfies ExportKind, tenant: session.tenant, ...(await toEntry(session, item as EntryItem)) };
    else if (item.itemType === 'entry-version') {
      const version = item as EntryVersionItem;
      yield { kind: 'journal-entry-version' satisfies ExportKind, tenant: session.tenant, patientId: version.patientId, type: version.entryType, unit: version.unit, ...(await toVersion(session, version)) };
    }
  }
}

/** Every journal record of the tenant, decrypted, patient by patient. */
export async function* exportTenantJournal(session: TenantSession): AsyncIterable<Record<string, unknown>> {
  const now = new Date();
  for await (const listed of tenantPatients(session)) yield* patientRecords(session, listed.patientId, now);
}

/**
 * One page of the export: the records of up to `patients` patients after `cursor` (the patient
 * listing's own cursor), and the cursor to continue from. Reading the same cursor again gives the
 * same page, which is what lets an interrupted offboarding export resume without duplicates.
 */
export async function exportTenantJournalPage(session: TenantSession, cursor: string | undefined, patients: number): Promise<{ records: Record<string, unknown>[]; nextCursor?: string }> {
  const now = new Date();
  const page = await listPatientsPage(session, cursor, patients);
  const records: Record<string, unknown>[] = [];
  for (const listed of page.items) for await (const r of patientRecords(session, listed.patientId, now)) records.push(r);
  return { records, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
}

/** How many records an export of the tenant must contain (counted from the table, nothing decrypted). */
export async function countTenantRecords(session: TenantSession): Promise<TenantRecordCounts> {
  const counts: TenantRecordCounts = { patients: 0, relationships: 0, entries: 0, entryVersions: 0 };
  for await (const listed of tenantPatients(session)) {
    for await (const item of patientPartition(session, listed.patientId)) {
      if (item.itemType === 'patient') counts.patients++;
      else if (item.itemType === 'relationship') counts.relationships++;
      else if (item.itemType === 'entry') counts.entries++;
      else if (item.itemType === 'entry-version') counts.entryVersions++;
    }
  }
  return counts;
}
