import { randomUUID } from 'node:crypto';
import { Client } from 'fhir-kit-client';
import { describe, expect, it } from 'vitest';
import { syntheticNationalId } from '../../shared/contracts/identifiers';
import type { Message } from '../../shared/contracts/messaging';
import { HER_SYSTEM, MESSAGE_KIND_SYSTEM, parseCommunicationId } from '../../functions/fhir/communication-map';
import { deliverOutbox } from '../../functions/messaging/delivery';
import { defaultExchange } from '../../functions/messaging/exchange';
import { receiveIncoming } from '../../functions/messaging/incoming';
import { unitHerId } from '../../local/seeds/messaging';
import { useTestStack } from '../support/local-stack';
import { createPatient, createRelationship } from '../support/patients';
import { expectJson } from '../support/requests';
import { auditEvents } from '../support/tables';
import { expectValidFhir, statusOf } from '../support/fhir-validate';

/**
 * FHIR Task for forespørsel / svar, through fhir-kit-client: a vendor system acting for a
 * clinician asks a party by HER-id (a forespørsel goes out), and reads and searches the request's
 * state as the delivery and the answer move it: requested, received, completed with the svar as
 * output. The same rules as /v1 messaging; every resource valid R4; errors OperationOutcome.
 */

const stack = useTestStack();
type Resource = { resourceType: string; id: string; [k: string]: unknown };
type Bundle = Resource & { entry?: { resource: Resource }[] };

const OSLO_HOME = unitHerId('0301', 0);
const OSLO_GP = unitHerId('0301', 2);
const ULLEVAL = '90001';

async function clientFor(user: string, key?: string): Promise<Client> {
  return new Client({ baseUrl: `${stack.url}/fhir/R4`, customHeaders: { authorization: `Bearer ${await stack.tokenFor(user)}`, ...(key ? { 'idempotency-key': key } : {}) } });
}

function task(patientId: string, herId: string) {
  return {
    resourceType: 'Task',
    status: 'requested',
    intent: 'order',
    code: { coding: [{ system: MESSAGE_KIND_SYSTEM, code: 'foresporsel' }], text: 'Svimmelhet om morgenen' },
    for: { reference: `Patient/${patientId}` },
    owner: { identifier: { system: HER_SYSTEM, value: herId } },
    input: [{ type: { text: 'Forespørsel' }, valueString: 'Pasienten er svimmel om morgenen. Skal dosen vurderes?' }],
  };
}

let n = 0;
async function patient() {
  n += 1;
  const nid = syntheticNationalId({ day: 21, month: 3, year: 1940 + n }, 700 + n * 13);
  const p = await createPatient(stack, 'oslo.admin', { nationalId: nid, name: 'Oppgave Fhirsen', birthDate: `${1940 + n}-03-21`, gender: 'unknown' });
  await createRelationship(stack, 'oslo.sykepleier', p.id);
  return { ...p, nid };
}

/** The thread's and the request's ids in a Task id (they join as a Communication id does). */
const idsOf = (taskId: string) => parseCommunicationId(taskId);

const search = async (as: string, params: Record<string, string>) => {
  const bundle = (await (await clientFor(as)).search({ resourceType: 'Task', searchParams: params })) as Bundle;
  expectValidFhir(bundle);
  return (bundle.entry ?? []).map((e) => e.resource);
};

describe('FHIR Task (forespørsel / svar)', () => {
  it('asks a unit of the municipality: received at once, completed with the answer as output once the unit answers', async () => {
    const p = await patient();
    const nurse = await clientFor('oslo.sykepleier', `fhir-task-${p.id}`);
    const created = (await nurse.create({ resourceType: 'Task', body: task(p.id, OSLO_GP) })) as Resource;
    expectValidFhir(created);
    expect(created).toMatchObject({
      resourceType: 'Task',
      status: 'received',
      intent: 'order',
      for: { reference: `Patient/${p.id}` },
      owner: { identifier: { system: HER_SYSTEM, value: OSLO_GP } },
      requester: { identifier: { value: OSLO_HOME } },
      code: { text: 'Svimmelhet om morgenen', coding: [{ code: 'foresporsel' }] },
      input: [{ valueString: 'Pasienten er svimmel om morgenen. Skal dosen vurderes?' }],
      focus: { reference: `Communication/${created.id}` },
    });
    expect(created.output).toBeUndefined();
    // The same Idempotency-Key: the same request, not a second one.
    expect(((await nurse.create({ resourceType: 'Task', body: task(p.id, OSLO_GP) })) as Resource).id).toBe(created.id);

    // The GP's unit finds the request it was sent, by owner and state, without its text.
    const open = await search('oslo.lege', { patient: `Patient/${p.id}`, owner: `${HER_SYSTEM}|${OSLO_GP}`, status: 'requested,received' });
    expect(open.map((t) => [t.id, t.status])).toEqual([[created.id, 'received']]);
    expect(JSON.stringify(open)).not.toContain('svimmel');
    expect(await search('oslo.lege', { patient: p.id, owner: ULLEVAL })).toEqual([]);

    // The GP opens the thread and answers with a svar; the request is completed, the answer its output.
    const { threadId } = idsOf(created.id);
    expect(created.basedOn).toEqual([{ reference: `Communication/${created.id}` }]);
    await expectJson(await stack.call(`/v1/messaging/threads/${threadId}`, { as: 'oslo.lege' }));
    const answer = await expectJson<Message>(await stack.post(`/v1/messaging/threads/${threadId}/replies`, 'oslo.lege', { kind: 'svar', text: 'Halver morgendosen og mål blodtrykket om en uke.' }, { 'idempotency-key': `svar-${p.id}` }), 201);
    const done = (await nurse.read({ resourceType: 'Task', id: created.id })) as Resource;
    expectValidFhir(done);
    expect(done).toMatchObject({ id: created.id, status: 'completed', output: [{ valueString: 'Halver morgendosen og mål blodtrykket om en uke.' }, { valueReference: { display: 'Sv: Svimmelhet om morgenen' } }] });
    expect((done.output as { valueReference?: { reference: string } }[])[1]!.valueReference!.reference).toBe(`Communication/${`${threadId}${answer.id}`.replaceAll('-', '')}`);
    expect((await search('oslo.sykepleier', { patient: p.id, status: 'completed' })).map((t) => t.id)).toEqual([created.id]);
    expect(await search('oslo.sykepleier', { patient: p.id, status: 'received' })).toEqual([]);

    const actions = (await auditEvents('0301', p.id)).filter((e) => String(e.action).startsWith('message.')).map((e) => e.action);
    expect(actions).toEqual(['message.send', 'message.list', 'message.list', 'message.read', 'message.reply', 'message.read', 'message.list', 'message.list']);
  });

  it('asks an external party: requested until its receipt, received after, completed when its svar arrives through the exchange', async () => {
    const p = await patient();
    const nurse = await clientFor('oslo.sykepleier', `fhir-task-ext-${p.id}`);
    const created = (await nurse.create({ resourceType: 'Task', body: task(p.id, ULLEVAL) })) as Resource;
    expect(created).toMatchObject({ status: 'requested', owner: { identifier: { value: ULLEVAL } } });
    expect((await search('oslo.sykepleier', { patient: p.id, status: 'requested' })).map((t) => t.id)).toEqual([created.id]);

    expect((await deliverOutbox('0301', { exchange: defaultExchange()! })).failed).toBe(0);
    expect(((await nurse.read({ resourceType: 'Task', id: created.id })) as Resource).status).toBe('received');

    const { threadId, messageId: requestId } = idsOf(created.id);
    const svarId = randomUUID();
    stack.exchange.sendInbound({
      messageId: svarId,
      threadId,
      inReplyTo: requestId,
      kind: 'svar',
      sentAt: new Date().toISOString(),
      from: { herId: ULLEVAL, name: 'OUS Ullevål' },
      to: { herId: OSLO_HOME, name: 'Hjemmetjenesten' },
      patient: { nationalId: p.nid, name: 'Oppgave Fhirsen' },
      subject: 'Sv: Svimmelhet om morgenen',
      text: 'Vi ser pasienten på poliklinikken fredag.',
      attachments: [],
    });
    expect(await receiveIncoming(defaultExchange()!)).toMatchObject({ messages: 1 });
    // The state search sees (the sent copy moved to answered), and the read with the answer as output.
    expect((await search('oslo.sykepleier', { patient: p.id, status: 'completed' })).map((t) => t.id)).toEqual([created.id]);
    const done = (await nurse.read({ resourceType: 'Task', id: created.id })) as Resource;
    expectValidFhir(done);
    expect(done).toMatchObject({ status: 'completed', output: [{ valueString: 'Vi ser pasienten på poliklinikken fredag.' }, {}] });
  });

  it('refuses what /v1 refuses, as OperationOutcome: no care relationship, an unknown owner, bad input, another kind of message, a request the unit is not party to', async () => {
    const p = await patient();
    expect(await statusOf((await clientFor('oslo.lege', 'fhir-task-x1')).create({ resourceType: 'Task', body: task(p.id, OSLO_HOME) }))).toBe(403);
    expect(await statusOf((await clientFor('oslo.sykepleier', 'fhir-task-x2')).create({ resourceType: 'Task', body: task(p.id, '99999') }))).toBe(400);
    expect(await statusOf((await clientFor('oslo.sykepleier', 'fhir-task-x3')).create({ resourceType: 'Task', body: { ...task(p.id, OSLO_GP), intent: 'proposal' } }))).toBe(400);
    expect(await statusOf((await clientFor('oslo.sykepleier', 'fhir-task-x4')).create({ resourceType: 'Task', body: { ...task(p.id, OSLO_GP), input: [] } }))).toBe(400);
    expect(await statusOf((await clientFor('oslo.sykepleier')).create({ resourceType: 'Task', body: task(p.id, OSLO_GP) }))).toBe(400);
    expect(await statusOf((await clientFor('oslo.sykepleier')).search({ resourceType: 'Task', searchParams: { patient: p.id, status: 'done' } }))).toBe(400);

    // A dialogue message is a Communication, not a Task.
    const dialog = await expectJson<Message>(
      await stack.post('/v1/messaging/messages', 'oslo.sykepleier', { patientId: p.id, to: OSLO_GP, kind: 'dialog', subject: 'Hei', text: 'Bare en hilsen.' }, { 'idempotency-key': `dialog-${p.id}` }),
      201,
    );
    const dialogId = `${dialog.threadId}${dialog.id}`.replaceAll('-', '');
    expect(await statusOf((await clientFor('oslo.lege')).read({ resourceType: 'Task', id: dialogId }))).toBe(404);
    expect(await search('oslo.lege', { patient: p.id })).toEqual([]);

    // A request to the hospital: Torshov legekontor is no party to it.
    const toWard = (await (await clientFor('oslo.sykepleier', `fhir-task-ward-${p.id}`)).create({ resourceType: 'Task', body: task(p.id, ULLEVAL) })) as Resource;
    expect(await statusOf((await clientFor('oslo.lege')).read({ resourceType: 'Task', id: toWard.id }))).toBe(404);
    expect(await statusOf((await clientFor('oslo.lege')).read({ resourceType: 'Task', id: 'abc' }))).toBe(400);
  });

  it('is listed in the CapabilityStatement', async () => {
    const cs = (await (await fetch(`${stack.url}/fhir/R4/metadata`)).json()) as { rest: { resource: { type: string; interaction: { code: string }[]; searchParam?: { name: string }[] }[] }[] };
    const t = cs.rest[0]!.resource.find((r) => r.type === 'Task')!;
    expect(t.interaction.map((i) => i.code).sort()).toEqual(['create', 'read', 'search-type']);
    expect(t.searchParam?.map((s) => s.name).sort()).toEqual(['owner', 'patient', 'status']);
  });
});
