import { describe, expect, it } from 'vitest';
import { syntheticNationalId } from '../../shared/contracts/identifiers';
import type { CitizenAccessEntry } from '../../shared/contracts/audit';
import type { Message, MessageHead, MyThread, Party, Thread } from '../../shared/contracts/messaging';
import { deliverOutbox, MAX_ATTEMPTS } from '../../functions/messaging/delivery';
import { defaultExchange } from '../../functions/messaging/exchange';
import { unitHerId } from '../../local/seeds/messaging';
import { useTestStack } from '../support/local-stack';
import { createCitizen, createPatient, createRelationship, createSignedEntry } from '../support/patients';
import { expectJson, newIdempotencyKey } from '../support/requests';
import { auditEvents, journalPartition, tenantDb } from '../support/tables';

/**
 * Messaging against DynamoDB Local through the gateway: the parties directory, messages between
 * units of one municipality, to another municipality (internal delivery through the outbox) and to
 * external parties through the exchange port (the stand-in receiver), receipts and delivery
 * states, the access decision and blocks, audit, encryption, idempotency and the citizen's dialogue.
 */

const stack = useTestStack();
const post = stack.post;

let n = 0;
const freshNid = () => syntheticNationalId({ day: 3, month: 4, year: 1940 + (n % 50) }, 300 + ++n * 7);

const OSLO_HOME = unitHerId('0301', 0); // Hjemmetjenesten Sagene (oslo.sykepleier's unit)
const OSLO_GP = unitHerId('0301', 2); // Torshov legekontor (oslo.lege's unit)
const BERGEN_HOME = unitHerId('4601', 0); // Hjemmesykepleien Fana (bergen.sykepleier's unit)
const ULLEVAL = '90001';

/** A patient of Oslo with a care relationship for the home-care nurse. */
async function osloPatient(nid = freshNid()) {
  const p = await createPatient(stack, 'oslo.admin', { nationalId: nid, name: 'Melding Pasient', birthDate: '1950-04-03', gender: 'unknown' });
  await createRelationship(stack, 'oslo.sykepleier', p.id);
  return { nid, patient: p };
}

async function send(as: string, body: Record<string, unknown>, headers: Record<string, string> = {}): Promise<Response> {
  return post('/v1/messaging/messages', as, body, headers);
}

async function inbox(as: string, box: 'in' | 'out' = 'in'): Promise<MessageHead[]> {
  return (await expectJson<{ items: MessageHead[] }>(await stack.call(`/v1/messaging/inbox?box=${box}`, { as }))).items;
}

async function thread(as: string, threadId: string): Promise<Thread> {
  return expectJson<Thread>(await stack.call(`/v1/messaging/threads/${threadId}`, { as }));
}

const exchange = () => defaultExchange();
const control = (body: unknown) => fetch(`${stack.exchange.url}/control`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('communication parties', () => {
  it('lets the tenant admin register parties by HER-id and staff look them up; bad input is a 400 that changes nothing', async () => {
    const put = (as: string, herId: string, json: unknown) => stack.call(`/v1/messaging/parties/${herId}`, { method: 'PUT', as, json });
    const ward = await expectJson<Party>(await put('oslo.admin', '91234', { name: 'Lovisenberg – geriatrisk sengepost', kind: 'external', service: 'sengepost' }));
    expect(ward).toMatchObject({ herId: '91234', kind: 'external', citizenDialogue: false, active: true, updatedBy: 'oslo.admin' });

    const found = await expectJson<{ items: Party[] }>(await stack.call('/v1/messaging/parties?q=lovisenberg', { as: 'oslo.sykepleier' }));
    expect(found.items.map((p) => p.herId)).toEqual(['91234']);
    // The whole directory holds the seeded units, other municipalities' units and external parties.
    const all = await expectJson<{ items: Party[] }>(await stack.call('/v1/messaging/parties', { as: 'oslo.lege' }));
    expect(all.items.find((p) => p.herId === BERGEN_HOME)).toMatchObject({ kind: 'platform', tenant: '4601', unitId: '4601-hjem-fana' });

    const bad = [
      ['0123', { name: 'X', kind: 'external', service: 'annet' }, 'herId'],
      ['12', { name: 'X', kind: 'external', service: 'annet' }, 'herId'],
      ['92000', { name: 'X', kind: 'external', service: 'annet', unitId: '0301-hjem-sagene' }, 'body.kind'],
      ['92001', { name: 'X', kind: 'platform', service: 'annet', tenant: '4601', unitId: 'no-such-unit' }, 'body.unitId'],
      ['92002', { name: 'X', kind: 'unit', service: 'annet' }, 'body.unitId'],
      ['92003', { name: 'X', kind: 'external', service: 'annet', colour: 'red' }, 'colour'],
    ] as const;
    for (const [herId, json, field] of bad) {
      const res = await put('oslo.admin', herId, json);
      expect(res.status, herId).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(JSON.stringify(await res.json())).toContain(field);
    }
    const after = await expectJson<{ items: Party[] }>(await stack.call('/v1/messaging/parties?q=X', { as: 'oslo.admin' }));
    expect(after.items.filter((p) => p.name === 'X')).toEqual([]);

    // Only the tenant admin keeps the directory; the change is in the municipality's log.
    expect((await put('oslo.sykepleier', '92004', { name: 'Y', kind: 'external', service: 'annet' })).status).toBe(403);
    const events = (await auditEvents('0301')).filter((e) => e.action === 'message.party.put' && e.recordId === '91234');
    expect(events).toHaveLength(1);
  });
});

describe('messages within one municipality', () => {
  it('delivers to the receiving unit at once, encrypted; reading is audited and shown to the citizen, and the sender sees read then answered', async () => {
    const { nid, patient } = await osloPatient();
    const { entry } = await createSignedEntry(stack, 'oslo.sykepleier', patient.id, { type: 'sykepleienotat', title: 'Status hjemmebesøk', text: 'Stabil.' });
    const res = await send('oslo.sykepleier', { patientId: patient.id, to: OSLO_GP, kind: 'foresporsel', subject: 'Svimmelhet om morgenen', text: 'Bør dosen vurderes?', attachments: [entry.id] });
    const sent = await expectJson<Message>(res, 201);
    expect(sent).toMatchObject({ direction: 'out', status: 'delivered', kind: 'foresporsel', to: { herId: OSLO_GP, kind: 'unit' }, attachments: [{ entryId: entry.id, title: 'Status hjemmebesøk' }] });
    expect(sent.statusHistory.map((s) => s.status)).toEqual(['sent', 'delivered']);

    // The GP office's inbox lists the head only; nothing of the content is stored in the clear.
    const heads = await inbox('oslo.lege');
    expect(heads.find((h) => h.id === sent.id)).toMatchObject({ direction: 'in', status: 'delivered', unit: '0301-lege-torshov', patientId: patient.id });
    expect(JSON.stringify(heads)).not.toContain('Svimmelhet');
    const stored = await tenantDb('0301').query({ table: 'journal', partition: `T#0301#THREAD#${sent.threadId}` });
    expect(stored.items).toHaveLength(2);
    expect(JSON.stringify(stored.items)).not.toMatch(/Svimmelhet|dosen/);

    // The GP office reads it: no care relationship, but it is addressed to the unit.
    const read = await thread('oslo.lege', sent.threadId);
    expect(read.messages).toHaveLength(1);
    expect(read.messages[0]).toMatchObject({ direction: 'in', subject: 'Svimmelhet om morgenen', text: 'Bør dosen vurderes?', status: 'read' });
    const events = (await auditEvents('0301', patient.id)).filter((e) => String(e.action).startsWith('message.'));
    expect(events.map((e) => [e.action, e.outcome, e.rule])).toEqual([
      ['message.send', 'success', 'care-relationship-user'],
      ['message.read', 'success', 'message-addressed-unit'],
    ]);
    expect(JSON.stringify(events)).not.toContain('Svimmelhet');

    // The sender's copy says read; an answer makes it answered on both sides.
    expect((await thread('oslo.sykepleier', sent.threadId)).messages[0]).toMatchObject({ direction: 'out', status: 'read' });
    const answer = await expectJson<Message>(await post(`/v1/messaging/threads/${sent.threadId}/replies`, 'oslo.lege', { text: 'Halver dosen og mål blodtrykk.' }), 201);
    expect(answer).toMatchObject({ kind: 'svar', subject: 'Sv: Svimmelhet om morgenen', to: { herId: OSLO_HOME }, status: 'delivered' });
    const nurseView = await thread('oslo.sykepleier', sent.threadId);
    expect(nurseView.messages.map((m) => [m.direction, m.status])).toEqual([
      ['out', 'answered'],
      ['in', 'read'],
    ]);

    // The citizen sees in their access log that the GP office read the message.
    const who = await createCitizen(nid, 'Melding Pasient');
    const log = await expectJson<{ items: CitizenAccessEntry[] }>(await stack.call('/v1/audit/access-log', { as: who }));
    const reads = log.items.filter((i) => i.action === 'message.read');
    expect(reads.map((r) => r.who.name)).toEqual(expect.arrayContaining([expect.stringContaining('Lars Lege'), expect.stringContaining('Sara Sykepleier')]));
  });

  it('needs a care relationship to send, and the citizen’s block hides the patient from a blocked person', async () => {
    const { nid, patient } = await osloPatient();
    const refused = await send('oslo.lege', { patientId: patient.id, to: OSLO_HOME, kind: 'dialog', subject: 'Hei', text: 'Uten relasjon' });
    expect(refused.status).toBe(403);
    expect((await auditEvents('0301', patient.id)).filter((e) => e.action === 'message.send').map((e) => [e.outcome, e.rule])).toEqual([['denied', 'no-care-relationship']]);

    const sent = await expectJson<Message>(await send('oslo.sykepleier', { patientId: patient.id, to: OSLO_GP, kind: 'dialog', subject: 'Til legen', text: 'Før sperring' }), 201);
    const who = await createCitizen(nid, 'Melding Pasient');
    expect((await post('/v1/sharing/me/blocks', who, { kind: 'named-person', tenant: '0301', name: 'Lars Lege (oslo)' })).status).toBe(201);
    // Blocked: the thread answers as if the patient did not exist, and nothing is marked read.
    expect((await stack.call(`/v1/messaging/threads/${sent.threadId}`, { as: 'oslo.lege' })).status).toBe(404);
    expect((await thread('oslo.sykepleier', sent.threadId)).messages[0]!.status).toBe('delivered');
    const denied = (await auditEvents('0301', patient.id)).filter((e) => e.action === 'message.read');
    expect(denied.map((e) => [e.outcome, e.rule])).toContainEqual(['denied', 'blocked-person']);
  });

  it('answers a retry with the same Idempotency-Key with the same message, refuses the key for another body, and refuses bad input before writing', async () => {
    const { patient } = await osloPatient();
    const body = { patientId: patient.id, to: OSLO_GP, kind: 'dialog', subject: 'Én gang', text: 'Bare én' };
    const key = newIdempotencyKey();
    const first = await expectJson<Message>(await send('oslo.sykepleier', body, { 'idempotency-key': key }), 201);
    const again = await expectJson<Message>(await send('oslo.sykepleier', body, { 'idempotency-key': key }), 201);
    expect(again.id).toBe(first.id);
    expect((await send('oslo.sykepleier', { ...body, text: 'Noe annet' }, { 'idempotency-key': key })).status).toBe(409);

    for (const [json, field] of [
      [{ ...body, to: '0999' }, 'body.to'],
      [{ ...body, to: '99999' }, 'body.to'],
      [{ ...body, kind: 'brev' }, 'body.kind'],
      [{ ...body, subject: '' }, 'body.subject'],
      [{ ...body, attachments: ['00000000-0000-4000-8000-000000000000'] }, 'body.attachments.0'],
      [{ ...body, priority: 'high' }, 'priority'],
    ] as const) {
      const res = await send('oslo.sykepleier', json);
      expect(res.status, JSON.stringify(json)).toBe(400);
      expect(JSON.stringify(await res.json())).toContain(field);
    }
    const copies = (await inbox('oslo.lege')).filter((h) => h.patientId === patient.id);
    expect(copies).toHaveLength(1);
  });
});

describe('messages to another municipality', () => {
  it('go through the outbox into the receiving unit’s inbox in its own municipality, with receipts both ways, delivered once', async () => {
    const nid = freshNid();
    const { patient } = await osloPatient(nid);
    const bergen = await createPatient(stack, 'bergen.admin', { nationalId: nid, name: 'Melding Pasient', birthDate: '1950-04-03', gender: 'unknown' });
    const sent = await expectJson<Message>(await send('oslo.sykepleier', { patientId: patient.id, to: BERGEN_HOME, kind: 'utskrivningsrapport', subject: 'Flytter til Bergen', text: 'Trenger sårstell tre ganger i uken.' }), 201);
    expect(sent.status).toBe('sent');
    expect((await inbox('bergen.sykepleier')).some((h) => h.id === sent.id)).toBe(false);

    expect((await deliverOutbox('0301', { exchange: exchange() })).failed).toBe(0);
    const heads = (await inbox('bergen.sykepleier')).filter((h) => h.id === sent.id);
    expect(heads).toHaveLength(1);
    expect(heads[0]).toMatchObject({ direction: 'in', status: 'delivered', patientId: bergen.id, from: { kind: 'platform', tenant: '0301' } });
    // Sealed under Bergen's key in Bergen's table, received in Bergen's log.
    const stored = (await journalPartition('4601', bergen.id)).length;
    expect(stored).toBeGreaterThan(0);
    expect((await tenantDb('4601').query({ table: 'journal', partition: `T#4601#THREAD#${sent.threadId}` })).items.map((i) => i.sk)).toEqual([`MSG#${sent.id}#IN`]);
    expect((await auditEvents('4601', bergen.id)).filter((e) => e.action === 'message.receive').map((e) => e.fromTenant)).toEqual(['0301']);
    expect((await thread('oslo.sykepleier', sent.threadId)).messages[0]!.status).toBe('delivered');

    // A second sweep delivers nothing twice.
    await deliverOutbox('0301', { exchange: exchange() });
    expect((await tenantDb('4601').query({ table: 'journal', partition: `T#4601#THREAD#${sent.threadId}` })).items).toHaveLength(1);

    // Bergen reads and answers; the read receipt and the answer travel back through Bergen's outbox.
    expect((await thread('bergen.sykepleier', sent.threadId)).messages[0]).toMatchObject({ text: 'Trenger sårstell tre ganger i uken.', status: 'read' });
    await expectJson<Message>(await post(`/v1/messaging/threads/${sent.threadId}/replies`, 'bergen.sykepleier', { text: 'Mottatt, vi starter mandag.' }), 201);
    await deliverOutbox('4601', { exchange: exchange() });
    const back = await thread('oslo.sykepleier', sent.threadId);
    expect(back.messages.map((m) => [m.direction, m.status, m.text])).toEqual([
      ['out', 'answered', 'Trenger sårstell tre ganger i uken.'],
      // Opening the thread is what reads the answer.
      ['in', 'read', 'Mottatt, vi starter mandag.'],
    ]);
  });

  it('fails clearly when the receiving municipality does not know the patient', async () => {
    const { patient } = await osloPatient();
    const sent = await expectJson<Message>(await send('oslo.sykepleier', { patientId: patient.id, to: BERGEN_HOME, kind: 'foresporsel', subject: 'Ukjent i Bergen', text: 'Test' }), 201);
    expect(await deliverOutbox('0301', { exchange: exchange() })).toMatchObject({ failed: 1 });
    const failed = (await thread('oslo.sykepleier', sent.threadId)).messages[0]!;
    expect(failed.status).toBe('failed');
    expect(failed.statusHistory.at(-1)).toMatchObject({ status: 'failed', reason: 'Mottakeren har ikke pasienten registrert.' });
  });
});

describe('messages to external parties through the exchange port', () => {
  it('are delivered with an application receipt, rejected with the receiver’s reason, and retried after transport failures without double delivery', async () => {
    await control({ reset: true });
    const { patient } = await osloPatient();
    const ok = await expectJson<Message>(await send('oslo.sykepleier', { patientId: patient.id, to: ULLEVAL, kind: 'helseopplysninger-innleggelse', subject: 'Innleggelse', text: 'Faste medisiner etter liste.' }), 201);
    await control({ reject: { '90002': 'Ukjent pasient hos mottaker' } });
    const rejected = await expectJson<Message>(await send('oslo.sykepleier', { patientId: patient.id, to: '90002', kind: 'foresporsel', subject: 'Avvist', text: 'Test' }), 201);
    await deliverOutbox('0301', { exchange: exchange() });
    expect((await thread('oslo.sykepleier', ok.threadId)).messages[0]!.status).toBe('delivered');
    const r = (await thread('oslo.sykepleier', rejected.threadId)).messages[0]!;
    expect(r).toMatchObject({ status: 'failed' });
    expect(r.statusHistory.at(-1)?.reason).toBe('Ukjent pasient hos mottaker');
    const received = stack.exchange.received.get(ok.id) as { patient: { nationalId: string }; to: { herId: string } };
    expect(received).toMatchObject({ to: { herId: ULLEVAL }, subject: 'Innleggelse' });

    // The exchange is unreachable twice: the message stays sent, then is delivered once.
    await control({ failNext: 2 });
    const later = await expectJson<Message>(await send('oslo.sykepleier', { patientId: patient.id, to: ULLEVAL, kind: 'avviksmelding', subject: 'Avvik', text: 'Manglende medisinliste' }), 201);
    let t = Date.now();
    expect(await deliverOutbox('0301', { exchange: exchange(), now: () => new Date(t) })).toMatchObject({ retrying: 1 });
    t += 60 * 60_000;
    expect(await deliverOutbox('0301', { exchange: exchange(), now: () => new Date(t) })).toMatchObject({ retrying: 1 });
    expect((await thread('oslo.sykepleier', later.threadId)).messages[0]!.status).toBe('sent');
    t += 60 * 60_000;
    expect(await deliverOutbox('0301', { exchange: exchange(), now: () => new Date(t) })).toMatchObject({ delivered: 1 });
    expect((await thread('oslo.sykepleier', later.threadId)).messages[0]!.status).toBe('delivered');
    expect([...stack.exchange.received.keys()].filter((id) => id === later.id)).toHaveLength(1);
  });

  it('fails a message for good after the last attempt', async () => {
    await control({ reset: true, failNext: MAX_ATTEMPTS });
    const { patient } = await osloPatient();
    const m = await expectJson<Message>(await send('oslo.sykepleier', { patientId: patient.id, to: '90004', kind: 'foresporsel', subject: 'Fastlege', text: 'Spørsmål' }), 201);
    let t = Date.now();
    for (let i = 0; i < MAX_ATTEMPTS; i++) {
      await deliverOutbox('0301', { exchange: exchange(), now: () => new Date(t) });
      t += 24 * 60 * 60_000;
    }
    const failed = (await thread('oslo.sykepleier', m.threadId)).messages[0]!;
    expect(failed.status).toBe('failed');
    expect(failed.statusHistory.at(-1)?.reason).toContain(`${MAX_ATTEMPTS} forsøk`);
    await control({ reset: true });
  });
});

describe('the citizen’s dialogue', () => {
  it('lets a citizen write to a unit that offers it, staff answer in the unit inbox, and every staff read shows in the citizen’s log', async () => {
    const { nid, patient } = await osloPatient();
    const who = await createCitizen(nid, 'Melding Pasient');
    const parties = await expectJson<{ items: { tenant: string; herId: string }[] }>(await stack.call('/v1/messaging/me/parties', { as: who }));
    expect(parties.items.map((p) => p.herId).sort()).toEqual([OSLO_HOME, OSLO_GP].sort());

    // Not a unit that offers dialogue (the nursing home), nor a municipality where they are no patient.
    expect((await post('/v1/messaging/me/threads', who, { tenant: '0301', to: unitHerId('0301', 1), subject: 'Hei', text: 'Test' })).status).toBe(400);
    expect((await post('/v1/messaging/me/threads', who, { tenant: '4601', to: BERGEN_HOME, subject: 'Hei', text: 'Test' })).status).toBe(404);

    const mine = await expectJson<MyThread>(await post('/v1/messaging/me/threads', who, { tenant: '0301', to: OSLO_HOME, subject: 'Besøkstid', text: 'Kan dere komme etter ni?' }), 201);
    const head = (await inbox('oslo.sykepleier')).find((h) => h.threadId === mine.threadId);
    expect(head).toMatchObject({ direction: 'in', from: { kind: 'citizen' }, status: 'delivered', patientId: patient.id });

    await thread('oslo.sykepleier', mine.threadId);
    await expectJson<Message>(await post(`/v1/messaging/threads/${mine.threadId}/replies`, 'oslo.sykepleier', { kind: 'dialog', text: 'Ja, fra torsdag.' }), 201);

    const list = await expectJson<{ items: { threadId: string; unread: number; subject: string }[] }>(await stack.call('/v1/messaging/me/threads', { as: who }));
    expect(list.items.find((t) => t.threadId === mine.threadId)).toMatchObject({ subject: 'Besøkstid', unread: 1 });
    const opened = await expectJson<MyThread>(await stack.call(`/v1/messaging/me/threads/0301/${mine.threadId}`, { as: who }));
    expect(opened.messages.map((m) => [m.fromCitizen, m.text, m.status])).toEqual([
      [true, 'Kan dere komme etter ni?', 'answered'],
      [false, 'Ja, fra torsdag.', 'read'],
    ]);
    await expectJson<MyThread>(await post(`/v1/messaging/me/threads/0301/${mine.threadId}/replies`, who, { text: 'Takk!' }), 201);
    expect((await thread('oslo.sykepleier', mine.threadId)).messages.map((m) => m.status)).toEqual(['answered', 'answered', 'read']);

    const log = await expectJson<{ items: CitizenAccessEntry[] }>(await stack.call('/v1/audit/access-log', { as: who }));
    expect(log.items.filter((i) => i.action === 'message.read').map((i) => i.who.name)).toEqual([expect.stringContaining('Sara Sykepleier'), expect.stringContaining('Sara Sykepleier')]);

    // Another citizen cannot open it.
    const other = await createCitizen(freshNid(), 'Annen Person');
    expect((await stack.call(`/v1/messaging/me/threads/0301/${mine.threadId}`, { as: other })).status).toBe(404);
  });
});
