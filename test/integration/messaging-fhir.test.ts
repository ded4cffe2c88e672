import { Client } from 'fhir-kit-client';
import { describe, expect, it } from 'vitest';
import { syntheticNationalId } from '../../shared/contracts/identifiers';
import { HER_SYSTEM, MESSAGE_KIND_SYSTEM } from '../../functions/fhir/communication-map';
import { unitHerId } from '../../local/seeds/messaging';
import { useTestStack } from '../support/local-stack';
import { createPatient, createRelationship } from '../support/patients';
import { auditEvents } from '../support/tables';
import { expectValidFhir } from '../support/fhir-validate';

/**
 * FHIR Communication over the messaging service, through fhir-kit-client: create sends from the
 * caller's unit (same rules: care relationship, directory, Idempotency-Key), search lists what the
 * unit holds about a patient, read opens the message (audited, read receipt); every resource valid
 * R4, and the CapabilityStatement lists the interactions.
 */

const stack = useTestStack();
type Resource = { resourceType: string; id: string; [k: string]: unknown };
type Bundle = Resource & { entry?: { resource: Resource }[] };

const OSLO_GP = unitHerId('0301', 2);
const ULLEVAL = '90001';

async function clientFor(user: string, key?: string): Promise<Client> {
  return new Client({ baseUrl: `${stack.url}/fhir/R4`, customHeaders: { authorization: `Bearer ${await stack.tokenFor(user)}`, ...(key ? { 'idempotency-key': key } : {}) } });
}

function communication(patientId: string, herId: string, kind = 'foresporsel') {
  return {
    resourceType: 'Communication',
    status: 'in-progress',
    subject: { reference: `Patient/${patientId}` },
    recipient: [{ identifier: { system: HER_SYSTEM, value: herId } }],
    category: [{ coding: [{ system: MESSAGE_KIND_SYSTEM, code: kind }] }],
    topic: { text: 'Blodtrykk' },
    payload: [{ contentString: 'Målt 160/95 i dag. Vurdere justering?' }],
  };
}

let n = 0;
async function patient() {
  n += 1;
  const nid = syntheticNationalId({ day: 14, month: 2, year: 1945 + n }, 600 + n * 11);
  const p = await createPatient(stack, 'oslo.admin', { nationalId: nid, name: 'Kommunikasjon Fhirsen', birthDate: `${1945 + n}-02-14`, gender: 'unknown' });
  await createRelationship(stack, 'oslo.sykepleier', p.id);
  return p;
}

async function refusal(call: Promise<unknown>): Promise<number> {
  const error = (await call.then(
    () => undefined,
    (e: unknown) => e,
  )) as { response: { status: number; data: unknown } } | undefined;
  expect(error, 'refused').toBeDefined();
  const data = error!.response.data;
  const outcome = (typeof data === 'string' ? JSON.parse(data) : data) as Resource;
  expect(outcome.resourceType).toBe('OperationOutcome');
  expectValidFhir(outcome);
  return error!.response.status;
}

describe('FHIR Communication', () => {
  it('creates (sends) a message, finds it by patient and recipient, and reads it with its payload, audited as the messaging service audits', async () => {
    const p = await patient();
    const nurse = await clientFor('oslo.sykepleier', `fhir-comm-${p.id}`);
    const created = (await nurse.create({ resourceType: 'Communication', body: communication(p.id, OSLO_GP) })) as Resource;
    expectValidFhir(created);
    expect(created).toMatchObject({ status: 'completed', subject: { reference: `Patient/${p.id}` }, recipient: [{ identifier: { value: OSLO_GP } }], payload: [{ contentString: 'Målt 160/95 i dag. Vurdere justering?' }] });
    // The same Idempotency-Key: the same message, not a second one.
    const again = (await nurse.create({ resourceType: 'Communication', body: communication(p.id, OSLO_GP) })) as Resource;
    expect(again.id).toBe(created.id);

    const gp = await clientFor('oslo.lege');
    const found = (await gp.search({ resourceType: 'Communication', searchParams: { patient: `Patient/${p.id}` } })) as Bundle;
    expectValidFhir(found);
    expect((found.entry ?? []).map((e) => e.resource.id)).toEqual([created.id]);
    expect(JSON.stringify(found)).not.toContain('160/95');
    const none = (await gp.search({ resourceType: 'Communication', searchParams: { patient: `Patient/${p.id}`, recipient: `${HER_SYSTEM}|${ULLEVAL}` } })) as Bundle;
    expect(none.entry ?? []).toEqual([]);

    const read = (await gp.read({ resourceType: 'Communication', id: created.id })) as Resource;
    expectValidFhir(read);
    expect(read).toMatchObject({ id: created.id, topic: { text: 'Blodtrykk' }, payload: [{ contentString: 'Målt 160/95 i dag. Vurdere justering?' }], category: [{ coding: [{ code: 'foresporsel' }] }] });
    const actions = (await auditEvents('0301', p.id)).filter((e) => String(e.action).startsWith('message.')).map((e) => e.action);
    expect(actions).toEqual(['message.send', 'message.list', 'message.list', 'message.read']);
  });

  it('refuses what /v1 refuses: no care relationship, an unknown recipient, bad input, a message the unit is not party to', async () => {
    const p = await patient();
    expect(await refusal((await clientFor('oslo.lege', 'fhir-comm-x1')).create({ resourceType: 'Communication', body: communication(p.id, OSLO_GP) }))).toBe(403);
    expect(await refusal((await clientFor('oslo.sykepleier', 'fhir-comm-x2')).create({ resourceType: 'Communication', body: communication(p.id, '99999') }))).toBe(400);
    expect(await refusal((await clientFor('oslo.sykepleier', 'fhir-comm-x3')).create({ resourceType: 'Communication', body: { ...communication(p.id, OSLO_GP), payload: [] } }))).toBe(400);
    expect(await refusal((await clientFor('oslo.sykepleier')).create({ resourceType: 'Communication', body: communication(p.id, OSLO_GP) }))).toBe(400);
    const sent = (await (await clientFor('oslo.sykepleier', `fhir-comm-${p.id}`)).create({ resourceType: 'Communication', body: communication(p.id, ULLEVAL, 'dialog') })) as Resource;
    expect(sent).toMatchObject({ status: 'in-progress' });
    // Torshov legekontor is no party to the thread to the hospital.
    expect(await refusal((await clientFor('oslo.lege')).read({ resourceType: 'Communication', id: sent.id }))).toBe(404);
    expect(await refusal((await clientFor('oslo.lege')).read({ resourceType: 'Communication', id: 'abc' }))).toBe(400);
  });

  it('is listed in the CapabilityStatement', async () => {
    const cs = (await (await fetch(`${stack.url}/fhir/R4/metadata`)).json()) as { rest: { resource: { type: string; interaction: { code: string }[]; searchParam?: { name: string }[] }[] }[] };
    const comm = cs.rest[0]!.resource.find((r) => r.type === 'Communication')!;
    expect(comm.interaction.map((i) => i.code).sort()).toEqual(['create', 'read', 'search-type']);
    expect(comm.searchParam?.map((s) => s.name).sort()).toEqual(['patient', 'recipient']);
  });
});
