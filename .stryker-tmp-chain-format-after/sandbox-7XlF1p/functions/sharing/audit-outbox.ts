// @ts-nocheck
import { randomUUID } from 'node:crypto';
import { globalKey } from '../../shared/db/keys';
import { jobSession, platformDb, type TenantSession } from '../../shared/db/sessions';
import { ConditionFailedError, type TxWrite } from '../../shared/db/tenant-db';
import { logger } from '../../shared/observability';
import { commitWithAudit } from '../core/audit-chain';
import type { AuditEventInput } from '../core/audit-event';

/**
 * Audit events a citizen's change owes to the other municipalities where they are a patient.
 *
 * A change (a block, its lifting, a consent) is committed in one transaction with the events of
 * ONE municipality; a tenant-scoped session reaches at most one other municipality's log (as its
 * audit peer), and a citizen may be a patient in many, so the others cannot join that
 * transaction. Instead the transaction also writes an outbox item that
 * names each municipality still owed its events. Each municipality then gets its events in a
 * transaction of its own that also strikes it off the outbox item, so an event is appended exactly
 * once: a crash, a failed append or two concurrent deliverers can delay it, never lose or double
 * it. Delivery is tried at once, again whenever the citizen's blocks or consents are read or the
 * request is retried with its Idempotency-Key, and by `deliverAllPendingAudit` (a sweep over every
 * pending item, for a scheduled job).
 *
 * | item | pk | sk | gsi1 (only while something is pending) |
 * |---|---|---|---|
 * | outbox item | `CIT#<nationalIdKey>#OUTBOX` | `<createdAt>#<outboxId>` | `AUDIT-OUTBOX` / `<createdAt>#<outboxId>` |
 *
 * The partition is the citizen's own (`CIT#...`, so the tenant-scoped role may write it inside the
 * municipality's transaction) but apart from the blocks and consents every decision reads.
 */

const table = 'sharing' as const;
const regionDb = platformDb;
const PENDING_INDEX_PK = 'AUDIT-OUTBOX';

/** What an outbox keeps of an event: never the free-text reason (the audit log alone stores that, encrypted). */
export type OutboxEvent = Omit<AuditEventInput, 'reason'>;

export type OutboxItem = {
  pk: string;
  sk: string;
  itemType: 'audit-outbox';
  outboxId: string;
  createdAt: string;
  /** Municipality -> the events it is still owed; a municipality is removed once its events are stored. */
  pending: Record<string, OutboxEvent[]>;
  lastDeliveredAt?: string;
  deliveredAt?: string;
  gsi1pk?: string;
  gsi1sk?: string;
};

export const outboxKeys = {
  pk: (nidKey: string) => globalKey('CIT', nidKey, 'OUTBOX'),
  sk: (createdAt: string, outboxId: string) => `${createdAt}#${outboxId}`,
} as const;

/**
 * The outbox write for the change's transaction, or undefined when nothing is owed. Each event
 * notes when it happened, since it may reach its log later than that.
 */
export function outboxWrite(nidKey: string, events: AuditEventInput[], now: Date): TxWrite | undefined {
  if (events.length === 0) return undefined;
  const createdAt = now.toISOString();
  const outboxId = randomUUID();
  const pending: Record<string, OutboxEvent[]> = {};
  for (const event of events) {
    if (event.reason !== undefined) throw new Error('An outbox event may not carry a free-text reason');
    pending[event.tenant] = [...(pending[event.tenant] ?? []), { ...event, details: { ...event.details, occurredAt: createdAt } }];
  }
  const item: OutboxItem = {
    pk: outboxKeys.pk(nidKey),
    sk: outboxKeys.sk(createdAt, outboxId),
    itemType: 'audit-outbox',
    outboxId,
    createdAt,
    pending,
    gsi1pk: PENDING_INDEX_PK,
    gsi1sk: outboxKeys.sk(createdAt, outboxId),
  };
  return { kind: 'put', table, item, condition: { expression: 'attribute_not_exists(pk)' } };
}

/** Strikes one municipality off an item; fails its condition if it was already struck off. */
function deliveredWrite(item: Pick<OutboxItem, 'pk' | 'sk'>, tenant: string, now: Date): TxWrite {
  const names = { '#pending': 'pending', '#t': tenant };
  return {
    kind: 'update',
    table,
    key: { pk: item.pk, sk: item.sk },
    update: { expression: 'SET lastDeliveredAt = :now REMOVE #pending.#t', names, values: { ':now': now.toISOString() } },
    condition: { expression: 'attribute_exists(#pending.#t)', names },
  };
}

/**
 * The session a delivery appends to a municipality's log with: the citizen's own session there
 * (a citizen's request), the request's own municipality, or a job's session (the scheduled sweep);
 * undefined leaves that municipality's events for a deliverer that has one.
 */
export type DeliverySessions = (tenant: string) => Promise<TenantSession | undefined>;

/** The scheduled sweep's sessions: the one job-session factory, under the outbox job's own role. */
export const outboxJobSessions: DeliverySessions = (tenant) => Promise.resolve(jobSession('audit-outbox', tenant));

/** Appends one municipality's events together with striking it off; true when they are stored (by us or by someone before us). */
export async function deliverTo(item: OutboxItem, tenant: string, sessions: DeliverySessions, now = new Date()): Promise<boolean> {
  const events = item.pending[tenant];
  if (!events) return true;
  try {
    const session = await sessions(tenant);
    if (!session) return false;
    await commitWithAudit(session.db, () => [deliveredWrite(item, tenant, now)], events);
    return true;
  } catch (error) {
    // Struck off meanwhile: another deliverer stored these events in the same transaction.
    if (error instanceof ConditionFailedError && error.index === 0) return true;
    logger.warn('Audit outbox: delivery failed; it stays pending and is retried', { outboxId: item.outboxId, tenant, error: error instanceof Error ? error.message : String(error) });
    return false;
  }
}

/** Once nothing is owed, the item leaves the pending index (it is kept: nothing here is ever deleted). */
async function markDelivered(item: OutboxItem, now: Date): Promise<void> {
  try {
    await regionDb().update(
      table,
      { pk: item.pk, sk: item.sk },
      { expression: 'REMOVE gsi1pk, gsi1sk SET deliveredAt = :now', values: { ':now': now.toISOString() } },
      { expression: 'size(#pending) = :zero', names: { '#pending': 'pending' }, values: { ':zero': 0 } },
    );
  } catch (error) {
    if (!(error instanceof ConditionFailedError)) throw error;
  }
}

/** Delivers what one item still owes; true when nothing is left. */
async function deliverItem(item: OutboxItem, sessions: DeliverySessions, now: Date): Promise<boolean> {
  const results = await Promise.all(Object.keys(item.pending).map((tenant) => deliverTo(item, tenant, sessions, now)));
  const done = results.every(Boolean);
  if (done) await markDelivered(item, now);
  return done;
}

/** The citizen's outbox items that still owe something. */
export async function pendingOutboxItems(nidKey: string): Promise<OutboxItem[]> {
  const out: OutboxItem[] = [];
  let cursor: string | undefined;
  do {
    const page = await regionDb().query<OutboxItem>({ table, partition: outboxKeys.pk(nidKey), consistent: true, filter: { expression: 'attribute_exists(gsi1pk)' }, limit: 100, cursor });
    out.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

/**
 * Delivers whatever the citizen's earlier changes still owe other municipalities. Never throws:
 * it runs beside the citizen's own request, and what fails stays pending for the next try.
 * Returns how many items still owe something.
 */
export async function deliverPendingAudit(nidKey: string, sessions: DeliverySessions, now = new Date()): Promise<number> {
  try {
    const items = await pendingOutboxItems(nidKey);
    const done = await Promise.all(items.map((item) => deliverItem(item, sessions, now)));
    return done.filter((d) => !d).length;
  } catch (error) {
    logger.warn('Audit outbox: could not read pending items', { error: error instanceof Error ? error.message : String(error) });
    return -1;
  }
}

/** Delivers every pending item in the region, oldest first (for a scheduled job); returns how many still owe something. */
export async function deliverAllPendingAudit(now = new Date(), maxItems = 500): Promise<number> {
  let left = 0;
  let seen = 0;
  let cursor: string | undefined;
  do {
    const page = await regionDb().query<OutboxItem>({ table, index: 'gsi1', partition: PENDING_INDEX_PK, limit: 100, cursor });
    for (const ref of page.items) {
      // The index may lag; read the item itself before delivering.
      const item = await regionDb().get<OutboxItem>(table, ref.pk, ref.sk);
      if (item?.gsi1pk && !(await deliverItem(item, outboxJobSessions, now))) left += 1;
    }
    seen += page.items.length;
    cursor = page.nextCursor;
  } while (cursor && seen < maxItems);
  return left;
}
