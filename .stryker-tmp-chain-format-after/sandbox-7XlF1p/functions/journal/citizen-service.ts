// @ts-nocheck
import type { Caller } from '../../shared/auth/caller';
import type { MyRecord } from '../../shared/contracts/journal';
import { recordAccess } from '../core/commit';
import { ForbiddenError } from '../../shared/errors';
import { nationalIdKey } from '../../shared/crypto/lookup-hash';
import type { RequestSessions } from '../../shared/db/session-source';
import { platformDb } from '../../shared/db/sessions';
import { readTenantProfile } from '../../shared/tenancy/tenant-profile';
import type { AuditEventInput } from '../core/audit-event';
import { timelinePage } from './entry-store';
import { toEntry } from '../core/journal-record';
import { authorize, accessEvent, patientIdByNationalIdKey, type TenantRequest } from '../core/patient-access';

import { toPatient } from './patient-service';

/**
 * The citizen's own record ("innsyn i journal"). A citizen may be a patient in several
 * municipalities; the tenant registry (control table, gsi1 `TENANTS`) lists them, and each tenant's
 * national-id item (a keyed hash, no plain number) says whether the citizen has a record there.
 * Each tenant is read through its own tenant-scoped access, with the same access decision as
 * everyone else (rule `citizen-own-record`), and every read is audited (purpose CITIZEN) in that
 * tenant's log before the answer is given. A registry of ~360 municipalities costs one GetItem
 * each; a region-wide citizen index can replace the loop when that matters.
 */

export const CITIZEN_ENTRY_LIMIT = 100;

interface RegistryTenant {
  id: string;
  name: string;
  status: string;
}

async function registryTenants(): Promise<RegistryTenant[]> {
  const control = platformDb();
  const out: RegistryTenant[] = [];
  let cursor: string | undefined;
  do {
    const page = await control.query({ table: 'control', index: 'gsi1', partition: 'TENANTS', cursor, limit: 500 });
    for (const item of page.items) out.push({ id: String(item.id), name: String(item.name), status: String(item.status) });
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

/** The citizen's record in every municipality where they are a patient (signed entries, newest first). */
export async function readMyRecord(caller: Caller, requestId: string, sessions: RequestSessions): Promise<MyRecord> {
  if (!caller.pid) throw new ForbiddenError('Innloggingen mangler fødselsnummer.');
  const nidKey = await nationalIdKey(caller.pid);
  const tenants = (await registryTenants()).filter((t) => t.status === 'active' || t.status === 'suspended');
  const hits = await Promise.all(
    tenants.map(async (t) => {
      // The citizen's own session there (vended for the verified citizen in AWS).
      const session = await sessions.citizen(t.id);
      return { tenant: t, session, patientId: await patientIdByNationalIdKey(session, nidKey) };
    }),
  );

  const records: MyRecord['records'] = [];
  const unavailableTenants: string[] = [];
  const events: AuditEventInput[] = [];
  for (const { tenant, session, patientId } of hits) {
    if (!patientId) continue;
    // A suspended municipality serves nobody; the citizen is told it holds a record to ask for later.
    if (tenant.status !== 'active') {
      unavailableTenants.push(tenant.id);
      continue;
    }
    const req: TenantRequest = { tenant: tenant.id, session, sessions, caller, requestId };
    const { context, decision } = await authorize(req, patientId, 'journal.read', 'citizen.record.read');
    const [page, profile] = await Promise.all([timelinePage(session, patientId, { excludeDrafts: true }, CITIZEN_ENTRY_LIMIT), readTenantProfile(tenant.id)]);
    const { version: _version, ...patient } = await toPatient(session, context.patient);
    // The citizen reads the unit's name ("Torshov legekontor"), not its id.
    const unitNames = new Map((profile?.units ?? []).map((u) => [u.id, u.name]));
    records.push({
      tenant: tenant.id,
      tenantName: tenant.name,
      patient,
      entries: await Promise.all(
        page.items.map(async (head) => {
          const entry = await toEntry(session, head);
          const unitName = unitNames.get(entry.unit);
          return unitName ? { ...entry, unitName } : entry;
        }),
      ),
      truncated: page.nextCursor !== undefined,
    });
    events.push(accessEvent(req, 'citizen.record.read', 'success', { patientId, nidKey, recordId: patientId }, decision, { entries: page.items.length }));
  }
  // Stored before the answer: no read without its trace.
  if (events.length) await recordAccess(events, { sessions });
  return { records, unavailableTenants };
}
