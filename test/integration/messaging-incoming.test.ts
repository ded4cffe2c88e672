import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { syntheticNationalId } from '../../shared/contracts/identifiers';
import type { Entry } from '../../shared/contracts/journal';
import type { Message, MessageHead, Thread } from '../../shared/contracts/messaging';
import { deliverOutbox } from '../../functions/messaging/delivery';
import { defaultExchange, type ExchangeEnvelope } from '../../functions/messaging/exchange';
import { receiveIncoming, REJECT_INCOMING } from '../../functions/messaging/incoming';
import { unitHerId } from '../../local/seeds/messaging';
import { useTestStack } from '../support/local-stack';
import { createCitizen, createPatient, createRelationship } from '../support/patients';
import type { CitizenAccessEntry } from '../../shared/contracts/audit';
import { expectJson } from '../support/requests';
import { auditEvents, journalPartition, tenantDb } from '../support/tables';

/**
 * Messages from external parties through the exchange port (the stand-in's inbound queue), and
 * keeping clinical messages in the journal: the receipt back, the unit's inbox, the journal entry
 * in the copy's transaction, negative receipts, idempotent redelivery, and the same keeping for a
 * message from another municipality.
 */

const stack = useTestStack();

let n = 0;
const freshNid = () => syntheticNationalId({ day: 11, month: 6, year: 1935 + (n % 50) }, 500 + ++n * 7);
const OSLO_HOME = unitHerId('0301', 0);
const BERGEN_HOME = unitHerId('4601', 0);
const ULLEVAL = '90001';

async function osloPatient(nid = freshNid()) {
  const p = await createPatient(stack, 'oslo.admin', { nationalId: nid, name: 'Innkommende Pasient', birthDate: '1940-06-11', gender: 'unknown' });
  await createRelationship(stack, 'oslo.sykepleier', p.id);
  return { nid, patient: p };
}

function envelope(nid: string, over: Partial<ExchangeEnvelope> = {}): ExchangeEnvelope {
  const messageId = randomUUID();
  return {
    messageId,
    threadId: messageId,
    kind: 'utskrivningsrapport',
    sentAt: new Date().toISOString(),
    from: { herId: ULLEVAL, name: 'OUS Ullevål' },
    to: { herId: OSLO_HOME, name: 'Hjemmetjenesten' },
    patient: { nationalId: nid, name: 'Innkommende Pasient' },
    subject: 'Utskrivning fra medisinsk sengepost',
    text: 'Utskrives i dag. Ny medisinliste vedlagt. Kontroll hos fastlege om to uker.',
    attachments: [],
    ...over,
  };
}

const exchange = () => defaultExchange()!;
const inbox = async (as: string) => (await expectJson<{ items: MessageHead[] }>(await stack.call('/v1/messaging/inbox', { as }))).items;
const thread = (as: string, id: string) => stack.call(`/v1/messaging/threads/${id}`, { as }).then((r) => expectJson<Thread>(r));
const timeline = async (as: string, patientId: string) => (await expectJson<{ items: Entry[] }>(await stack.call(`/v1/patients/${patientId}/timeline`, { as }))).items;

describe('messages from external parties', () => {
  it('land in the addressed unit’s inbox with an ok receipt back, and a discharge report is kept in the journal in the same transaction', async () => {
    const { nid, patient } = await osloPatient();
    const msg = envelope(nid);
    stack.exchange.sendInbound(msg as never);
    expect(stack.exchange.pendingInbound()).toBe(1);
    const first = await receiveIncoming(exchange());
    expect(first).toMatchObject({ messages: 1, rejected: 0 });
    expect(stack.exchange.pendingInbound()).toBe(0);
    expect(stack.exchange.receiptsBack.get(msg.messageId)).toMatchObject({ messageId: msg.messageId, status: 'ok' });

    const head = (await inbox('oslo.sykepleier')).find((h) => h.id === msg.messageId);
    expect(head).toMatchObject({ direction: 'in', status: 'delivered', kind: 'utskrivningsrapport', patientId: patient.id, from: { kind: 'external', herId: ULLEVAL } });
    const read = await thread('oslo.sykepleier', msg.threadId);
    expect(read.messages[0]).toMatchObject({ text: msg.text, journalEntryId: msg.messageId, status: 'read' });

    // The journal entry: a received, signed document from the ward, in the patient's timeline.
    const entries = (await timeline('oslo.sykepleier', patient.id)).filter((e) => e.id === read.messages[0]!.journalEntryId);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ status: 'signed', title: 'Utskrivningsrapport: Utskrivning fra medisinsk sengepost', receivedFrom: { organisation: { herId: ULLEVAL } } });
    const entry = await expectJson<Entry>(await stack.call(`/v1/patients/${patient.id}/entries/${msg.messageId}`, { as: 'oslo.sykepleier' }));
    expect(entry).toMatchObject({ text: msg.text, version: 1 });
    // Nothing of it in the clear; audited as received in the patient's chain.
    expect(JSON.stringify(await journalPartition('0301', patient.id))).not.toContain('Ny medisinliste');
    expect((await auditEvents('0301', patient.id)).filter((e) => e.action === 'message.receive').map((e) => e.recordId)).toEqual([msg.messageId]);

    // The exchange hands the same message over again: one copy, one entry, the same ok.
    stack.exchange.sendInbound(msg as never);
    expect(await receiveIncoming(exchange())).toMatchObject({ messages: 1 });
    expect(stack.exchange.receiptsBack.get(msg.messageId)).toMatchObject({ status: 'ok' });
    expect((await tenantDb('0301').query({ table: 'journal', partition: `T#0301#THREAD#${msg.threadId}` })).items).toHaveLength(1);
    expect((await timeline('oslo.sykepleier', patient.id)).filter((e) => e.id === msg.messageId)).toHaveLength(1);
    expect((await auditEvents('0301', patient.id)).filter((e) => e.action === 'message.receive')).toHaveLength(1);

    // The unit answers: the reply goes out through the exchange to the ward.
    const reply = await expectJson<Message>(await stack.post(`/v1/messaging/threads/${msg.threadId}/replies`, 'oslo.sykepleier', { kind: 'dialog', text: 'Mottatt, vi følger opp.' }), 201);
    expect(reply.to).toMatchObject({ herId: ULLEVAL });
    await deliverOutbox('0301', { exchange: exchange() });
    expect(stack.exchange.received.get(reply.id)).toMatchObject({ to: { herId: ULLEVAL }, inReplyTo: msg.messageId });
  });

  it('keeps a dialogue message out of the journal', async () => {
    const { nid, patient } = await osloPatient();
    const msg = envelope(nid, { kind: 'dialog', subject: 'Spørsmål', text: 'Når passer det å ringe?' });
    stack.exchange.sendInbound(msg as never);
    expect(await receiveIncoming(exchange())).toMatchObject({ messages: 1 });
    const read = await thread('oslo.sykepleier', msg.threadId);
    expect(read.messages[0]).toMatchObject({ kind: 'dialog', text: 'Når passer det å ringe?' });
    expect(read.messages[0]!.journalEntryId).toBeUndefined();
    expect(await timeline('oslo.sykepleier', patient.id)).toEqual([]);
  });

  it('answers an unknown HER-id or an unknown patient with a negative receipt and stores nothing', async () => {
    const { nid } = await osloPatient();
    const noUnit = envelope(nid, { to: { herId: '99999', name: 'Ingen' } });
    const noPatient = envelope(freshNid());
    stack.exchange.sendInbound(noUnit as never);
    stack.exchange.sendInbound(noPatient as never);
    expect(await receiveIncoming(exchange())).toMatchObject({ messages: 0, rejected: 2 });
    expect(stack.exchange.receiptsBack.get(noUnit.messageId)).toMatchObject({ status: 'rejected', reason: REJECT_INCOMING.unknownReceiver });
    expect(stack.exchange.receiptsBack.get(noPatient.messageId)).toMatchObject({ status: 'rejected', reason: REJECT_INCOMING.unknownPatient });
    for (const m of [noUnit, noPatient]) expect((await tenantDb('0301').query({ table: 'journal', partition: `T#0301#THREAD#${m.threadId}` })).items).toEqual([]);
  });

  it('leaves an unreadable item on the queue (for the dead-letter queue) and handles the rest', async () => {
    const { nid } = await osloPatient();
    stack.exchange.sendInbound({ messageId: 'not-a-uuid', text: 'x' });
    const good = envelope(nid, { kind: 'avviksmelding' });
    stack.exchange.sendInbound(good as never);
    expect(await receiveIncoming(exchange())).toMatchObject({ messages: 1, unreadable: 1 });
    expect(stack.exchange.pendingInbound()).toBe(1);
    expect(stack.exchange.receiptsBack.get(good.messageId)).toMatchObject({ status: 'ok' });
    await fetch(`${stack.exchange.url}/control`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ reset: true }) });
  });
});

describe('the citizen’s access log', () => {
  it('words message events: the ward’s message received, the unit reading it, and the citizen’s own dialogue', async () => {
    const { nid, patient } = await osloPatient();
    const msg = envelope(nid);
    stack.exchange.sendInbound(msg as never);
    await receiveIncoming(exchange());
    await thread('oslo.sykepleier', msg.threadId);
    await stack.call(`/v1/messaging/patients/${patient.id}/messages`, { as: 'oslo.sykepleier' });
    const who = await createCitizen(nid, 'Innkommende Pasient');
    await stack.post('/v1/messaging/me/threads', who, { tenant: '0301', to: OSLO_HOME, subject: 'Hei', text: 'Et spørsmål' });
    const log = await expectJson<{ items: CitizenAccessEntry[] }>(await stack.call('/v1/audit/access-log', { as: who }));
    const byAction = (a: string) => log.items.filter((i) => i.action === a);
    expect(byAction('message.receive').map((i) => [i.activity, i.who.name])).toEqual([['received-message', expect.stringContaining('Ullevål')]]);
    expect(byAction('message.read').map((i) => i.activity)).toEqual(['read-message']);
    expect(byAction('message.list').map((i) => i.activity)).toEqual(['listed-messages']);
    // The citizen's own use is in the log's "own" view.
    const mine = await expectJson<{ items: CitizenAccessEntry[] }>(await stack.call('/v1/audit/access-log?who=own', { as: who }));
    expect(mine.items.filter((i) => i.action === 'message.citizen.send').map((i) => i.activity)).toEqual(['own-message']);
  });
});

describe('keeping messages from another municipality', () => {
  it('a forespørsel delivered to Bergen is kept in Bergen’s journal once, a dialogue message is not', async () => {
    const nid = freshNid();
    const { patient } = await osloPatient(nid);
    const bergen = await createPatient(stack, 'bergen.admin', { nationalId: nid, name: 'Innkommende Pasient', birthDate: '1940-06-11', gender: 'unknown' });
    const q = await expectJson<Message>(await stack.post('/v1/messaging/messages', 'oslo.sykepleier', { patientId: patient.id, to: BERGEN_HOME, kind: 'foresporsel', subject: 'Tilsyn', text: 'Ber om tilsyn etter fall.' }), 201);
    const d = await expectJson<Message>(await stack.post('/v1/messaging/messages', 'oslo.sykepleier', { patientId: patient.id, to: BERGEN_HOME, kind: 'dialog', subject: 'Hei', text: 'Bare en hilsen.' }), 201);
    await deliverOutbox('0301', { exchange: exchange() });
    await deliverOutbox('0301', { exchange: exchange() });
    const entries = (await journalPartition('4601', bergen.id)).filter((i) => i.itemType === 'entry');
    expect(entries.map((e) => [e.entryId, e.status, (e.receivedFrom as { organisation: { herId?: string } }).organisation.herId])).toEqual([[q.id, 'signed', OSLO_HOME]]);
    expect(entries.some((e) => e.entryId === d.id)).toBe(false);
  });
});
