// @ts-nocheck
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

/** SHA-256 over the canonical form of the hashed fields; the previous hash is one of them. */
export function eventHash(item: Item): string {
  const covered: Record<string, unknown> = {};
  for (const f of HASHED_FIELDS) if (item[f] !== undefined) covered[f] = item[f];
  return createHash('sha256').update(canonical(covered)).digest('hex');
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
