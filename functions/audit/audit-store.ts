import type { TenantSession } from '../../shared/db/sessions';
import { tenantKey } from '../../shared/db/keys';
import type { Item, Page, TxWrite } from '../../shared/db/tenant-db';
import { dayIndexPartition, EVENT_PREFIX, eventSk, HEAD_SK, shardStreams } from '../core/chain-format';
import type { HeadFact } from '../core/chain-verify';

/**
 * DynamoDB access for the audit views, verify and the review queue. Every read goes through
 * TenantDb, so a key outside the caller's tenant is refused before it reaches DynamoDB.
 */

export interface ListOptions {
  limit: number;
  cursor?: string;
}

/** A stored event, as audit-chain.ts writes it. */
export type StoredEvent = Item & {
  pk: string;
  sk: string;
  seq: number;
  eventId: string;
  time: string;
  tenant: string;
  action: string;
  outcome: string;
  actor: Record<string, unknown>;
  requestId: string;
};

const queuePartition = (tenant: string) => tenantKey(tenant, 'AUDIT', 'QUEUE');
const reviewPartition = (tenant: string) => tenantKey(tenant, 'AUDIT', 'REVIEWS');

/** A patient's (or the tenant's) stream, newest first. */
export function streamEvents(session: TenantSession, stream: string, options: ListOptions): Promise<Page<StoredEvent>> {
  return session.db.query<StoredEvent>({ table: 'audit', partition: stream, sortBeginsWith: EVENT_PREFIX, newestFirst: true, consistent: true, ...options });
}

/** One shard's events with a sequence number below `below` (all when undefined), newest first. */
export async function shardEventsBelow(session: TenantSession, stream: string, below: number | undefined, limit: number): Promise<{ items: StoredEvent[]; more: boolean }> {
  const page = await session.db.query<StoredEvent>({
    table: 'audit',
    partition: stream,
    sortBetween: [eventSk(1), below === undefined ? `${EVENT_PREFIX}~` : eventSk(below - 1)],
    newestFirst: true,
    consistent: true,
    limit,
  });
  return { items: page.items, more: page.nextCursor !== undefined };
}

/**
 * The shards of a log that hold events, by their heads (one BatchGetItem): a shard is opened in
 * the same transaction as its first event and head. Shard 0 is always listed, so a log written
 * before sharding reads as before.
 */
export async function openShards(session: TenantSession, base: string): Promise<number[]> {
  const streams = shardStreams(base);
  const heads = await session.db.getMany('audit', streams.map((pk) => ({ pk, sk: HEAD_SK })));
  return streams.map((_, k) => k).filter((k) => k === 0 || heads[k] !== undefined);
}

/** One user's events (gsi1), newest first, optionally within [from, to). */
export function userEvents(session: TenantSession, sub: string, range: { from?: string; to?: string }, options: ListOptions): Promise<Page<StoredEvent>> {
  return session.db.query<StoredEvent>({
    table: 'audit',
    index: 'gsi1',
    partition: tenantKey(session.tenant, 'AUDIT', 'USER', sub),
    ...(range.from || range.to ? { sortBetween: [range.from ?? '0', range.to ?? '~'] as [string, string] } : {}),
    newestFirst: true,
    ...options,
  });
}

/**
 * The partitions one day of the tenant's log is indexed under (gsi2): every shard, and the
 * unsharded key of days written before sharding (chain-format.ts dayIndexPartition). Named by a
 * slot: the shard number, or `L` for the unsharded key.
 */
export function daySlots(shards: number): string[] {
  return ['L', ...Array.from({ length: shards }, (_, k) => String(k))];
}

/**
 * One day-index partition's events of the tenant, newest first, with index keys in [from, below)
 * (below: range.to when undefined). BETWEEN is inclusive, so one extra item is read and the item
 * equal to `below` (already shown) is dropped.
 */
export async function daySlotEvents(
  session: TenantSession,
  day: string,
  slot: string,
  range: { from: string; to: string },
  below: string | undefined,
  limit: number,
): Promise<{ items: StoredEvent[]; more: boolean }> {
  const page = await session.db.query<StoredEvent>({
    table: 'audit',
    index: 'gsi2',
    partition: dayIndexPartition(session.tenant, day, slot === 'L' ? 'legacy' : Number(slot)),
    sortBetween: [range.from, below ?? range.to],
    newestFirst: true,
    limit: limit + 1,
  });
  const items = page.items.filter((i) => i.gsi2sk !== below);
  return { items: items.slice(0, limit), more: items.length > limit || page.nextCursor !== undefined };
}

/** Events about one citizen in one tenant (gsi3), newest first, strictly older than `before` when given. */
export async function citizenEvents(
  session: TenantSession,
  citizenKey: string,
  before: string | undefined,
  limit: number,
  /** Sort-key bounds (`<ISO time>#<event id>`): `from` inclusive, `to` a key after every wanted one. */
  range: { from?: string; to?: string } = {},
): Promise<{ items: StoredEvent[]; more: boolean }> {
  const hi = before ?? range.to;
  const page = await session.db.query<StoredEvent>({
    table: 'audit',
    index: 'gsi3',
    partition: tenantKey(session.tenant, 'AUDIT', 'CITIZEN', citizenKey),
    // BETWEEN is inclusive; the one item equal to `before` (already shown) is dropped below.
    ...(hi || range.from ? { sortBetween: [range.from ?? '0', hi ?? '9'] as [string, string] } : {}),
    newestFirst: true,
    limit: limit + 1,
  });
  const items = page.items.filter((i) => i.gsi3sk !== before);
  return { items: items.slice(0, limit), more: items.length > limit || page.nextCursor !== undefined };
}

/** The stream's head item, as writers last left it. */
export async function readHead(session: TenantSession, stream: string): Promise<HeadFact | undefined> {
  const head = await session.db.get('audit', stream, HEAD_SK);
  return head && typeof head.seq === 'number' && typeof head.hash === 'string' ? { seq: head.seq, hash: head.hash } : undefined;
}

/** Whether a stream's partition holds any item at all (event, head or checkpoint). */
export async function holdsItems(session: TenantSession, stream: string): Promise<boolean> {
  return (await session.db.query({ table: 'audit', partition: stream, limit: 1, consistent: true })).items.length > 0;
}

/** One stored event by its sequence number. */
export function readEvent(session: TenantSession, stream: string, seq: number): Promise<StoredEvent | undefined> {
  return session.db.get<StoredEvent>('audit', stream, eventSk(seq));
}

/** One stored event by its sort key (as a queue item names it). */
export function readEventBySk(session: TenantSession, stream: string, sk: string): Promise<StoredEvent | undefined> {
  return session.db.get<StoredEvent>('audit', stream, sk);
}

export interface QueuePointer extends Item {
  pk: string;
  sk: string;
  eventStream: string;
  eventSk: string;
  eventId: string;
  time: string;
  action: string;
  flagReason?: string;
  patientId?: string;
}

/** A review of a queue item: who, when, what they concluded and their (sealed) note. */
export type ReviewRecord = {
  reviewId: string;
  queueSk: string;
  eventId: string;
  time: string;
  reviewer: { sub: string; name?: string };
  conclusion: string;
  noteSealed: Uint8Array;
};

export type StoredReview = ReviewRecord & { pk: string; sk: string };

/** Flagged events waiting for (or having had) review, newest first. */
export function queuePage(session: TenantSession, options: ListOptions): Promise<Page<QueuePointer>> {
  return session.db.query<QueuePointer>({ table: 'audit', partition: queuePartition(session.tenant), newestFirst: true, consistent: true, ...options });
}

export function queueItem(session: TenantSession, queueSk: string): Promise<QueuePointer | undefined> {
  return session.db.get<QueuePointer>('audit', queuePartition(session.tenant), queueSk);
}

/**
 * Reviews of queue items whose keys lie in [lowSk, highSk]. A review's key is its queue item's key
 * followed by `#R#...`, so one range query fetches the reviews of a whole page of queue items.
 */
export async function reviewsBetween(session: TenantSession, lowSk: string, highSk: string): Promise<StoredReview[]> {
  const db = session.db;
  const out: StoredReview[] = [];
  let cursor: string | undefined;
  do {
    const page = await db.query<StoredReview>({ table: 'audit', partition: reviewPartition(session.tenant), sortBetween: [lowSk, `${highSk}~`], consistent: true, limit: 500, cursor });
    out.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

/** The put for a new review: a new item, never an update of the queue item it reviews. */
export function reviewWrite(tenant: string, review: ReviewRecord): TxWrite {
  return {
    kind: 'put',
    table: 'audit',
    item: { pk: reviewPartition(tenant), sk: `${review.queueSk}#R#${review.time}#${review.reviewId}`, ...review },
    condition: { expression: 'attribute_not_exists(pk)' },
  };
}

/** A page of the tenant's stream registry in sequence order (entries `fromSeq..`). */
export async function registryPage(session: TenantSession, stream: string, fromSeq: number, toSeq: number, limit: number): Promise<StoredEvent[]> {
  const page = await session.db.query<StoredEvent>({ table: 'audit', partition: stream, sortBetween: [eventSk(fromSeq), eventSk(toSeq)], consistent: true, limit });
  return page.items;
}

