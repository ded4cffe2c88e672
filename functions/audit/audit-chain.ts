import { randomUUID } from 'node:crypto';
import { envelopeCrypto } from '../../shared/crypto';
import { tenantKey } from '../../shared/db/keys';
import { ConditionFailedError, TenantDb, TransactionConflictError, type Item, type TxWrite } from '../../shared/db/tenant-db';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { METRICS } from '../../shared/metric-names';
import { logger, metrics } from '../../shared/observability';
import type { AuditEventInput } from './audit-event';
import { eventHash, eventSk, GENESIS_HASH, HEAD_SK, registryShardOf, registryStream, streamOf } from './chain-format';
import { writeCheckpoint } from './checkpoint-store';

export { eventHash, eventSk, GENESIS_HASH, HASHED_FIELDS, HEAD_SK, streamOf } from './chain-format';

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

/** A stream whose head a prepared transaction moves, from one sequence number to another. */
export interface StreamAdvance {
  stream: string;
  fromSeq: number;
  seq: number;
  hash: string;
}

function headWrite(stream: string, from: Head, to: Head, now: Date): TxWrite {
  return {
    kind: 'put',
    table: 'audit',
    item: { pk: stream, sk: HEAD_SK, seq: to.seq, hash: to.hash, updatedAt: now.toISOString() },
    condition: from.seq === 0 ? { expression: 'attribute_not_exists(pk)' } : { expression: 'seq = :seq', values: { ':seq': from.seq } },
  };
}

/**
 * The registry entries for streams this transaction opens. Each registry shard is a chain of its
 * own, so concurrent openers race on its head like any appender, and a whole stream deleted later
 * is still named by the registry (and, past its checkpoint, by the registry's signed checkpoint).
 */
async function registryWrites(db: TenantDb, opened: string[], now: Date): Promise<{ writes: TxWrite[]; advances: StreamAdvance[] }> {
  const byShard = new Map<string, string[]>();
  for (const s of opened) byShard.set(registryShardOf(s), [...(byShard.get(registryShardOf(s)) ?? []), s]);
  const writes: TxWrite[] = [];
  const advances: StreamAdvance[] = [];
  for (const [shard, streams] of byShard) {
    const stream = registryStream(db.tenant, shard);
    const head = await readHead(db, stream);
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
        tenant: db.tenant,
        action: 'audit.stream-open',
        outcome: 'success',
        openedStream,
      };
      item.hash = eventHash(item);
      hash = item.hash as string;
      writes.push({ kind: 'put', table: 'audit', item, condition: { expression: 'attribute_not_exists(pk)' } });
    }
    writes.push(headWrite(stream, head, { seq, hash }, now));
    advances.push({ stream, fromSeq: head.seq, seq, hash });
  }
  return { writes, advances };
}

/**
 * The audit writes for a set of events, and which stream heads they move: each event appended to
 * its stream's chain (conditional on the next sequence number being free), and each stream's head
 * moved on conditionally on the head the chain was built from. Concurrent appenders therefore
 * cannot both succeed from the same head.
 */
export async function buildAuditWrites(db: TenantDb, events: AuditEventInput[], now = new Date()): Promise<{ writes: TxWrite[]; advances: StreamAdvance[] }> {
  const byStream = new Map<string, AuditEventInput[]>();
  for (const e of events) {
    if (e.tenant !== db.tenant) throw new Error('audit event for another tenant in this transaction');
    const stream = streamOf(e.tenant, e.patientId);
    byStream.set(stream, [...(byStream.get(stream) ?? []), e]);
  }
  const writes: TxWrite[] = [];
  const advances: StreamAdvance[] = [];
  const opened: string[] = [];
  for (const [stream, streamEvents] of byStream) {
    const head = await readHead(db, stream);
    if (head.seq === 0) opened.push(stream);
    let { seq, hash } = head;
    for (const e of streamEvents) {
      seq += 1;
      const eventId = randomUUID();
      const time = now.toISOString();
      const reasonSealed = e.reason
        ? await envelopeCrypto().encrypt({ tenant: e.tenant, record: eventId, kind: 'audit-reason' }, e.reason)
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
      writes.push({ kind: 'put', table: 'audit', item, condition: { expression: 'attribute_not_exists(pk)' } });
      if (e.flagged) {
        // The review queue: a separate, unchained pointer item; reviews are appended beside it.
        writes.push({
          kind: 'put',
          table: 'audit',
          item: { pk: tenantKey(e.tenant, 'AUDIT', 'QUEUE'), sk: `${time}#${eventId}`, eventStream: stream, eventSk: eventSk(seq), eventId, time, action: e.action, flagReason: e.flagReason, patientId: e.patientId },
          condition: { expression: 'attribute_not_exists(pk)' },
        });
      }
    }
    writes.push(headWrite(stream, head, { seq, hash }, now));
    advances.push({ stream, fromSeq: head.seq, seq, hash });
  }
  const registry = await registryWrites(db, opened, now);
  writes.push(...registry.writes);
  advances.push(...registry.advances);
  return { writes, advances };
}

/** The audit writes for a set of events (see buildAuditWrites), for callers composing their own transaction. */
export async function prepareAuditWrites(db: TenantDb, events: AuditEventInput[], now = new Date()): Promise<TxWrite[]> {
  return (await buildAuditWrites(db, events, now)).writes;
}

/**
 * Signs checkpoints for streams whose head passed a multiple of CHECKPOINT_EVERY. Runs after the
 * commit, so a failure here (e.g. KMS throttling) never undoes or blocks the recorded change; the
 * next crossing or an auditor's checkpoint run covers the stream instead.
 */
export async function checkpointAdvances(db: TenantDb, advances: StreamAdvance[]): Promise<void> {
  for (const a of advances) {
    if (Math.floor(a.seq / CHECKPOINT_EVERY) <= Math.floor(a.fromSeq / CHECKPOINT_EVERY)) continue;
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
 * and retried; when one of the caller's own writes fails its condition, ConditionFailedError is
 * thrown with the index in the caller's list, for the service to turn into 409/412.
 */
export async function commitWithAudit(tenant: string, build: () => Promise<TxWrite[]> | TxWrite[], events: AuditEventInput[]): Promise<void> {
  const db = new TenantDb(tenant);
  for (let attempt = 0; ; attempt++) {
    const writes = await build();
    let audit: Awaited<ReturnType<typeof buildAuditWrites>>;
    try {
      audit = await buildAuditWrites(db, events);
      await db.transact([...writes, ...audit.writes]);
    } catch (error) {
      const auditRace = (error instanceof ConditionFailedError && error.index !== undefined && error.index >= writes.length) || error instanceof TransactionConflictError;
      // A condition on the change itself (stale version, duplicate) is the caller's answer, not an audit failure.
      if (error instanceof ConditionFailedError && !auditRace) throw error;
      if (!auditRace || attempt + 1 >= MAX_ATTEMPTS) {
        metrics.addMetric(METRICS.auditWriteFailed, MetricUnit.Count, 1);
        throw error;
      }
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
export async function appendAudit(events: AuditEventInput[]): Promise<void> {
  const byTenant = new Map<string, AuditEventInput[]>();
  for (const e of events) byTenant.set(e.tenant, [...(byTenant.get(e.tenant) ?? []), e]);
  for (const [tenant, tenantEvents] of byTenant) await commitWithAudit(tenant, () => [], tenantEvents);
}
