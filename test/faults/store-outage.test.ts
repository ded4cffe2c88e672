import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticNationalId } from '../../shared/contracts/identifiers';
import { createPatient, createRelationship, createSignedEntry } from '../support/patients';
import { scanTable, startFaultStack, tally, verifyEveryChain, type FaultStack } from './support';

/**
 * DynamoDB Local killed (SIGKILL) in the middle of a run of writes, reads and sharing retrievals,
 * then started again on the same files while the platform keeps running (issue 20, point 1):
 * every request answers, 503 problem+json with Retry-After while the store is gone, never a 500;
 * nothing is half-written (entry, version, idempotency record, audit event and chain head are
 * all-or-nothing, checked by scanning the tables and verifying every chain); the platform serves
 * again without a restart; and a retry with the same Idempotency-Key gets the first answer or
 * makes the change exactly once.
 */

let s: FaultStack;
beforeAll(async () => {
  s = await startFaultStack();
}, 120_000);
afterAll(async () => s?.stop());

type Op = 'write' | 'read' | 'retrieve';
interface Answer {
  op: Op;
  phase: 'before' | 'down' | 'after';
  status: number;
  at: number;
  problem: boolean;
  retryAfter: string | null;
  bodyStatus?: number;
}

describe('the store crashes mid-run and comes back', () => {
  it('answers every request, 503 with Retry-After while down, writes nothing half, recovers by itself, and a retry with the same key changes once', async () => {
    // A patient in Bergen (written to and read), known in Oslo too, with a shared document Oslo retrieves.
    const nid = syntheticNationalId({ day: 3, month: 4, year: 1961 }, 311);
    const bergen = await createPatient(s, 'bergen.admin', { nationalId: nid, name: 'Feil Tåler', birthDate: '1961-04-03', gender: 'unknown' });
    await createRelationship(s, 'bergen.sykepleier', bergen.id);
    const oslo = await createPatient(s, 'oslo.admin', { nationalId: nid, name: 'Feil Tåler', birthDate: '1961-04-03', gender: 'unknown' });
    await createRelationship(s, 'oslo.lege', oslo.id);
    const { entry: shared } = await createSignedEntry(s, 'bergen.sykepleier', bergen.id, { type: 'epikrise', title: 'Epikrise', text: 'Delt dokument' });
    const { entry: readable } = await createSignedEntry(s, 'bergen.sykepleier', bergen.id, { type: 'sykepleienotat', title: 'Lesbar', text: 'Leses under feil' });
    const docId = `4601-${shared.id}`;

    const answers: Answer[] = [];
    /** Every write of the run: its key, its body, and the first answer it got. */
    const writes: { key: string; body: Record<string, unknown>; status: number; entryId?: string }[] = [];
    let phase: Answer['phase'] = 'before';
    let running = true;
    let n = 0;

    const send = async (op: Op): Promise<void> => {
      let res: Response;
      if (op === 'write') {
        const key = `fault-outage-${++n}`;
        const body = { type: 'sykepleienotat', title: `Notat ${n}`, text: `Skrevet under feiltest ${n}` };
        res = await s.post(`/v1/patients/${bergen.id}/entries`, 'bergen.sykepleier', body, { 'idempotency-key': key });
        const json = (await res.clone().json()) as { id?: string };
        writes.push({ key, body, status: res.status, ...(res.status === 201 ? { entryId: json.id } : {}) });
      } else if (op === 'read') {
        res = await s.call(`/v1/patients/${bergen.id}/entries/${readable.id}`, { as: 'bergen.sykepleier' });
      } else {
        res = await s.call(`/v1/sharing/documents/${docId}`, { as: 'oslo.lege' });
      }
      const problem = (res.headers.get('content-type') ?? '').startsWith('application/problem+json');
      const body = (await res.json()) as { status?: number };
      answers.push({ op, phase, status: res.status, at: Date.now(), problem, retryAfter: res.headers.get('retry-after'), ...(problem ? { bodyStatus: body.status } : {}) });
    };
    const worker = async (ops: Op[]) => {
      for (let i = 0; running; i++) await send(ops[i % ops.length]!);
    };
    // Four connections: two mostly writing, one reading, one retrieving across municipalities.
    const loadStart = new Date();
    const load = Promise.all([worker(['write', 'read']), worker(['write', 'retrieve']), worker(['read']), worker(['retrieve', 'write'])]);
    const until = async (pred: () => boolean) => {
      while (!pred()) await new Promise((r) => setTimeout(r, 20));
    };

    const t0 = Date.now();
    await until(() => answers.filter((a) => a.status < 300).length >= 16);
    phase = 'down';
    await s.dynamo.crash();
    const downAt = Date.now();
    await until(() => answers.filter((a) => a.phase === 'down' && a.at > downAt).length >= 24);
    const restartAt = Date.now();
    await s.dynamo.up();
    const upAt = Date.now();
    phase = 'after';
    await until(() => (['write', 'read', 'retrieve'] as Op[]).every((op) => answers.some((a) => a.op === op && a.at > upAt && a.status < 300)));
    const recoveredAt = Math.max(...(['write', 'read', 'retrieve'] as Op[]).map((op) => answers.find((a) => a.op === op && a.at > upAt && a.status < 300)!.at));
    await until(() => answers.filter((a) => a.at > recoveredAt).length >= 12);
    running = false;
    await load;
    console.log(`[faults] timing: warm ${downAt - t0} ms, down ${restartAt - downAt} ms, JVM start ${upAt - restartAt} ms, recovered ${recoveredAt - upAt} ms`);

    // Every answer is a success or a 503 problem with Retry-After; never a 500, never a hang.
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((st) => st !== 503 && st >= 300), JSON.stringify(tally(statuses))).toEqual([]);
    const unavailable = answers.filter((a) => a.status === 503);
    expect(unavailable.length).toBeGreaterThan(0);
    for (const a of unavailable) expect(a).toMatchObject({ problem: true, bodyStatus: 503, retryAfter: '2' });
    // While the store was gone, nothing succeeded.
    const during = answers.filter((a) => a.at > downAt && a.at < upAt);
    expect(during.every((a) => a.status === 503)).toBe(true);

    // Each write again with the same key and body, as a client does after a 503 (four at a time): the
    // first answer (201, the same entry) or the change made now, once.
    const replays: ((typeof writes)[number] & { again: number; againId?: string })[] = [];
    const queue = [...writes];
    await Promise.all(
      [1, 2, 3, 4].map(async () => {
        for (let w = queue.shift(); w; w = queue.shift()) {
          const res = await s.post(`/v1/patients/${bergen.id}/entries`, 'bergen.sykepleier', w.body, { 'idempotency-key': w.key });
          replays.push({ ...w, again: res.status, againId: ((await res.json()) as { id?: string }).id });
        }
      }),
    );
    expect(replays.filter((r) => r.again !== 201)).toEqual([]);
    for (const r of replays) if (r.entryId) expect(r.againId).toBe(r.entryId);

    // The tables afterwards: exactly one entry per key, each whole; every chain intact.
    const journal = await scanTable(s.dynamo.endpoint, 'journal');
    const audit = await scanTable(s.dynamo.endpoint, 'audit');
    const ids = new Set(replays.map((r) => r.againId));
    const runEntries = journal.filter((i) => i.itemType === 'entry' && i.patientId === bergen.id && i.entryId !== shared.id && i.entryId !== readable.id);
    const duplicates = runEntries.length - writes.length;
    expect(runEntries.map((e) => e.entryId).sort()).toEqual([...ids].sort());
    const partial: string[] = [];
    for (const e of runEntries) {
      const versions = journal.filter((i) => i.itemType === 'entry-version' && i.entryId === e.entryId);
      const created = audit.filter((i) => i.action === 'entry.create' && i.recordId === e.entryId && i.outcome === 'success');
      if (versions.length !== 1 || created.length !== 1 || e.version !== 1) partial.push(`${String(e.entryId)}: ${versions.length} versions, ${created.length} events`);
    }
    // Idempotency records of the run's writes: one per key, no record without its entry.
    const records = journal.filter((i) => i.itemType === 'idempotency' && i.operation === 'createEntry' && String(i.createdAt) >= loadStart.toISOString());
    const creates = audit.filter((i) => i.action === 'entry.create' && i.outcome === 'success' && i.patientId === bergen.id);
    expect(partial).toEqual([]);
    expect(creates).toHaveLength(writes.length + 2);
    expect(records).toHaveLength(writes.length);
    // A retrieval is recorded in both municipalities' logs in one transaction: both or neither.
    const retrievals = (tenant: string) =>
      audit
        .filter((i) => i.action === 'sharing.document.retrieve' && i.tenant === tenant)
        .map((i) => String(i.requestId))
        .sort();
    expect(retrievals('0301')).toEqual(retrievals('4601'));
    const chains = verifyEveryChain(audit);
    expect(chains.broken).toEqual([]);

    const byPhase = (p: Answer['phase']) => tally(answers.filter((a) => a.phase === p).map((a) => a.status));
    console.log(
      `[faults] store outage: ${answers.length} requests; before ${JSON.stringify(byPhase('before'))}, while down ${during.length} ${JSON.stringify(tally(during.map((a) => a.status)))}, ` +
        `after restart ${JSON.stringify(byPhase('after'))}; outage ${((upAt - downAt) / 1000).toFixed(1)} s; ` +
        `every kind served again ${((recoveredAt - upAt) / 1000).toFixed(2)} s after the store answered; writes ${writes.length} (${writes.filter((w) => w.status === 503).length} retried after 503); ` +
        `partial writes ${partial.length}, duplicates ${duplicates}; chains ${chains.streams} streams / ${chains.events} events, broken ${chains.broken.length}; retrievals ${retrievals('0301').length} in both logs`,
    );
  }, 180_000);
});
