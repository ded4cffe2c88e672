import { afterEach, describe, expect, it, vi } from 'vitest';
import { syntheticNationalId } from '../../shared/contracts/identifiers';
import { Envelope } from '../../shared/crypto';
import { ScopedDb } from '../../shared/db/tenant-db';
import { controlKeys } from '../../shared/tenancy/control-keys';
import { useTestStack } from '../support/local-stack';
import { createPatient, createRelationship, createSignedEntry } from '../support/patients';
import { newIdempotencyKey, readJson } from '../support/requests';
import { auditEvents, journalPartition, tenantDb } from '../support/tables';
import { demoToken, syntheticPidFor } from '../support/tokens';

/**
 * Issue 18: a journal or sharing request starts its use case beside its own registry read, on the
 * registry items the caller's previous request read (shared/tenancy/tenant-access.ts admitTenant).
 * These tests hold what that must never cost: a caller the registry refuses now gets 403 and
 * nothing is decrypted, written or audited for them, although their use case had started reading;
 * a caller the registry changed is decided on what it says now, and the first try writes nothing.
 */
const stack = useTestStack();
let n = 0;
const freshNid = () => syntheticNationalId({ day: 9, month: 3, year: 1950 + (n % 40) }, 600 + ++n * 3);
const admin = (path: string, init: { method?: string; json?: unknown } = {}) => stack.call(path, { as: 'bergen.admin', ...init });

afterEach(() => vi.restoreAllMocks());

/** A clinician of Fana home care, a patient of that unit with one signed note, and the clinician's token after two reads of it. */
async function clinicianWithRecord(id: string) {
  const made = await admin('/v1/admin/users', { method: 'POST', json: { id, name: 'Forsinket Sykepleier', roles: ['clinician'], unit: '4601-hjem-fana', hpr: '9100888', profession: 'sykepleier', pid: syntheticPidFor(id) } });
  expect(made.status, await made.clone().text()).toBe(201);
  const token = await demoToken(stack.url, id);
  const patient = await createPatient(stack, 'bergen.admin', { nationalId: freshNid(), name: 'Pasient Registersen', birthDate: '1950-03-09', gender: 'unknown' });
  await createRelationship(stack, 'bergen.admin', patient.id, { subject: { kind: 'unit', id: '4601-hjem-fana' } });
  const { entry } = await createSignedEntry(stack, 'bergen.sykepleier', patient.id, { type: 'journalnotat', title: 'Hemmelig tittel', text: 'Hemmelig notat' });
  const read = () => stack.call(`/v1/patients/${patient.id}/entries/${entry.id}`, { token });
  const write = () => stack.call(`/v1/patients/${patient.id}/entries`, { method: 'POST', token, headers: { 'idempotency-key': newIdempotencyKey() }, json: { type: 'journalnotat', title: 'Ny', text: 'Ny tekst', sign: true } });
  // Two reads: the registry items this process read for the clinician are there to start on.
  for (let i = 0; i < 2; i++) expect((await read()).status).toBe(200);
  return { token, patient, entry, read, write };
}

/** Counts what a request does to the patient's data from here on: decrypts, encrypts, audit events, journal items, and whether its use case started reading. */
async function watch(tenant: string, patientId: string) {
  const decrypt = vi.spyOn(Envelope.prototype, 'decrypt');
  const encrypt = vi.spyOn(Envelope.prototype, 'encrypt');
  const started = vi.spyOn(ScopedDb.prototype, 'getAcross');
  const audit = (await auditEvents(tenant, patientId)).length;
  const journal = (await journalPartition(tenant, patientId)).length;
  return {
    started: () => started.mock.calls.length,
    async expectNothingDone() {
      expect(decrypt).not.toHaveBeenCalled();
      expect(encrypt).not.toHaveBeenCalled();
      expect((await auditEvents(tenant, patientId)).length).toBe(audit);
      expect((await journalPartition(tenant, patientId)).length).toBe(journal);
    },
    newAudit: async () => (await auditEvents<{ action: string; outcome: string }>(tenant, patientId)).slice(audit),
  };
}

async function expectRefused(res: Response, ...secrets: string[]) {
  expect(res.status).toBe(403);
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  const body = await res.text();
  for (const s of secrets) expect(body).not.toContain(s);
}

describe('a request that starts beside its registry read', () => {
  it('refuses a user disabled since their last request: the read had started, but nothing is decrypted, audited or written', async () => {
    const c = await clinicianWithRecord('bergen.forsinket1');
    expect((await admin('/v1/admin/users/bergen.forsinket1', { method: 'PATCH', json: { status: 'disabled' } })).status).toBe(200);
    const seen = await watch('4601', c.patient.id);
    await expectRefused(await c.read(), 'Hemmelig', c.patient.id);
    await expectRefused(await c.write(), 'Hemmelig');
    // The use case did start on the earlier registry items (else this test would prove nothing about holding it).
    expect(seen.started()).toBeGreaterThan(0);
    await seen.expectNothingDone();
  });

  it('refuses every user of a municipality suspended since their last request, with nothing decrypted, audited or written', async () => {
    const c = await clinicianWithRecord('bergen.forsinket2');
    await tenantDb('4601').update('control', controlKeys.tenant('4601'), { expression: 'SET #s = :s', names: { '#s': 'status' }, values: { ':s': 'suspended' } });
    try {
      const seen = await watch('4601', c.patient.id);
      const res = await c.read();
      await expectRefused(res.clone(), 'Hemmelig');
      expect(await readJson(res)).toMatchObject({ title: 'Kommunen er suspendert' });
      await expectRefused(await c.write(), 'Hemmelig');
      expect(seen.started()).toBeGreaterThan(0);
      await seen.expectNothingDone();
    } finally {
      await tenantDb('4601').update('control', controlKeys.tenant('4601'), { expression: 'SET #s = :s', names: { '#s': 'status' }, values: { ':s': 'active' } });
    }
    expect((await c.read()).status).toBe(200);
  });

  it('decides a user moved to another unit since their last request on the new unit: one audit event, the refusal, and no answer from the old unit', async () => {
    const c = await clinicianWithRecord('bergen.forsinket3');
    expect((await admin('/v1/admin/users/bergen.forsinket3', { method: 'PATCH', json: { unit: '4601-lege-sentrum' } })).status).toBe(200);
    const seen = await watch('4601', c.patient.id);
    await expectRefused(await c.read(), 'Hemmelig');
    // The first try, on the old unit, would have been allowed: its success event was held and never written.
    expect((await seen.newAudit()).map((e) => [e.action, e.outcome])).toEqual([['entry.read', 'denied']]);
  });

  it('decides a write of a user whose role was taken away since their last request on the new role: refused and audited once, nothing written', async () => {
    const c = await clinicianWithRecord('bergen.forsinket4');
    expect((await admin('/v1/admin/users/bergen.forsinket4', { method: 'PATCH', json: { roles: ['auditor'] } })).status).toBe(200);
    const seen = await watch('4601', c.patient.id);
    const journal = (await journalPartition('4601', c.patient.id)).length;
    await expectRefused(await c.write(), 'Hemmelig');
    // The first try, as a clinician, would have written the entry and its two events: held, and dropped.
    expect((await seen.newAudit()).map((e) => [e.action, e.outcome])).toEqual([['entry.create', 'denied']]);
    expect((await journalPartition('4601', c.patient.id)).length).toBe(journal);
  });
});
