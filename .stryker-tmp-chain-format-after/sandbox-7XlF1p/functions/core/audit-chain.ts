// @ts-nocheck
import { createHash, randomUUID } from 'node:crypto';
import { tenantKey, tenantOfKey } from '../../shared/db/keys';
import { ConditionFailedError, TransactionConflictError, type Item, type TenantDb, type TxWrite } from '../../shared/db/tenant-db';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { METRICS } from '../../shared/metric-names';
import { groupBy } from '../../shared/group-by';
import { logger, metrics } from '../../shared/observability';
import type { AuditEventInput } from './audit-event';
import { EVENT_PREFIX, eventHash, eventSk, GENESIS_HASH, HEAD_SK, registryShardOf, registryStream, seqOfSk, shardStream, STREAM_SHARDS, streamOf } from './chain-format';
import { writeCheckpoint } from './checkpoint-store';

export { eventHash, eventSk, GENESIS_HASH, HASHED_FIELDS, HEAD_SK, shardStream, streamOf } from './chain-format';

/** A stream gets a signed checkpoint each time its sequence number passes a multiple of this. */
export const CHECKPOINT_EVERY = 25;

interface Head {
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
async function endsOf(db: TenantDb, streams: string[], afterConflict: boolean): Promise<Map<string, Head>> {
  let ends: Head[];
  if (afterConflict) ends = await Promise.all(streams.map((s) => readTail(db, s)));
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
      const item: Item = {
        pk: stream,
        sk: eventSk(seq),
        stream,
        seq,
        prevHash: hash,
        eventId: randomUUID(),
        time: now.toISOString(),
        tenant: tenantOfStream(stream),
        action: 'audit.stream-open',
        outcome: 'success',
        openedStream,
      };
      item.hash = eventHash(item);
      hash = item.hash as string;
      appends.push({ kind: 'put', table: 'audit', item, condition: { expression: 'attribute_not_exists(pk)' } });
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
  const ends = await endsOf(db, [...byStream.keys()], afterConflict);
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
      const item: Item = {
        pk: stream,
        sk: eventSk(seq),
        stream,
        seq,
        prevHash: hash,
        eventId,
        time,
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
        gsi2pk: tenantKey(e.tenant, 'AUDIT', 'DAY', time.slice(0, 10)),
        gsi2sk: `${time}#${eventId}`,
        ...(e.citizenKey ? { gsi3pk: tenantKey(e.tenant, 'AUDIT', 'CITIZEN', e.citizenKey), gsi3sk: `${time}#${eventId}` } : {}),
      };
      item.hash = eventHash(item);
      hash = item.hash as string;
      appends.push({ kind: 'put', table: 'audit', item, condition: { expression: 'attribute_not_exists(pk)' } });
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
 * Stores an append that is a single item (one event in a stream that already exists) without a
 * transaction: the event's conditional put is the append, and the head follows it. A transaction
 * would cost DynamoDB twice the write capacity for what one conditional put already guarantees.
 * A head move that fails leaves the head behind the stored event, which readers and the next
 * writer allow for; the event itself is what the caller waits for.
 */
async function appendAlone(db: TenantDb, audit: AuditWrites): Promise<void> {
  const [event] = audit.appends;
  if (!event || event.kind !== 'put') throw new Error('appendAlone needs exactly one put');
  try {
    await db.put(event.table, event.item, event.condition);
  } catch (error) {
    // Index 0 of this append: the chain moved under us, as in a transaction's audit part.
    if (error instanceof ConditionFailedError) throw new ConditionFailedError(0, error.reasons);
    throw error;
  }
  for (const head of audit.heads) {
    if (head.kind !== 'put') continue;
    await db.put(head.table, head.item, head.condition).catch((error: unknown) => {
      if (error instanceof ConditionFailedError) return; // a later append already moved it further
      logger.warn('audit head not moved', { tenant: db.tenant, error: (error as Error).name });
    });
  }
}

/**
 * Commits a change and its audit events in one DynamoDB transaction: both or neither. When only
 * the audit chain moved under us (another writer appended first) the whole transaction is rebuilt
 * and retried, its events on another shard of their log (shardFor); when one of the caller's own
 * writes fails its condition, ConditionFailedError is thrown with the index in the caller's list,
 * for the service to turn into 409/412. Events that change nothing else and come down to one new
 * item are stored by appendAlone.
 */
export async function commitWithAudit(db: TenantDb, build: () => Promise<TxWrite[]> | TxWrite[], events: AuditEventInput[]): Promise<void> {
  await commitAudited(db, build, events);
}

async function commitAudited(db: TenantDb, build: () => Promise<TxWrite[]> | TxWrite[], events: AuditEventInput[]): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const writes = await build();
    let audit: AuditWrites;
    try {
      audit = await buildAuditWrites(db, events, new Date(), attempt);
      if (writes.length === 0 && audit.appends.length === 1) await appendAlone(db, audit);
      else await db.transact([...writes, ...audit.appends, ...audit.heads]);
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
  await commitAudited(db, () => [], events);
}
