import { describe, expect, it } from 'vitest';
import { syntheticNationalId } from '../../shared/contracts/identifiers';
import type { Entry, EntryVersion } from '../../shared/contracts/journal';
import { documentIdOf } from '../../shared/contracts/sharing';
import { putUser } from '../../shared/tenancy/user-store';
import { useTestStack } from '../support/local-stack';
import { createPatient, createRelationship } from '../support/patients';
import { auditEvents } from '../support/tables';
import { syntheticPidFor } from '../support/tokens';

/**
 * Issue 18: a clinician (or a vendor system on their behalf) writes and signs an entry in one
 * request, one audited transaction: `"sign": true` on the create.
 */
const stack = useTestStack();

let n = 700;
const freshNid = () => syntheticNationalId({ day: 14, month: 7, year: 1950 + (n % 40) }, ++n * 3);

async function patientOf(tenant: 'oslo' | 'bergen') {
  const p = await createPatient(stack, `${tenant}.admin`, { nationalId: freshNid(), name: 'Signert Samtidig', birthDate: '1970-01-01', gender: 'unknown' });
  await createRelationship(stack, `${tenant}.lege`, p.id, { reason: 'Oppfølging' });
  return p;
}

describe('create and sign in one request', () => {
  it('answers 201 with version 1 signed by the author, audits entry.create and entry.sign of one request, and the entry then never changes', async () => {
    const p = await patientOf('oslo');
    const res = await stack.post(`/v1/patients/${p.id}/entries`, 'oslo.lege', { type: 'journalnotat', title: 'Hjemmebesøk', text: 'Vurdert i hjemmet.', sign: true });
    expect(res.status).toBe(201);
    const entry = (await res.json()) as Entry;
    expect(entry).toMatchObject({ status: 'signed', version: 1, text: 'Vurdert i hjemmet.', author: { sub: 'oslo.lege' }, signedBy: { sub: 'oslo.lege' } });
    expect(res.headers.get('etag')).toBe('"v1"');

    const events = (await auditEvents('0301', p.id)).filter((e) => e.recordId === entry.id);
    expect(events.map((e) => [e.action, e.outcome])).toEqual([
      ['entry.create', 'success'],
      ['entry.sign', 'success'],
    ]);
    expect(new Set(events.map((e) => e.requestId)).size).toBe(1);

    const path = `/v1/patients/${p.id}/entries/${entry.id}`;
    expect((await stack.call(path, { method: 'PUT', as: 'oslo.lege', json: { title: 'x', text: 'y' }, headers: { 'if-match': '"v1"' } })).status).toBe(409);
    expect((await stack.post(`${path}/sign`, 'oslo.lege', undefined, { 'if-match': '"v1"' })).status).toBe(409);
    const versions = (await (await stack.call(`${path}/versions`, { as: 'oslo.lege' })).json()) as { versions: EntryVersion[] };
    expect(versions.versions).toHaveLength(1);
  });

  it('without sign (or false) still creates a draft, as before', async () => {
    const p = await patientOf('oslo');
    for (const body of [{}, { sign: false }]) {
      const res = await stack.post(`/v1/patients/${p.id}/entries`, 'oslo.lege', { type: 'journalnotat', title: 'Utkast', text: 'Tekst', ...body });
      expect(res.status).toBe(201);
      expect(await res.json()).toMatchObject({ status: 'draft', version: 1 });
    }
    expect((await stack.post(`/v1/patients/${p.id}/entries`, 'oslo.lege', { type: 'journalnotat', title: 'Utkast', text: 'Tekst', sign: 'yes' })).status).toBe(400);
  });

  it('indexes a sharable type for sharing in the same request: another municipality can retrieve it at once', async () => {
    const nationalId = freshNid();
    const origin = await createPatient(stack, 'bergen.admin', { nationalId, name: 'Delt Samtidig', birthDate: '1970-01-01', gender: 'unknown' });
    const reader = await createPatient(stack, 'oslo.admin', { nationalId, name: 'Delt Samtidig', birthDate: '1970-01-01', gender: 'unknown' });
    await createRelationship(stack, 'bergen.lege', origin.id, { reason: 'Fastlege', reasonCode: 'gp-list' });
    await createRelationship(stack, 'oslo.lege', reader.id, { reason: 'Henvisning', reasonCode: 'referral' });
    const res = await stack.post(`/v1/patients/${origin.id}/entries`, 'bergen.lege', { type: 'epikrise', title: 'Epikrise', text: 'Utskrevet.', sign: true });
    expect(res.status).toBe(201);
    const entry = (await res.json()) as Entry;
    const shared = await stack.call(`/v1/sharing/documents/${documentIdOf('4601', entry.id)}`, { as: 'oslo.lege' });
    expect(shared.status).toBe(200);
    expect(await shared.json()).toMatchObject({ title: 'Epikrise', text: 'Utskrevet.' });
  });

  it('refuses a clinician without an HPR number (403, audited as entry.sign denied) and writes no entry', async () => {
    const p = await patientOf('oslo');
    const id = 'oslo.uten-hpr';
    await putUser({ id, name: 'Una Uten Hpr', roles: ['clinician'], tenant: '0301', unit: '0301-lege-torshov', pid: syntheticPidFor(id), status: 'active' });
    await createRelationship(stack, id, p.id, { reason: 'Oppfølging' });
    const res = await stack.post(`/v1/patients/${p.id}/entries`, id, { type: 'journalnotat', title: 'Forsøk', text: 'Tekst', sign: true });
    expect(res.status).toBe(403);
    const events = await auditEvents('0301', p.id);
    expect(events.filter((e) => e.action === 'entry.sign').map((e) => e.outcome)).toEqual(['denied']);
    expect(events.some((e) => e.action === 'entry.create' && e.outcome === 'success')).toBe(false);
    const timeline = (await (await stack.call(`/v1/patients/${p.id}/timeline`, { as: 'oslo.lege' })).json()) as { items: unknown[] };
    expect(timeline.items).toHaveLength(0);
  });
});
