import { describe, expect, it } from 'vitest';
import { syntheticNationalId } from '../../shared/contracts/identifiers';
import type { Entry } from '../../shared/contracts/journal';
import type { Message, MyThread, Thread } from '../../shared/contracts/messaging';
import type { CitizenAccessEntry } from '../../shared/contracts/audit';
import { unitHerId } from '../../local/seeds/messaging';
import { useTestStack } from '../support/local-stack';
import { createCitizen, createPatient, createRelationship } from '../support/patients';
import { expectJson } from '../support/requests';
import { auditEvents, journalPartition } from '../support/tables';

/**
 * A clinician files a dialogue message into the journal ("kept in the journal when clinically
 * relevant"): a citizen's message and the unit's own answer become signed entries with the
 * message's id, once (a second filing answers the same entry and writes nothing), with the
 * journal's own basis (a care relationship), audited and shown in the citizen's log.
 */

const stack = useTestStack();
const post = stack.post;

let n = 0;
const freshNid = () => syntheticNationalId({ day: 9, month: 9, year: 1942 + (n % 40) }, 400 + ++n * 9);
const OSLO_HOME = unitHerId('0301', 0);

const thread = (as: string, id: string) => stack.call(`/v1/messaging/threads/${id}`, { as }).then((r) => expectJson<Thread>(r));
const file = (as: string, threadId: string, messageId: string) => post(`/v1/messaging/threads/${threadId}/journal`, as, { messageId });
const timeline = async (as: string, patientId: string) => (await expectJson<{ items: Entry[] }>(await stack.call(`/v1/patients/${patientId}/timeline`, { as }))).items;

async function dialogue() {
  const nid = freshNid();
  const patient = await createPatient(stack, 'oslo.admin', { nationalId: nid, name: 'Dialog Pasient', birthDate: '1950-09-09', gender: 'unknown' });
  await createRelationship(stack, 'oslo.sykepleier', patient.id);
  const who = await createCitizen(nid, 'Dialog Pasient');
  const mine = await expectJson<MyThread>(await post('/v1/messaging/me/threads', who, { tenant: '0301', to: OSLO_HOME, subject: 'Svimmel', text: 'Jeg har vært svimmel hver morgen denne uken.' }), 201);
  return { patient, who, threadId: mine.threadId, messageId: mine.messages[0]!.id };
}

describe('filing a dialogue message into the journal', () => {
  it('keeps the citizen’s message as a signed entry with its id, once, audited and in the citizen’s log', async () => {
    const { patient, who, threadId, messageId } = await dialogue();
    expect((await timeline('oslo.sykepleier', patient.id)).some((e) => e.id === messageId)).toBe(false);

    const filed = await expectJson<Message>(await file('oslo.sykepleier', threadId, messageId), 201);
    expect(filed).toMatchObject({ id: messageId, kind: 'dialog', journalEntryId: messageId });
    const entry = await expectJson<Entry>(await stack.call(`/v1/patients/${patient.id}/entries/${messageId}`, { as: 'oslo.sykepleier' }));
    expect(entry).toMatchObject({ status: 'signed', version: 1, type: 'journalnotat', title: 'Dialogmelding: Svimmel', text: 'Jeg har vært svimmel hver morgen denne uken.' });
    expect((await thread('oslo.sykepleier', threadId)).messages[0]).toMatchObject({ id: messageId, journalEntryId: messageId });

    // Filing again (a double click, a retry): the same entry, nothing written, no second event.
    const stored = (await journalPartition('0301', patient.id)).length;
    const again = await file('oslo.sykepleier', threadId, messageId);
    expect(again.status).toBe(200);
    expect(((await again.json()) as Message).journalEntryId).toBe(messageId);
    expect((await journalPartition('0301', patient.id)).length).toBe(stored);
    expect((await timeline('oslo.sykepleier', patient.id)).filter((e) => e.id === messageId)).toHaveLength(1);
    const events = (await auditEvents('0301', patient.id)).filter((e) => e.action === 'entry.message.create');
    expect(events.map((e) => [e.outcome, e.recordId, (e.actor as { sub: string }).sub])).toEqual([['success', messageId, 'oslo.sykepleier']]);

    const log = await expectJson<{ items: CitizenAccessEntry[] }>(await stack.call('/v1/audit/access-log', { as: who }));
    expect(log.items.filter((i) => i.action === 'entry.message.create').map((i) => i.who.name)).toEqual([expect.stringContaining('Sara Sykepleier')]);
  });

  it('files the unit’s own answer with its writer as author', async () => {
    const { patient, threadId } = await dialogue();
    await thread('oslo.sykepleier', threadId);
    const answer = await expectJson<Message>(await post(`/v1/messaging/threads/${threadId}/replies`, 'oslo.sykepleier', { kind: 'dialog', text: 'Vi måler blodtrykket ved neste besøk.' }), 201);
    await expectJson<Message>(await file('oslo.sykepleier', threadId, answer.id), 201);
    const entry = await expectJson<Entry>(await stack.call(`/v1/patients/${patient.id}/entries/${answer.id}`, { as: 'oslo.sykepleier' }));
    expect(entry).toMatchObject({ status: 'signed', title: 'Dialogmelding: Sv: Svimmel', author: { sub: 'oslo.sykepleier' } });
    expect(entry.receivedFrom).toBeUndefined();
  });

  it('refuses without the journal’s basis or a copy held by the caller’s unit, and writes nothing', async () => {
    const { patient, who, threadId, messageId } = await dialogue();
    const stored = (await journalPartition('0301', patient.id)).length;
    // The GP's unit holds no copy of the thread.
    expect((await file('oslo.lege', threadId, messageId)).status).toBe(404);
    // The GP's unit may read what the citizen wrote to it, but has no care relationship: no journal write.
    const toGp = await expectJson<MyThread>(await post('/v1/messaging/me/threads', who, { tenant: '0301', to: unitHerId('0301', 2), subject: 'Resept', text: 'Trenger ny resept.' }), 201);
    await thread('oslo.lege', toGp.threadId);
    expect((await file('oslo.lege', toGp.threadId, toGp.messages[0]!.id)).status).toBe(403);
    // Not a clinician.
    expect((await file('oslo.admin', threadId, messageId)).status).toBe(403);
    expect((await file('oslo.sykepleier', threadId, '00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await file('oslo.sykepleier', threadId, 'abc')).status).toBe(400);
    expect((await journalPartition('0301', patient.id)).length).toBe(stored);
  });
});
