import { createHash, randomUUID } from 'node:crypto';
import { envelopeCrypto } from '../../shared/crypto';
import { tenantKey } from '../../shared/db/keys';
import { ConditionFailedError, TenantDb, TransactionConflictError, type Item, type TxWrite } from '../../shared/db/tenant-db';
import type { AuditEventInput } from './audit-event';

/** The stream (hash chain) an event belongs to: one per patient, one per tenant for the rest. */
export function streamOf(tenant: string, patientId: string | undefined): string {
  return patientId ? tenantKey(tenant, 'AUDIT', 'P', patientId) : tenantKey(tenant, 'AUDIT', 'TENANT');
}

export const HEAD_SK = 'HEAD';
export const GENESIS_HASH = '0'.repeat(64);

export function eventSk(seq: number): string {
  return `E#${String(seq).padStart(12, '0')}`;
}

/** The fields of a stored event that its hash covers (everything but index keys and the hash). */
export const HASHED_FIELDS = [
  'stream', 'seq', 'prevHash', 'eventId', 'time', 'tenant', 'action', 'outcome', 'actor', 'requestId',
  'patientId', 'citizenKey', 'recordId', 'purposeOfUse', 'reasonCode', 'reasonSealed', 'flagged',
  'flagReason', 'fromTenant', 'rule', 'details',
] as const;

function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value instanceof Uint8Array) return JSON.stringify(Buffer.from(value).toString('base64'));
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : 1));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
}

/** SHA-256 over the canonical form of the hashed fields; the previous hash is one of them. */
export function eventHash(item: Item): string {
  const covered: Record<string, unknown> = {};
  for (const f of HASHED_FIELDS) if (item[f] !== undefined) covered[f] = item[f];
  return createHash('sha256').update(canonical(covered)).digest('hex');
}

interface Head {
  seq: number;
  hash: string;
}

async function readHead(db: TenantDb, stream: string): Promise<Head> {
  const head = await db.get<{ seq: number; hash: string } & Item>('audit', stream, HEAD_SK);
  return head ? { seq: head.seq, hash: head.hash } : { seq: 0, hash: GENESIS_HASH };
}

/**
 * The audit writes for a set of events: each event appended to its stream's chain (conditional on
 * the next sequence number being free), and each stream's head moved on conditionally on the head
 * the chain was built from. Concurrent appenders therefore cannot both succeed from the same head.
 */
export async function prepareAuditWrites(db: TenantDb, events: AuditEventInput[], now = new Date()): Promise<TxWrite[]> {
  const byStream = new Map<string, AuditEventInput[]>();
  for (const e of events) {
    if (e.tenant !== db.tenant) throw new Error('audit event for another tenant in this transaction');
    const stream = streamOf(e.tenant, e.patientId);
    byStream.set(stream, [...(byStream.get(stream) ?? []), e]);
  }
  const writes: TxWrite[] = [];
  for (const [stream, streamEvents] of byStream) {
    const head = await readHead(db, stream);
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
          item: { pk: tenantKey(e.tenant, 'AUDIT', 'QUEUE'), sk: `${time}#${eventId}`, eventStream: stream, eventSk: eventSk(seq), eventId, time, action: e.action, flagReason: e.flagReason },
          condition: { expression: 'attribute_not_exists(pk)' },
        });
      }
    }
    writes.push({
      kind: 'put',
      table: 'audit',
      item: { pk: stream, sk: HEAD_SK, seq, hash, updatedAt: now.toISOString() },
      condition: head.seq === 0 ? { expression: 'attribute_not_exists(pk)' } : { expression: 'seq = :seq', values: { ':seq': head.seq } },
    });
  }
  return writes;
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
    const audit = await prepareAuditWrites(db, events);
    try {
      await db.transact([...writes, ...audit]);
      return;
    } catch (error) {
      const auditRace = (error instanceof ConditionFailedError && error.index !== undefined && error.index >= writes.length) || error instanceof TransactionConflictError;
      if (error instanceof ConditionFailedError && !auditRace) throw error;
      if (!auditRace || attempt + 1 >= MAX_ATTEMPTS) throw error;
      await backoff(attempt);
    }
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
