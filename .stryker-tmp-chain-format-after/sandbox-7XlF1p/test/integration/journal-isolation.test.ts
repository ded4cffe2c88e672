// @ts-nocheck
import { tenantDb, tenantSession } from '../support/tables';
import { describe, expect, it } from 'vitest';
import { seedDemoData } from '../../local/seed';
import { syntheticNationalId } from '../../shared/contracts/identifiers';
import type { Entry, Patient, Relationship } from '../../shared/contracts/journal';
import { countTenantRecords, exportTenantJournal } from '../../functions/journal/export';
import { journalKeys } from '../../functions/core/journal-record';
import { journalRoutes } from '../../functions/journal/routes';
import { useTestStack } from '../support/local-stack';
import { createPatient, createRelationship, createSignedEntry } from '../support/patients';
import { newIdempotencyKey } from '../support/requests';
import { auditEvents, journalPartition } from '../support/tables';
import { grantTestVendor, vendorToken } from '../support/tokens';

const stack = useTestStack();
const post = stack.post;

interface Fixture {
  patient: Patient;
  relationship: Relationship;
  entry: Entry;
}

async function osloFixture(nationalId: string): Promise<Fixture> {
  const patient = await createPatient(stack, 'oslo.admin', { nationalId, name: 'Isolert Pasient', birthDate: '1980-01-01', gender: 'unknown' });
  const relationship = await createRelationship(stack, 'oslo.lege', patient.id);
  const { entry } = await createSignedEntry(stack, 'oslo.lege', patient.id, { type: 'epikrise', title: 'Epikrise', text: 'Isolert tekst' });
  return { patient, relationship, entry };
}

/** A valid request for each journal route, so that only the tenant boundary can refuse it. */
const BODIES: Record<string, unknown> = {
  createRelationship: { reasonCode: 'ordinary-care', reason: 'Forsøk fra annen kommune' },
  endRelationship: { reason: 'Forsøk' },
  createEntry: { type: 'journalnotat', title: 'x', text: 'y' },
  editDraft: { title: 'x', text: 'y' },
  correctEntry: { title: 'x', text: 'y', reason: 'Forsøk' },
  markEnteredInError: { reason: 'Forsøk' },
};

describe('tenant isolation', () => {
  it('gives a clinician of another municipality 404/403 on every patient route of Oslo, and changes nothing', async () => {
    const f = await osloFixture(syntheticNationalId({ day: 3, month: 4, year: 1980 }, 321));
    const before = await journalPartition('0301', f.patient.id);
    const scoped = journalRoutes.filter((r) => r.path.includes('{patientId}'));
    expect(scoped.length).toBeGreaterThanOrEqual(12);
    for (const as of ['bergen.lege', 'bergen.admin']) {
      for (const route of scoped) {
        const path = route.path
          .replace('{patientId}', f.patient.id)
          .replace('{entryId}', f.entry.id)
          .replace('{relationshipId}', f.relationship.id);
        const res = await stack.call(path, {
          method: route.method,
          as,
          ...(route.method === 'GET' ? {} : { json: BODIES[route.id] ?? {} }),
          headers: { 'idempotency-key': newIdempotencyKey(), 'if-match': '"v2"' },
        });
        expect([403, 404], `${as} ${route.id}`).toContain(res.status);
      }
    }
    expect(await journalPartition('0301', f.patient.id)).toEqual(before);
    // Search runs in the caller's own municipality: Oslo's patient is not found from Bergen.
    const search = await post('/v1/patients/search', 'bergen.lege', { nationalId: f.patient.nationalId });
    expect(((await search.json()) as { patients: Patient[] }).patients).toEqual([]);
    // The data layer itself refuses another tenant's keys.
    await expect(tenantDb('4601').get('journal', journalKeys.patientPk('0301', f.patient.id), 'PATIENT')).rejects.toThrow(/utenfor egen kommune/);
  });
});

describe('vendor clients', () => {
  it('lets a vendor with a journal.read grant read (audited as vendor-grant) but not write, and only in the granting tenant', async () => {
    const f = await osloFixture(syntheticNationalId({ day: 4, month: 4, year: 1981 }, 322));
    await grantTestVendor('epj-leverandor', '0301', ['journal.read'], { clientId: 'epj-leverandor', name: 'Testleverandør' });
    const token = await vendorToken(stack.issuer, 'epj-leverandor', ['journal.read', 'journal.write']);
    const call = (path: string, tenant: string, init: { method?: string; json?: unknown } = {}) => stack.call(path, { ...init, token, tenant, headers: { 'idempotency-key': newIdempotencyKey() } });
    expect((await call(`/v1/patients/${f.patient.id}/timeline`, '0301')).status).toBe(200);
    const write = await call(`/v1/patients/${f.patient.id}/entries`, '0301', { method: 'POST', json: BODIES.createEntry });
    expect(write.status).toBe(403);
    expect((await call(`/v1/patients/${f.patient.id}/timeline`, '4601')).status).toBe(403);
    // Relationships are personal; vendors cannot create them.
    expect((await call(`/v1/patients/${f.patient.id}/relationships`, '0301', { method: 'POST', json: BODIES.createRelationship })).status).toBe(403);
    const events = await auditEvents('0301', f.patient.id);
    expect(events.at(-1)).toMatchObject({ action: 'patient.timeline', outcome: 'success', rule: 'vendor-grant', actor: { clientId: 'epj-leverandor' } });
  });
});

describe('offboarding export', () => {
  it('exports every patient, relationship, entry and entry version of a tenant, decrypted, matching the counts', async () => {
    const records: Record<string, unknown>[] = [];
    for await (const r of exportTenantJournal(tenantSession('1804'))) records.push(r);
    const counts = await countTenantRecords(tenantSession('1804'));
    const byKind = (k: string) => records.filter((r) => r.kind === k);
    expect(counts.patients).toBeGreaterThan(0);
    expect({ patients: byKind('patient').length, relationships: byKind('care-relationship').length, entries: byKind('journal-entry').length, entryVersions: byKind('journal-entry-version').length }).toEqual(counts);
    expect(byKind('patient').map((p) => p.nationalId)).toContain('29821298774');
    expect(byKind('journal-entry').some((e) => typeof e.text === 'string' && (e.text).includes('Vaksine'))).toBe(true);
    expect(counts.entryVersions).toBeGreaterThanOrEqual(counts.entries);
    // Nothing of another tenant.
    expect(records.every((r) => r.tenant === '1804')).toBe(true);
  });

  it('seeds idempotently: seeding again adds nothing', async () => {
    const before = await Promise.all(['0301', '4601', '1804'].map((t) => countTenantRecords(tenantSession(t))));
    await seedDemoData('eu-north-1');
    expect(await Promise.all(['0301', '4601', '1804'].map((t) => countTenantRecords(tenantSession(t))))).toEqual(before);
    const ola = await countTenantRecords(tenantSession('4601'));
    expect(ola).toMatchObject({ patients: 1, relationships: 2, entries: 4 });
  });
});
