import { createHash } from 'node:crypto';
import { tenantKey } from '../../shared/db/keys';
import { canonicalJson } from '../../shared/encoding/canonical-json';
import type { Item } from '../../shared/db/tenant-db';

/**
 * The stored shape of the audit chains, shared by the writer (audit-chain.ts), the verifier and the
 * views. Pure: no I/O here, so the unit tests can build and break chains in memory.
 */

/**
 * The base stream (hash chain) an event belongs to: one per patient, one per tenant for the rest.
 * It is shard 0 of that log, and the only chain there was before logs were sharded, so logs
 * written in the single-stream layout are simply logs whose other shards were never opened.
 */
export function streamOf(tenant: string, patientId: string | undefined): string {
  return patientId ? tenantKey(tenant, 'AUDIT', 'P', patientId) : tenantKey(tenant, 'AUDIT', 'TENANT');
}

/**
 * How many hash chains one patient's (or the tenant's) log may spread over. Every shard is a
 * stream like any other (its own chain, head, checkpoints, registry entry and tree-head leaf), so
 * sharding weakens nothing that verify checks; it only stops concurrent appenders from queueing
 * behind one head. Shards past 0 are opened only under contention (see audit-chain.ts), so a quiet
 * patient keeps one chain and one leaf; 16 lets 32 concurrent readers spread to about two per
 * chain while a reader of the history merges at most 16 short lists.
 */
export const STREAM_SHARDS = 16;

const SHARD_MARK = '#S#';

/** Shard `shard` of a base stream: shard 0 is the base stream itself. */
export function shardStream(base: string, shard: number): string {
  return shard === 0 ? base : `${base}${SHARD_MARK}${String(shard).padStart(2, '0')}`;
}

/** Every shard stream a base stream may have, shard 0 first. */
export function shardStreams(base: string): string[] {
  return Array.from({ length: STREAM_SHARDS }, (_, k) => shardStream(base, k));
}

/** A stream's base stream and shard number (`T#0301#AUDIT#P#x#S#03` -> the base and 3). */
export function shardOf(stream: string): { base: string; shard: number } {
  const m = /^(.+)#S#(\d{2})$/.exec(stream);
  return m?.[1] && m[2] ? { base: m[1], shard: Number(m[2]) } : { base: stream, shard: 0 };
}

/**
 * The tenant's events by day (audit gsi2) are spread over `shards` index partitions, by the event
 * id: one partition per municipality-day took every event of the day and throttled at DynamoDB's
 * per-partition write limit, and a read waits for its audit write. The readers (audit-store.ts
 * dayEvents) merge every shard and the unsharded key of days written before sharding, so raising
 * the shard count is safe at any time; lowering it hides the events of the dropped shards.
 */
export function dayIndexPartition(tenant: string, day: string, shard: number | 'legacy'): string {
  return shard === 'legacy' ? tenantKey(tenant, 'AUDIT', 'DAY', day) : tenantKey(tenant, 'AUDIT', 'DAY', day, String(shard).padStart(2, '0'));
}

/** The day-index shard of an event: from its (random) event id, so a day's writes spread evenly. */
export function dayShardOf(eventId: string, shards: number): number {
  return Number.parseInt(createHash('sha256').update(eventId).digest('hex').slice(0, 8), 16) % shards;
}

/**
 * The tenant's stream registry: hash chains of their own with one entry per stream ever opened, so
 * a whole-tenant verify can find every stream and a stream removed wholesale still shows up. It is
 * split into 16 shards (by the stream's hash) so that patients opened at the same moment rarely
 * race for the same registry head.
 */
export const REGISTRY_SHARDS = '0123456789abcdef'.split('');

export function registryShardOf(stream: string): string {
  return createHash('sha256').update(stream).digest('hex').charAt(0);
}

export function registryStream(tenant: string, shard: string): string {
  return tenantKey(tenant, 'AUDIT', 'STREAMS', shard);
}

/** The patient record id a patient stream (any shard) belongs to; undefined for the tenant stream and the registry. */
export function patientOfStream(stream: string): string | undefined {
  return /^T#\d{4}#AUDIT#P#(.+)$/.exec(shardOf(stream).base)?.[1];
}

export const HEAD_SK = 'HEAD';
export const GENESIS_HASH = '0'.repeat(64);
export const EVENT_PREFIX = 'E#';
export const CHECKPOINT_PREFIX = 'C#';

function seqPart(seq: number): string {
  return String(seq).padStart(12, '0');
}

export function eventSk(seq: number): string {
  return `${EVENT_PREFIX}${seqPart(seq)}`;
}

/** Checkpoints live beside the events of their stream; one per checkpointed sequence number. */
export function checkpointSk(seq: number): string {
  return `${CHECKPOINT_PREFIX}${seqPart(seq)}`;
}

/** The sequence number a sort key claims (`E#000000000042` -> 42), or undefined when malformed. */
export function seqOfSk(sk: string): number | undefined {
  const m = /^[EC]#(\d{12})$/.exec(sk);
  return m?.[1] ? Number(m[1]) : undefined;
}

/** The fields of a stored event that its hash covers (everything but index keys and the hash). */
export const HASHED_FIELDS = [
  'stream', 'seq', 'prevHash', 'eventId', 'time', 'tenant', 'action', 'outcome', 'actor', 'requestId',
  'patientId', 'citizenKey', 'recordId', 'purposeOfUse', 'reasonCode', 'reasonSealed', 'flagged',
  'flagReason', 'fromTenant', 'rule', 'details', 'openedStream',
] as const;

/** Deterministic JSON (RFC 8785, bytes as base64): the one serializer every hash and signature uses. */
export function canonical(value: unknown): string {
  return canonicalJson(value);
}

/** The hashed fields in RFC 8785 member order (UTF-16 code units), each with its serialized name. */
const HASHED_IN_ORDER: readonly (readonly [string, string])[] = [...HASHED_FIELDS].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).map((f) => [f, `${JSON.stringify(f)}:`] as const);

/**
 * The canonical form of the hashed fields: `canonical` of the object holding the fields `item` has.
 * Built member by member (the names are known and pre-sorted, each value goes through `canonical`)
 * instead of copying the fields into a new object for `canonical` to sort: the same bytes (a unit
 * test holds the two equal), without the copy and sort, for a verify that hashes every event.
 */
export function hashedForm(item: Item): string {
  let out = '{';
  for (const [field, name] of HASHED_IN_ORDER) {
    const value = item[field];
    if (value === undefined) continue;
    out += (out.length > 1 ? ',' : '') + name + canonical(value);
  }
  return `${out}}`;
}

/** SHA-256 over the canonical form of the hashed fields; the previous hash is one of them. */
export function eventHash(item: Item): string {
  return createHash('sha256').update(hashedForm(item)).digest('hex');
}

/** What a checkpoint signs: the stream, its sequence number and the event hash at that number. */
export interface CheckpointClaim {
  tenant: string;
  stream: string;
  seq: number;
  hash: string;
  time: string;
}

/** The exact bytes a checkpoint signature covers (domain-separated, canonical). */
export function checkpointMessage(claim: CheckpointClaim): Buffer {
  const { tenant, stream, seq, hash, time } = claim;
  return Buffer.from(`fellesjournal-audit-checkpoint/v1\n${canonical({ tenant, stream, seq, hash, time })}`, 'utf8');
}
