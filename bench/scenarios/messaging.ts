import { randomUUID } from 'node:crypto';
import type { BenchContext, BenchScenario } from '../context';
import { alternating, load, throughputRow } from '../lib';
import { setUp } from './journal';

/** oslo.lege (Torshov legekontor) writes about the journal scenario's patients. */
const USER = 'oslo.lege';
const CONCURRENCY = 16;
const SENDS = 600;
const READS = 1500;
const ROUNDS = 4;
const TEXT = 'Pasienten vurdert i hjemmet, ber om tilsyn. '.repeat(20);
/** An external party (a hospital ward): every send writes the sender's sealed copy and an outbox item. */
const WARD = '90001';

/**
 * messaging.send: one message through the gateway (sealed copy, audit event, outbox item and
 * Idempotency-Key record in one transaction) beside a journal entry write (one POST of a draft:
 * sealed version, audit event, idempotency record) in the same run; messaging.inbox: the unit's
 * inbox beside a journal entry read; messaging.thread: opening a thread (an audited read).
 * Ratio = messaging / journal, alternating rounds; goal >= 0.8.
 */
export const messagingScenario: BenchScenario = async (ctx) => {
  const call: BenchContext['call'] = (path, token, init) => ctx.call(path, token, init);
  const fixtures = await setUp();
  const token = await ctx.stack.tokenFor(USER);
  const pick = (i: number) => fixtures[i % fixtures.length]!;
  const threads: string[] = [];

  const send = async (i: number) => {
    const res = await call('/v1/messaging/messages', token, {
      method: 'POST',
      json: { patientId: pick(i).patientId, to: WARD, kind: 'foresporsel', subject: 'Ytelsestest', text: TEXT },
      headers: { 'idempotency-key': `bench-m-${i}-${randomUUID()}` },
    });
    if (res.status !== 201) return false;
    const location = res.headers.get('location');
    if (location && threads.length < 200) threads.push(location);
    return true;
  };
  const journalWrite = async (i: number) =>
    (await call(`/v1/patients/${pick(i).patientId}/entries`, token, { method: 'POST', json: { type: 'journalnotat', title: 'Ytelsestest', text: TEXT }, headers: { 'idempotency-key': `bench-j-${i}-${randomUUID()}` } })).status === 201;
  const inbox = async () => (await call('/v1/messaging/inbox?box=out&limit=50', token)).status === 200;
  const thread = async (i: number) => (await call(threads[i % threads.length]!, token)).status === 200;
  const journalRead = async (i: number) => (await call(`/v1/patients/${pick(i).patientId}/entries/${pick(i).entryId}`, token)).status === 200;

  // Warm the handler modules and the key caches before measuring.
  await load(send, { count: 100, concurrency: CONCURRENCY });
  await load(journalWrite, { count: 100, concurrency: CONCURRENCY });
  await load(inbox, { count: 100, concurrency: CONCURRENCY });
  await load(journalRead, { count: 200, concurrency: CONCURRENCY });

  const { base: writeBase, op: sendOp } = await alternating(journalWrite, send, { count: SENDS, concurrency: CONCURRENCY, rounds: ROUNDS });
  const { base: readBase, op: inboxOp } = await alternating(journalRead, inbox, { count: READS, concurrency: CONCURRENCY, rounds: ROUNDS });
  const { base: readBase2, op: threadOp } = await alternating(journalRead, thread, { count: READS, concurrency: CONCURRENCY, rounds: ROUNDS });

  return [
    throughputRow('messaging.send.journal-write', writeBase),
    throughputRow('messaging.send', sendOp, writeBase),
    throughputRow('messaging.inbox.journal-read', readBase),
    throughputRow('messaging.inbox', inboxOp, readBase),
    throughputRow('messaging.thread', threadOp, readBase2),
  ];
};
