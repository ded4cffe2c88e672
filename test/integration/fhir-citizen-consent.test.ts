import { Client } from 'fhir-kit-client';
import { describe, expect, it } from 'vitest';
import { syntheticNationalId } from '../../shared/contracts/identifiers';
import { useTestStack } from '../support/local-stack';
import { createCitizen, createPatient, createRelationship } from '../support/patients';
import { readJson } from '../support/requests';
import { expectValidFhir, statusOf } from '../support/fhir-validate';

/**
 * The citizen's own blocks as Consent over FHIR, as /v1/sharing/me/blocks shows them: a citizen's
 * token reads and searches their own, never another person's, and never a municipality's patient.
 */

const stack = useTestStack();
const FNR = 'urn:oid:2.16.578.1.12.4.1.4.1';

type Resource = { resourceType: string; id: string; [k: string]: unknown };
type Bundle = Resource & { entry?: { resource: Resource }[] };

async function clientFor(user: string): Promise<Client> {
  return new Client({ baseUrl: `${stack.url}/fhir/R4`, customHeaders: { authorization: `Bearer ${await stack.tokenFor(user)}` } });
}

let n = 0;
async function citizenWithBlocks(): Promise<{ who: string; nid: string; patientId: string; liftedId: string }> {
  n += 1;
  const nid = syntheticNationalId({ day: 21, month: 8, year: 1960 + n }, 500 + n * 13);
  const p = await createPatient(stack, 'oslo.admin', { nationalId: nid, name: 'Egen Sperresen', birthDate: `${1960 + n}-08-21`, gender: 'unknown' });
  await createRelationship(stack, 'oslo.lege', p.id);
  const who = await createCitizen(nid, 'Egen Sperresen', `innbygger.c${n}`);
  expect((await stack.post('/v1/sharing/me/blocks', who, { kind: 'category', category: 'epikrise' })).status).toBe(201);
  const second = await stack.post('/v1/sharing/me/blocks', who, { kind: 'named-person', tenant: '0301', name: 'Lars Lege (oslo)' });
  expect(second.status).toBe(201);
  const liftedId = (await readJson<{ id: string }>(second)).id;
  expect((await stack.call(`/v1/sharing/me/blocks/${liftedId}`, { method: 'DELETE', as: who, headers: { 'idempotency-key': `lift-${liftedId}` } })).status).toBe(200);
  return { who, nid, patientId: p.id, liftedId };
}

describe('the citizen’s own Consents', () => {
  it('a citizen searches and reads their own blocks as valid Consents, as /v1/sharing/me/blocks lists them', async () => {
    const { who, nid, liftedId } = await citizenWithBlocks();
    const client = await clientFor(who);
    const bundle = (await client.search({ resourceType: 'Consent', searchParams: {} })) as Bundle;
    expectValidFhir(bundle);
    const consents = (bundle.entry ?? []).map((e) => e.resource);
    for (const c of consents) expectValidFhir(c);
    const v1 = await readJson<{ blocks: { id: string; active: boolean }[] }>(await stack.call('/v1/sharing/me/blocks', { as: who }));
    expect(consents).toHaveLength(v1.blocks.length);
    expect(consents.map((c) => c.status).sort()).toEqual(['active', 'inactive']);
    for (const c of consents) expect(c.patient).toEqual({ identifier: { system: FNR, value: nid } });
    const lifted = consents.find((c) => c.status === 'inactive')!;
    expect(lifted.id).toBe(`${liftedId}${liftedId}`.replaceAll('-', ''));

    // By their own number, and narrowed by status; each one read by its id.
    const own = (await client.search({ resourceType: 'Consent', searchParams: { 'patient.identifier': `${FNR}|${nid}`, status: 'active' } })) as Bundle;
    expect((own.entry ?? []).map((e) => e.resource.status)).toEqual(['active']);
    const read = (await client.read({ resourceType: 'Consent', id: lifted.id })) as Resource;
    expectValidFhir(read);
    expect(read).toMatchObject({ id: lifted.id, status: 'inactive' });
  });

  it('a citizen is refused another person’s blocks (403) and any Consent not theirs (404); staff still name the patient', async () => {
    const a = await citizenWithBlocks();
    const b = await citizenWithBlocks();
    const client = await clientFor(a.who);
    // Another person's number, or a municipality's patient id (even their own record's): refused.
    expect(await statusOf(client.search({ resourceType: 'Consent', searchParams: { 'patient.identifier': `${FNR}|${b.nid}` } }))).toBe(403);
    expect(await statusOf(client.search({ resourceType: 'Consent', searchParams: { patient: `Patient/${b.patientId}` } }))).toBe(403);
    expect(await statusOf(client.search({ resourceType: 'Consent', searchParams: { patient: `Patient/${a.patientId}` } }))).toBe(403);
    // B's Consent by its id (as B reads it, and as staff read it): not found for A.
    const bConsents = ((await (await clientFor(b.who)).search({ resourceType: 'Consent', searchParams: {} })) as Bundle).entry!.map((e) => e.resource.id);
    expect(bConsents.length).toBeGreaterThan(0);
    for (const id of bConsents) expect(await statusOf(client.read({ resourceType: 'Consent', id }))).toBe(404);
    const staffId = `${b.patientId}${b.liftedId}`.replaceAll('-', '');
    expect(await statusOf(client.read({ resourceType: 'Consent', id: staffId }))).toBe(404);

    // Staff must name the patient (400), and then see the same blocks under the patient's id.
    const lege = await clientFor('oslo.lege');
    expect(await statusOf(lege.search({ resourceType: 'Consent', searchParams: {} }))).toBe(400);
    const staffView = (await lege.search({ resourceType: 'Consent', searchParams: { patient: `Patient/${b.patientId}` } })) as Bundle;
    expect((staffView.entry ?? []).map((e) => e.resource.id)).toContain(staffId);
  });
});
