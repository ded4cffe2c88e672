import { beforeAll, describe, expect, it } from 'vitest';
import { syntheticNationalId } from '../../shared/contracts/identifiers';
import type { AuditEventView, CitizenAccessEntry } from '../../shared/contracts/audit';
import { shardOf } from '../../functions/core/chain-format';
import { useTestStack } from '../support/local-stack';
import { createCitizen, createPatient, createRelationship, createSignedEntry } from '../support/patients';
import { expectJson } from '../support/requests';
import { auditShards } from '../support/tables';

/**
 * One patient, many readers (issue 22): 32 concurrent reads of one entry are all answered, each
 * is in the patient's log, the log (spread over shards) verifies, and the auditor's history, its
 * FHIR export and the citizen's access log each show every read once, in one order.
 */

const stack = useTestStack();
const NID = syntheticNationalId({ day: 9, month: 9, year: 1939 }, 229);
const READERS = 32;
let patientId: string;
let entryId: string;
let citizen: string;
const readIds: string[] = [];

type Page = { items: AuditEventView[]; nextCursor?: string };

/** The auditor's whole history of the patient, page by page. */
async function history(limit: number): Promise<AuditEventView[]> {
  const out: AuditEventView[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < 200; i++) {
    const q = `limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const page = await expectJson<Page>(await stack.call(`/v1/audit/patients/${patientId}/events?${q}`, { as: 'oslo.revisor' }));
    out.push(...page.items);
    if (!page.nextCursor) return out;
    cursor = page.nextCursor;
  }
  throw new Error('history never ended');
}

beforeAll(async () => {
  const patient = await createPatient(stack, 'oslo.admin', { nationalId: NID, name: 'Travel Pasient', birthDate: '1939-09-09', gender: 'unknown' });
  patientId = patient.id;
  await createRelationship(stack, 'oslo.lege', patientId);
  ({ entry: { id: entryId } } = await createSignedEntry(stack, 'oslo.lege', patientId, { type: 'journalnotat', title: 'Notat', text: 'Lest av mange' }));
  citizen = await createCitizen(NID, 'Travel Pasient');
  const answers = await Promise.all(Array.from({ length: READERS }, () => stack.call(`/v1/patients/${patientId}/entries/${entryId}`, { as: 'oslo.lege' })));
  expect(answers.map((r) => r.status)).toEqual(Array.from({ length: READERS }, () => 200));
  for (const r of answers) readIds.push(r.headers.get('x-request-id')!);
}, 120_000);

describe('32 concurrent readers of one entry', () => {
  it('are all answered, each read stored once in the patient\'s log, which spread over more than one chain', async () => {
    const stored = [...(await auditShards('0301', patientId)).values()].flat();
    const reads = stored.filter((e) => e.action === 'entry.read' && e.recordId === entryId);
    expect(reads.map((e) => e.requestId).sort()).toEqual([...readIds].sort());
    expect(new Set(stored.map((e) => shardOf(String(e.pk)).shard)).size).toBeGreaterThan(1);
  });

  it("the auditor's history shows every event of every shard once, newest first, whatever the page size", async () => {
    const stored = [...(await auditShards('0301', patientId)).values()].flat();
    const all = await history(100);
    // Each page read is itself recorded, after the page: the first read shows the log as it was.
    expect(all.map((e) => e.id).sort()).toEqual(stored.map((e) => e.eventId).sort());
    // Newest first by time, except where a chain's own order says otherwise: an event is stamped
    // before it wins its place in the chain, so under load a chain can hold a later-stamped event
    // below an earlier-stamped one, and each chain is shown strictly in its order.
    const place = new Map(stored.map((e) => [e.eventId, { shard: shardOf(String(e.pk)).shard, seq: Number(e.seq) }]));
    for (let i = 1; i < all.length; i++) {
      const [newer, older] = [place.get(all[i - 1]!.id)!, place.get(all[i]!.id)!];
      if (newer.shard === older.shard) expect(newer.seq).toBeGreaterThan(older.seq);
      else expect(all[i - 1]!.time >= all[i]!.time, `${all[i - 1]!.time} before ${all[i]!.time}`).toBe(true);
    }
    expect(all.filter((e) => e.action === 'entry.read').map((e) => e.requestId).sort()).toEqual([...readIds].sort());

    const paged = await history(7);
    // Paging in sevens shows the same history in the same order (plus the page reads recorded since).
    const since = new Set(paged.map((e) => e.id));
    expect(all.every((e) => since.has(e.id))).toBe(true);
    expect(paged.filter((e) => all.some((a) => a.id === e.id)).map((e) => e.id)).toEqual(all.map((e) => e.id));
    expect(new Set(paged.map((e) => e.id)).size).toBe(paged.length);
  });

  it('the FHIR AuditEvent export of the history holds the same events', async () => {
    const json = await expectJson<Page>(await stack.call(`/v1/audit/patients/${patientId}/events?limit=100`, { as: 'oslo.revisor' }));
    const bundle = await expectJson<{ entry: { resource: { id: string; resourceType: string } }[] }>(
      await stack.call(`/v1/audit/patients/${patientId}/events?limit=100&format=fhir`, { as: 'oslo.revisor' }),
    );
    // The JSON read above is the newest event the export adds to what the JSON page showed.
    expect(bundle.entry.map((e) => e.resource.id).slice(1)).toEqual(json.items.map((e) => e.id));
    expect(bundle.entry.every((e) => e.resource.resourceType === 'AuditEvent')).toBe(true);
  });

  it("the citizen's access log names all 32 reads", async () => {
    const log = await expectJson<{ items: CitizenAccessEntry[] }>(await stack.call('/v1/audit/access-log?limit=100', { as: citizen }));
    expect(log.items.filter((i) => i.action === 'entry.read')).toHaveLength(READERS);
  });

  it('verifies: every shard of the patient, and the whole municipality', async () => {
    const checked = [...(await auditShards('0301', patientId)).values()].flat().length;
    const patient = await expectJson<{ ok: boolean; eventsChecked: number; streamsChecked: number }>(
      await stack.call('/v1/audit/verify', { as: 'oslo.revisor', method: 'POST', json: { patientId } }),
    );
    expect(patient).toMatchObject({ ok: true, eventsChecked: checked });
    expect(patient.streamsChecked).toBeGreaterThan(1);
    const tenant = await expectJson<{ ok: boolean; complete: boolean }>(await stack.call('/v1/audit/verify', { as: 'oslo.revisor', method: 'POST', json: { maxStreams: 1000 } }));
    expect(tenant).toMatchObject({ ok: true, complete: true });
  });
});
