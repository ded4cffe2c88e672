import { createHash, randomUUID } from 'node:crypto';
import { tenantKey, tenantOfKey } from '../../shared/db/keys';
import { ConditionFailedError, TransactionConflictError, type Item, type TenantDb, type TxWrite } from '../../shared/db/tenant-db';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { METRICS } from '../../shared/metric-names';
import { groupBy } from '../../shared/group-by';
import { logger, metrics } from '../../shared/observability';
import type { AuditEventInput } from './audit-event';
import { config } from '../../shared/config';
import { dayIndexPartition, dayShardOf, EVENT_PREFIX, eventHash, eventSk, GENESIS_HASH, HEAD_SK, registryShardOf, registryStream, seqOfSk, shardStream, STREAM_SHARDS, streamOf } from './chain-format';
import { writeCheckpoint } from './checkpoint-store';

export { eventHash, eventSk, GENESIS_HASH, HASHED_FIELDS, HEAD_SK, shardStream, streamOf } from './chain-format';

/** A stream gets a signed checkpoint each time its sequence number passes a multiple of this. */
export const CHECKPOINT_EVERY = 25;

export interface Head {
  seq: number;
  hash: string;
}

async function readHead(db: TenantDb, stream: string): Promise<Head> {
  const head = await db.get<{ seq: number; hash: string } & Item>('audit', stream, HEAD_SK);
  return head ? { seq: head.seq, hash: head.hash } : { seq: 0, hash: GENESIS_HASH };
}

/**
 * Where a stream's chain really ends, read after an append found its sequence number taken. The
 * head names the newest event whose writer finished; a writer that died between storing its event
 * and moving the head leaves the head behind, so the newest stored event wins when it is past the
 * head and intact. Anything else there (not an event, or one whose hash does not hold) is never
 * chained onto: the head stands, and the append keeps failing its condition instead.
 */
async function readTail(db: TenantDb, stream: string): Promise<Head> {
  const [head, newest] = await Promise.all([
    readHead(db, stream),
    db.query({ table: 'audit', partition: stream, sortBetween: [eventSk(1), `${EVENT_PREFIX}~`], newestFirst: true, limit: 1, consistent: true }),
  ]);
  const last = newest.items[0];
  const intact = last !== undefined && typeof last.hash === 'string' && last.seq === seqOfSk(String(last.sk)) && eventHash(last) === last.hash;
  return intact && (last.seq as number) > head.seq ? { seq: last.seq as number, hash: last.hash as string } : head;
}

/**
 * Where each stream ends: from the heads (one round trip for all of them), or after a conflict from
 * the real ends (readTail).
 */
async function endsOf(db: TenantDb, streams: string[], afterConflict: boolean, prefetched: Map<string, Promise<Head>> = new Map()): Promise<Map<string, Head>> {
  let ends: Head[];
  if (afterConflict) ends = await Promise.all(streams.map((s) => readTail(db, s)));
  else if (streams.every((s) => prefetched.has(s))) ends = await Promise.all(streams.map((s) => prefetched.get(s)!));
  else if (streams.length === 1) ends = [await readHead(db, streams[0]!)];
  else {
    const items = await db.getMany<{ seq: number; hash: string } & Item>('audit', streams.map((pk) => ({ pk, sk: HEAD_SK })));
    ends = items.map((h) => (h ? { seq: h.seq, hash: h.hash } : { seq: 0, hash: GENESIS_HASH }));
  }
  return new Map(streams.map((s, i) => [s, ends[i]!]));
}

/** The tenant whose log a stream is. */
function tenantOfStream(stream: string): string {
  const tenant = tenantOfKey(stream);
  if (!tenant) throw new Error(`not a tenant stream: ${stream}`);
  return tenant;
}

/** A stream whose head a prepared transaction moves, from one sequence number to another. */
export interface StreamAdvance {
  stream: string;
  fromSeq: number;
  seq: number;
  hash: string;
}

/**
 * Moves a stream's head to its newest event. The events' own conditional puts are what keep two
 * appenders off one sequence number; the head only ever moves forward, so a writer that finishes
 * after a later one leaves it where it is.
 */
function headWrite(stream: string, to: Head, now: Date): TxWrite {
  return {
    kind: 'put',
    table: 'audit',
    item: { pk: stream, sk: HEAD_SK, seq: to.seq, hash: to.hash, updatedAt: now.toISOString() },
    condition: { expression: 'attribute_not_exists(pk) OR seq < :seq', values: { ':seq': to.seq } },
  };
}

/** The next link of a chain: `fields` at `seq` after `prevHash`, hashed, put only while that slot is free. */
function chainLink(stream: string, seq: number, prevHash: string, eventId: string, time: string, fields: Item): { write: TxWrite; hash: string } {
  const item: Item = { pk: stream, sk: eventSk(seq), stream, seq, prevHash, eventId, time, ...fields };
  const hash = eventHash(item);
  return { write: { kind: 'put', table: 'audit', item: { ...item, hash }, condition: { expression: 'attribute_not_exists(pk)' } }, hash };
}

/**
 * The registry entries for streams this transaction opens. Each registry shard is a chain of its
 * own, so concurrent openers race for its next slot like any appender, and a whole stream deleted later
 * is still named by the registry (and, past its checkpoint, by the registry's signed checkpoint).
 */
async function registryWrites(db: TenantDb, opened: string[], now: Date, afterConflict: boolean): Promise<AuditWrites> {
  const byRegistry = groupBy(opened, (s) => registryStream(tenantOfStream(s), registryShardOf(s)));
  const appends: TxWrite[] = [];
  const heads: TxWrite[] = [];
  const advances: StreamAdvance[] = [];
  if (byRegistry.size === 0) return { appends, heads, advances };
  const ends = await endsOf(db, [...byRegistry.keys()], afterConflict);
  for (const [stream, streams] of byRegistry) {
    const head = ends.get(stream)!;
    let { seq, hash } = head;
    for (const openedStream of streams) {
      seq += 1;
      const link = chainLink(stream, seq, hash, randomUUID(), now.toISOString(), { tenant: tenantOfStream(stream), action: 'audit.stream-open', outcome: 'success', openedStream });
      hash = link.hash;
      appends.push(link.write);
    }
    heads.push(headWrite(stream, { seq, hash }, now));
    advances.push({ stream, fromSeq: head.seq, seq, hash });
  }
  return { appends, heads, advances };
}

/** The writes that append a set of events: the new items, the head moves, and where each stream ends up. */
interface AuditWrites {
  /** Events, registry entries and review-queue pointers, each conditional on its key being free. */
  appends: TxWrite[];
  heads: TxWrite[];
  advances: StreamAdvance[];
}

/**
 * Which shard of a log an append goes to. Shard by request, not by writer or by day: the load that
 * contends is many concurrent requests on one patient, often from one writer (a vendor system
 * syncing a record, one clinician's browser opening several notes), and all on the same day; a
 * hash of the request id spreads exactly that load, and a retry of the same request (a new attempt
 * number) lands elsewhere instead of queueing behind the head it just lost to.
 *
 * A log stays on shard 0 until an append to it meets contention; from then on, for HOT_MS, this
 * container spreads its first attempts too. So a quiet patient keeps a single chain (one registry
 * entry, one tree-head leaf), and only busy logs pay for more. The hint is per container and only
 * about speed: an event is equally valid in any shard, and readers always read all of them.
 */
export function shardFor(base: string, requestId: string, attempt: number, nowMs = Date.now()): number {
  if (attempt === 0 && !isHot(base, nowMs)) return 0;
  return createHash('sha256').update(`${requestId}#${attempt}`).digest().readUInt32BE(0) % STREAM_SHARDS;
}

const HOT_MS = 60_000;
/** Bounds the hint's memory in a long-lived container; forgetting a log only costs it one conflict. */
const HOT_MAX = 10_000;
const hotUntil = new Map<string, number>();

function isHot(base: string, nowMs: number): boolean {
  const until = hotUntil.get(base);
  if (until === undefined) return false;
  if (until > nowMs) return true;
  hotUntil.delete(base);
  return false;
}

/** Notes that appends to a log met contention: its next appends in this container spread over its shards. */
export function noteContention(base: string, nowMs = Date.now()): void {
  if (hotUntil.size >= HOT_MAX && !hotUntil.has(base)) hotUntil.clear();
  hotUntil.set(base, nowMs + HOT_MS);
}

/**
 * Heads read ahead of the append, keyed by request and stream. An audited request knows which
 * patient's log it will append to before it has decided anything (the patient id is in the path),
 * and attempt 0's shard is a function of the request id, so the head is read in the batch of the
 * access reads (or, across municipalities, the document's) instead of after them: one sequential
 * round trip less. Only a hint: a head that moved in between fails the append's condition like
 * any lost race, and the retry reads the real end (readTail). Taken once; entries nobody takes (a 404 before any audit) expire.
 */
const prefetchedHeads = new Map<string, { at: number; head: Promise<Head> }>();
const PREFETCH_MS = 10_000;
const PREFETCH_MAX = 1_000;

/**
 * The key of the head the first append of `requestId` to the log of (tenant, patientId) will use,
 * and where to hand its read: so a caller can read it inside a BatchGetItem of its own (the access
 * decision's) instead of a GetItem beside it.
 */
export function auditHeadSlot(tenant: string, patientId: string | undefined, requestId: string, nowMs = Date.now()): { key: { pk: string; sk: string }; offer(head: Promise<Head | Item | undefined>): void } {
  const base = streamOf(tenant, patientId);
  const stream = shardStream(base, shardFor(base, requestId, 0, nowMs));
  return {
    key: { pk: stream, sk: HEAD_SK },
    offer(read) {
      if (prefetchedHeads.size >= PREFETCH_MAX) {
        for (const [key, p] of prefetchedHeads) if (nowMs - p.at > PREFETCH_MS) prefetchedHeads.delete(key);
        if (prefetchedHeads.size >= PREFETCH_MAX) prefetchedHeads.clear();
      }
      const head = read.then((h) => (h && typeof h.seq === 'number' && typeof h.hash === 'string' ? { seq: h.seq, hash: h.hash } : { seq: 0, hash: GENESIS_HASH }));
      // Nobody may take it (the request ends before auditing): never an unhandled rejection.
      head.catch(() => undefined);
      prefetchedHeads.set(`${requestId}\u0000${stream}`, { at: nowMs, head });
    },
  };
}

function takePrefetched(requestId: string, stream: string, nowMs = Date.now()): Promise<Head> | undefined {
  const key = `${requestId}\u0000${stream}`;
  const p = prefetchedHeads.get(key);
  if (!p) return undefined;
  prefetchedHeads.delete(key);
  return nowMs - p.at <= PREFETCH_MS ? p.head : undefined;
}

/** The base streams (logs) a set of events goes to. */
function baseStreams(events: AuditEventInput[]): string[] {
  return [...new Set(events.map((e) => streamOf(e.tenant, e.patientId)))];
}

/**
 * The audit writes for a set of events: each event appended to a shard of its log (see shardFor),
 * conditional on the shard's next sequence number being free, so concurrent appenders cannot both
 * take it; and each shard's head moved on. The first try starts from the heads; a retry after a
 * conflict (attempt > 0) from the shards' real ends (see readTail). Events belong to the db's
 * tenant or its audit peer.
 */
async function buildAuditWrites(db: TenantDb, events: AuditEventInput[], now: Date, attempt: number): Promise<AuditWrites> {
  if (events.some((e) => e.tenant !== db.tenant && e.tenant !== db.auditPeer)) throw new Error('audit event for another tenant in this transaction');
  const afterConflict = attempt > 0;
  const byBase = groupBy(events, (e) => streamOf(e.tenant, e.patientId));
  // One shard per log per commit: the events of one request stay together, in order, in one chain.
  // The hint is about the wall clock, not `now` (a caller may date its events, e.g. an import).
  const byStream = new Map([...byBase].map(([base, list]) => [shardStream(base, shardFor(base, list[0]!.requestId, attempt)), list]));
  const appends: TxWrite[] = [];
  const heads: TxWrite[] = [];
  const advances: StreamAdvance[] = [];
  const opened: string[] = [];
  const prefetched = new Map<string, Promise<Head>>();
  if (!afterConflict) {
    for (const [stream, list] of byStream) {
      const head = takePrefetched(list[0]!.requestId, stream);
      if (head) prefetched.set(stream, head);
    }
  }
  const ends = await endsOf(db, [...byStream.keys()], afterConflict, prefetched);
  for (const [stream, streamEvents] of byStream) {
    const head = ends.get(stream)!;
    if (head.seq === 0) opened.push(stream);
    let { seq, hash } = head;
    for (const e of streamEvents) {
      seq += 1;
      const eventId = randomUUID();
      const time = now.toISOString();
      const reasonSealed = e.reason
        ? await db.keys.encrypt({ tenant: e.tenant, record: eventId, kind: 'audit-reason' }, e.reason)
        : undefined;
      const link = chainLink(stream, seq, hash, eventId, time, {
        tenant: e.tenant,
        action: e.action,
        outcome: e.outcome,
        actor: e.actor,
        requestId: e.requestId,
        patientId: e.patientId,
        citizenKey: e.citizenKey,
        recordId: e.recordId,
        purposeOfUse: e.purposeOfUse,
        reasonCode: e.reasonCode,
        reasonSealed,
        flagged: e.flagged ? true : undefined,
        flagReason: e.flagReason,
        fromTenant: e.fromTenant,
        rule: e.rule,
        details: e.details,
        // Indexes: a user's activity, the tenant's events by day, the citizen's log.
        gsi1pk: tenantKey(e.tenant, 'AUDIT', 'USER', e.actor.sub),
        gsi1sk: `${time}#${eventId}`,
        gsi2pk: dayIndexPartition(e.tenant, time.slice(0, 10), dayShardOf(eventId, config().auditDayShards)),
        gsi2sk: `${time}#${eventId}`,
        ...(e.citizenKey ? { gsi3pk: tenantKey(e.tenant, 'AUDIT', 'CITIZEN', e.citizenKey), gsi3sk: `${time}#${eventId}` } : {}),
      });
      hash = link.hash;
      appends.push(link.write);
      if (e.flagged) {
        // The review queue: a separate, unchained pointer item; reviews are appended beside it.
        appends.push({
          kind: 'put',
          table: 'audit',
          item: { pk: tenantKey(e.tenant, 'AUDIT', 'QUEUE'), sk: `${time}#${eventId}`, eventStream: stream, eventSk: eventSk(seq), eventId, time, action: e.action, flagReason: e.flagReason, patientId: e.patientId },
          condition: { expression: 'attribute_not_exists(pk)' },
        });
      }
    }
    heads.push(headWrite(stream, { seq, hash }, now));
    advances.push({ stream, fromSeq: head.seq, seq, hash });
  }
  const registry = await registryWrites(db, opened, now, afterConflict);
  return { appends: [...appends, ...registry.appends], heads: [...heads, ...registry.heads], advances: [...advances, ...registry.advances] };
}

/** The audit writes for a set of events in one list, for callers composing their own transaction. */
export async function prepareAuditWrites(db: TenantDb, events: AuditEventInput[], now = new Date()): Promise<TxWrite[]> {
  const { appends, heads } = await buildAuditWrites(db, events, now, 0);
  return [...appends, ...heads];
}

/**
 * Signs checkpoints for streams whose head passed a multiple of CHECKPOINT_EVERY. Runs after the
 * commit, so a failure here (e.g. KMS throttling) never undoes or blocks the recorded change; the
 * next crossing or an auditor's checkpoint run covers the stream instead.
 */
export async function checkpointAdvances(db: TenantDb, advances: StreamAdvance[]): Promise<void> {
  for (const a of advances) {
    if (Math.floor(a.seq / CHECKPOINT_EVERY) <= Math.floor(a.fromSeq / CHECKPOINT_EVERY)) continue;
    // Signed in the name of the tenant whose log it is. An audit peer's stream is left to the peer's
    // next crossing or an auditor's run: a sharing-read session may only add events to its log.
    if (tenantOfStream(a.stream) !== db.tenant) continue;
    try {
      await writeCheckpoint(db, a.stream, a.seq, a.hash, 'auto');
    } catch (error) {
      logger.warn('audit checkpoint not written', { tenant: db.tenant, error: (error as Error).name });
    }
  }
}

const MAX_ATTEMPTS = 12;

function backoff(attempt: number): Promise<void> {
  const ms = Math.min(200, 5 * 2 ** attempt) * (0.5 + Math.random());
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * Commits a change and its audit events in one DynamoDB transaction: both or neither. When only
 * the audit chain moved under us (another writer appended first) the whole transaction is rebuilt
 * and retried, its events on another shard of their log (shardFor); when one of the caller's own
 * writes fails its condition, ConditionFailedError is thrown with the index in the caller's list,
 * for the service to turn into 409/412.
 *
 * An event that changes nothing else (a read) is stored the same way: its put and its head's move in
 * one transaction, one round trip. Storing the event alone and moving the head in a second call
 * cost one more sequential round trip on every audited read; the transaction costs more write
 * units instead (bench/README.md, "Counts and the cost model"), and the head never lags its event.
 */
export async function commitWithAudit(db: TenantDb, build: () => Promise<TxWrite[]> | TxWrite[], events: AuditEventInput[]): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const writes = await build();
    let audit: AuditWrites;
    try {
      audit = await buildAuditWrites(db, events, new Date(), attempt);
      await db.transact([...writes, ...audit.appends, ...audit.heads]);
    } catch (error) {
      const auditRace = (error instanceof ConditionFailedError && error.index !== undefined && error.index >= writes.length) || error instanceof TransactionConflictError;
      // A condition on the change itself (stale version, duplicate) is the caller's answer, not an audit failure.
      if (error instanceof ConditionFailedError && !auditRace) throw error;
      if (!auditRace || attempt + 1 >= MAX_ATTEMPTS) {
        metrics.addMetric(METRICS.auditWriteFailed, MetricUnit.Count, 1);
        throw error;
      }
      // The logs are busy: this retry and the next appends to them go to other shards.
      for (const base of baseStreams(events)) noteContention(base);
      await backoff(attempt);
      continue;
    }
    await checkpointAdvances(db, audit.advances);
    return;
  }
}

/**
 * Records events that change nothing else (reads, searches, denied attempts). Resolves only once
 * every event is stored, so a read can be answered after its event exists and never before.
 */
export async function appendAudit(db: TenantDb, events: AuditEventInput[]): Promise<void> {
  for (const [, tenantEvents] of groupBy(events, (e) => e.tenant)) await commitWithAudit(db, () => [], tenantEvents);
}

/**
 * Records events in two municipalities' logs in one transaction: both or neither, so one
 * municipality's log never shows an access the other's lacks (a clinician in `tenant` retrieving a
 * document of `peer`). Runs under a sharing-read session (`db.auditPeer` is the peer), which may only
 * read and add audit items of the peer; the heads of both chains are read in one round trip.
 */
export async function appendAuditAcross(db: TenantDb, events: AuditEventInput[]): Promise<void> {
  await commitWithAudit(db, () => [], events);
}
