// @ts-nocheck
import { jobSession } from '../../shared/db/sessions';
import { BatchWriteItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { config } from '../../shared/config';
import { eventHash, eventSk, GENESIS_HASH, HEAD_SK, registryShardOf, registryStream, streamOf } from '../../functions/core/chain-format';
import { anchorStore, treeHeadSigner } from '../../functions/core/anchor-deps';
import { anchorTenant } from '../../functions/anchor/anchor-service';
import { loadAnchorContext } from '../../functions/audit/anchor-check';
import { verifyStream } from '../../functions/audit/verify-service';
import { eventsInOrder } from '../../functions/audit/audit-store';
import { ChainVerifier } from '../../functions/core/chain-verify';
import type { BenchScenario } from '../context';
import type { BenchResult } from '../lib';

/** Streams of one municipality for the anchoring rows (the figure: 10,000). */
const STREAMS = 10_000;
const TENANT = '9301';
/** Events of the one stream the `audit.verify` row reads and checks. */
const LONG_STREAM_EVENTS = 10_000;
/** Rounds of the anchor-only check; the median counts. */
const ANCHOR_CHECK_ROUNDS = 5;

/** Writes items straight into the audit table, 25 per BatchWriteItem, 16 at a time. */
async function writeAll(dynamo: Parameters<BenchScenario>[0]['dynamo'], table: string, items: Record<string, unknown>[]): Promise<void> {
  const batches: Record<string, unknown>[][] = [];
  for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25));
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < batches.length) {
        let pending = batches[next++]!.map((item) => ({ PutRequest: { Item: marshall(item) } }));
        while (pending.length > 0) {
          const out = await dynamo.send(new BatchWriteItemCommand({ RequestItems: { [table]: pending } }));
          pending = (out.UnprocessedItems?.[table] ?? []) as typeof pending;
        }
      }
    }),
  );
}

/** One stream of `n` chained events and its head, as audit-chain.ts would have stored them. */
function longStream(n: number): { stream: string; items: Record<string, unknown>[] } {
  const stream = streamOf(TENANT, 'bench-long');
  const time = new Date().toISOString();
  const items: Record<string, unknown>[] = [];
  let prev = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq++) {
    const event: Record<string, unknown> = { pk: stream, sk: eventSk(seq), stream, seq, prevHash: prev, eventId: `l${seq}`, time, tenant: TENANT, action: 'entry.read', outcome: 'success', actor: { sub: 'bench' }, requestId: `rl${seq}`, patientId: 'bench-long' };
    event.hash = eventHash(event);
    prev = event.hash as string;
    items.push(event);
  }
  items.push({ pk: stream, sk: HEAD_SK, seq: n, hash: prev });
  return { stream, items };
}

/**
 * `audit.verify`: verified events per second for one stream of 10,000 events, read from DynamoDB
 * and checked link by link as verify does (verifyStream); its base is the same check over the
 * same items in memory (hashing only). `audit.verify.anchor`: checking the municipality against
 * its latest anchor without a scan of any stream: the recent signed tree heads (signatures,
 * chain), the newest one's leaf set of 10,000 stream positions against its signed root
 * (loadAnchorContext, the first step of every verify).
 *
 * `audit.anchor.first`: the first tree head over 10,000 streams of one event each (every stream is
 * new, so each is read from genesis); `audit.anchor`: a steady-state beat over the same streams
 * (registry read from the anchored position, all heads in BatchGetItems, nothing moved).
 * The data is written straight into the audit table, as audit-chain.ts would have stored it.
 */
export const auditScenario: BenchScenario = async ({ dynamo }) => {
  const table = config().tables.audit;
  const items: Record<string, unknown>[] = [];
  const registrySeq = new Map<string, number>();
  const registryHash = new Map<string, string>();
  const time = new Date().toISOString();
  for (let i = 0; i < STREAMS; i++) {
    const stream = streamOf(TENANT, `bench-${i}`);
    const event: Record<string, unknown> = { pk: stream, sk: eventSk(1), stream, seq: 1, prevHash: GENESIS_HASH, eventId: `b${i}`, time, tenant: TENANT, action: 'entry.read', outcome: 'success', actor: { sub: 'bench' }, requestId: `r${i}`, patientId: `bench-${i}` };
    event.hash = eventHash(event);
    items.push(event, { pk: stream, sk: HEAD_SK, seq: 1, hash: event.hash });
    const registry = registryStream(TENANT, registryShardOf(stream));
    const seq = (registrySeq.get(registry) ?? 0) + 1;
    const entry: Record<string, unknown> = { pk: registry, sk: eventSk(seq), stream: registry, seq, prevHash: registryHash.get(registry) ?? GENESIS_HASH, eventId: `o${i}`, time, tenant: TENANT, action: 'audit.stream-open', outcome: 'success', openedStream: stream };
    entry.hash = eventHash(entry);
    registrySeq.set(registry, seq);
    registryHash.set(registry, entry.hash as string);
    items.push(entry);
  }
  for (const [registry, seq] of registrySeq) items.push({ pk: registry, sk: HEAD_SK, seq, hash: registryHash.get(registry) });
  await writeAll(dynamo, table, items);

  const deps = { store: anchorStore(), signer: treeHeadSigner() };
  const timed = async (name: string): Promise<BenchResult> => {
    const started = performance.now();
    const outcome = await anchorTenant(TENANT, deps);
    if (outcome.treeSize < STREAMS) throw new Error(`anchored ${outcome.treeSize} streams, expected at least ${STREAMS}`);
    return { name, value: Math.round(performance.now() - started), unit: 'ms' };
  };
  const first = await timed('audit.anchor.first');
  const steady = await timed('audit.anchor');

  const long = longStream(LONG_STREAM_EVENTS);
  await writeAll(dynamo, table, long.items);
  const inMemory = (): number => {
    const started = performance.now();
    const verifier = new ChainVerifier(long.stream, { head: { seq: LONG_STREAM_EVENTS, hash: String(long.items.at(-1)!.hash) } });
    for (const item of long.items.slice(0, -1)) if (verifier.add(item)) throw new Error('the bench stream does not verify in memory');
    if (verifier.finish()) throw new Error('the bench stream does not verify in memory');
    return performance.now() - started;
  };
  inMemory();
  const baseMs = inMemory();
  await verifyStream(jobSession('checkpoints', TENANT), long.stream); // warm-up: the same reads once
  const verifyStarted = performance.now();
  const check = await verifyStream(jobSession('checkpoints', TENANT), long.stream);
  const verifyMs = performance.now() - verifyStarted;
  if (check.broken || check.eventsChecked !== LONG_STREAM_EVENTS) throw new Error(`verify checked ${check.eventsChecked} events, broken: ${JSON.stringify(check.broken)}`);
  // The reading alone, the same way verify reads: what verify would cost if checking were free.
  const readStarted = performance.now();
  let read = 0;
  for await (const page of eventsInOrder(jobSession('checkpoints', TENANT), long.stream, LONG_STREAM_EVENTS)) read += page.length;
  const readMs = performance.now() - readStarted;
  if (read !== LONG_STREAM_EVENTS) throw new Error(`read ${read} events`);
  const readRow: BenchResult = { name: 'audit.verify.read-only', value: Math.round(LONG_STREAM_EVENTS / (readMs / 1000)), unit: 'events/s', p50_ms: Math.round(readMs) };
  const rate = Math.round(LONG_STREAM_EVENTS / (verifyMs / 1000));
  const baseRate = Math.round(LONG_STREAM_EVENTS / (baseMs / 1000));
  const verifyRow: BenchResult = { name: 'audit.verify', value: rate, unit: 'events/s', p50_ms: Math.round(verifyMs), baseline: baseRate, ratio: Math.round((rate / baseRate) * 100) / 100 };

  const anchorTimes: number[] = [];
  for (let round = 0; round < ANCHOR_CHECK_ROUNDS; round++) {
    const started = performance.now();
    const context = await loadAnchorContext(TENANT);
    anchorTimes.push(performance.now() - started);
    if (!context.latest || context.latest.treeSize < STREAMS || !context.leafOf(streamOf(TENANT, 'bench-0'))) throw new Error('the anchor check did not load the newest tree head and its leaves');
  }
  anchorTimes.sort((a, b) => a - b);
  const anchorRow: BenchResult = { name: 'audit.verify.anchor', value: Math.round(anchorTimes[Math.floor(anchorTimes.length / 2)]!), unit: 'ms', p99_ms: Math.round(anchorTimes.at(-1)!) };
  return [first, steady, verifyRow, readRow, anchorRow];
};
