import { BatchWriteItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { config } from '../../shared/config';
import { eventHash, eventSk, GENESIS_HASH, HEAD_SK, registryShardOf, registryStream, streamOf } from '../../functions/core/chain-format';
import { anchorStore, treeHeadSigner } from '../../functions/core/anchor-deps';
import { anchorTenant } from '../../functions/anchor/anchor-service';
import type { BenchScenario } from '../context';
import type { BenchResult } from '../lib';

/** Streams of one municipality for the anchoring rows (the figure: 10,000). */
const STREAMS = 10_000;
const TENANT = '9301';

/**
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

  const deps = { store: anchorStore(), signer: treeHeadSigner() };
  const timed = async (name: string): Promise<BenchResult> => {
    const started = performance.now();
    const outcome = await anchorTenant(TENANT, deps);
    if (outcome.treeSize < STREAMS) throw new Error(`anchored ${outcome.treeSize} streams, expected at least ${STREAMS}`);
    return { name, value: Math.round(performance.now() - started), unit: 'ms' };
  };
  const first = await timed('audit.anchor.first');
  const steady = await timed('audit.anchor');
  return [first, steady];
};
