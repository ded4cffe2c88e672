// @ts-nocheck
import { beforeAll, describe, expect, it } from 'vitest';
import { syntheticNationalId } from '../../shared/contracts/identifiers';
import type { Entry, EntryVersion, Patient, Timeline } from '../../shared/contracts/journal';
import type { RetrievedDocument, SharedDocumentList } from '../../shared/contracts/sharing';
import { useTestStack } from '../support/local-stack';
import { createDraft, createJournalResponsible, createPatient, createRelationship, signEntry } from '../support/patients';
import { auditEvents, journalPartition } from '../support/tables';

/**
 * Record integrity (journalforskriften; issue 16.1): a signed note is corrected only by its author
 * or by the municipality's journal-responsible (journalansvarlig), and every view names who
 * corrected it and when, beside the original author.
 */

const stack = useTestStack();
const RESPONSIBLE = 'bergen.journalansvarlig.t';

let n = 0;
const freshNid = () => syntheticNationalId({ day: 14, month: 9, year: 1945 + (n % 40) }, 500 + ++n * 7);

beforeAll(async () => {
  await createJournalResponsible(RESPONSIBLE, '4601', '4601-hjem-fana');
});

/** A patient in Bergen (and Oslo, same person) with relationships; a signed epikrise by bergen.lege. */
async function signedByLege(): Promise<{ bergen: Patient; oslo: Patient; entry: Entry; etag: string }> {
  const nationalId = freshNid();
  const bergen = await createPatient(stack, 'bergen.admin', { nationalId, name: 'Rettet Pasient', birthDate: '1950-09-14', gender: 'unknown' });
  for (const as of ['bergen.lege', 'bergen.sykepleier', RESPONSIBLE]) await createRelationship(stack, as, bergen.id);
  const oslo = await createPatient(stack, 'oslo.admin', { nationalId, name: 'Rettet Pasient', birthDate: '1950-09-14', gender: 'unknown' });
  await createRelationship(stack, 'oslo.lege', oslo.id);
  const draft = await createDraft(stack, 'bergen.lege', bergen.id, { type: 'epikrise', title: 'Epikrise', text: 'Diagnose: forstuet ankel.' });
  const signed = await signEntry(stack, 'bergen.lege', bergen.id, draft.entry.id, draft.etag);
  expect(signed.status).toBe(200);
  return { bergen, oslo, entry: (await signed.json()) as Entry, etag: signed.headers.get('etag')! };
}

function correct(as: string, patientId: string, entryId: string, etag: string, text: string): Promise<Response> {
  return stack.post(`/v1/patients/${patientId}/entries/${entryId}/corrections`, as, { title: 'Epikrise', text, reason: 'Feil diagnose' }, { 'if-match': etag });
}

describe('who may correct a signed entry', () => {
  it('another clinician with a care relationship may not: 403 with the rule, audited, nothing written', async () => {
    const p = await signedByLege();
    const before = await journalPartition('4601', p.bergen.id);
    const res = await correct('bergen.sykepleier', p.bergen.id, p.entry.id, p.etag, 'Diagnose: brudd.');
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ rule: 'correction-author-or-responsible' });
    const denied = (await auditEvents('4601', p.bergen.id)).filter((e) => e.action === 'entry.correct');
    expect(denied).toHaveLength(1);
    expect(denied[0]).toMatchObject({ outcome: 'denied', rule: 'correction-author-or-responsible', recordId: p.entry.id, actor: { sub: 'bergen.sykepleier' } });
    // Nothing written: the entry, its versions and the index are as before.
    expect(await journalPartition('4601', p.bergen.id)).toEqual(before);
    const now = (await (await stack.call(`/v1/patients/${p.bergen.id}/entries/${p.entry.id}`, { as: 'bergen.lege' })).json()) as Entry;
    expect(now).toMatchObject({ version: p.entry.version, status: 'signed', text: 'Diagnose: forstuet ankel.' });
    expect(now.correctedBy).toBeUndefined();
  });

  it('the author may, and is named as the corrector', async () => {
    const p = await signedByLege();
    const res = await correct('bergen.lege', p.bergen.id, p.entry.id, p.etag, 'Diagnose: brudd.');
    expect(res.status).toBe(200);
    const entry = (await res.json()) as Entry;
    expect(entry).toMatchObject({ status: 'corrected', author: { sub: 'bergen.lege' }, correctedBy: { sub: 'bergen.lege' }, correctedAt: entry.recordedAt });
  });

  it('a journal-responsible may, and every view names the original author and the corrector with the time', async () => {
    const p = await signedByLege();
    const res = await correct(RESPONSIBLE, p.bergen.id, p.entry.id, p.etag, 'Diagnose: brudd i ankelen.');
    expect(res.status).toBe(200);
    const corrected = (await res.json()) as Entry;
    expect(corrected).toMatchObject({
      status: 'corrected',
      text: 'Diagnose: brudd i ankelen.',
      author: { sub: 'bergen.lege' },
      signedBy: { sub: 'bergen.lege' },
      changedBy: { sub: RESPONSIBLE },
      correctedBy: { sub: RESPONSIBLE, name: 'Jorunn Journalansvarlig', hpr: '9876543' },
      reason: 'Feil diagnose',
    });
    const at = corrected.correctedAt!;
    expect(at).toBe(corrected.recordedAt);

    // The entry as read again.
    const read = (await (await stack.call(`/v1/patients/${p.bergen.id}/entries/${p.entry.id}`, { as: 'bergen.sykepleier' })).json()) as Entry;
    expect(read).toMatchObject({ author: { sub: 'bergen.lege' }, correctedBy: { sub: RESPONSIBLE }, correctedAt: at });

    // The history: the original author's versions, then the correction by the journal-responsible.
    const history = (await (await stack.call(`/v1/patients/${p.bergen.id}/entries/${p.entry.id}/versions`, { as: 'bergen.lege' })).json()) as { versions: EntryVersion[] };
    expect(history.versions.map((v) => [v.action, v.changedBy.sub])).toEqual([
      ['created', 'bergen.lege'],
      ['signed', 'bergen.lege'],
      ['corrected', RESPONSIBLE],
    ]);
    expect(history.versions[2]).toMatchObject({ recordedAt: at, reason: 'Feil diagnose', text: 'Diagnose: brudd i ankelen.' });

    // The timeline.
    const timeline = (await (await stack.call(`/v1/patients/${p.bergen.id}/timeline`, { as: 'bergen.lege' })).json()) as Timeline;
    expect(timeline.items.find((i) => i.id === p.entry.id)).toMatchObject({ author: { sub: 'bergen.lege' }, correctedBy: { sub: RESPONSIBLE }, correctedAt: at });

    // The shared document in another municipality, listed and retrieved.
    const list = (await (await stack.call(`/v1/sharing/patients/${p.oslo.id}/documents`, { as: 'oslo.lege' })).json()) as SharedDocumentList;
    const doc = list.documents.find((d) => d.entryId === p.entry.id)!;
    expect(doc).toMatchObject({
      corrected: true,
      author: { id: 'bergen.lege' },
      correctedBy: { id: RESPONSIBLE, name: 'Jorunn Journalansvarlig', profession: 'lege', hpr: '9876543' },
      correctedAt: at,
    });
    const retrieved = (await (await stack.call(`/v1/sharing/documents/${doc.id}`, { as: 'oslo.lege' })).json()) as RetrievedDocument;
    expect(retrieved).toMatchObject({ text: 'Diagnose: brudd i ankelen.', author: { id: 'bergen.lege' }, correctedBy: { id: RESPONSIBLE }, correctedAt: at });
  });
});
