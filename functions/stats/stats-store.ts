import { createHash } from 'node:crypto';
import { globalKey, tenantKey } from '../../shared/db/keys';
import type { TenantSession } from '../../shared/db/sessions';
import { ConditionFailedError, TransactionConflictError, type TxWrite } from '../../shared/db/tenant-db';
import { NONE } from '../../shared/contracts/stats';
import { groupBy } from '../../shared/group-by';
import type { PlatformDb } from '../../shared/db/tenant-db';
import type { CellDelta, StatsWork } from './contributions';

/**
 * The statistics' items, in the municipality's own partitions of the journal table (so the tenant
 * session's key check, and in AWS the LeadingKeys condition on `T#<tenant>#STATS#*`, confine them):
 *
 * | item | pk | sk |
 * |---|---|---|
 * | a month's counts of one metric | `STATS#Y#<yyyy>` | `<yyyy-mm>#<metric>`; one attribute `c:<unit>#<category>` per cell |
 * | stream record seen | `STATS#RX#<stream event id>` | `RX` (expires after two days: streams keep 24 h) |
 * | patient served marker | `STATS#SERVED#<yyyy-mm>` | `<unit>#<sha256 of the patient id>` (expires after the month) |
 * | emergency review counted | `STATS#REVIEWED` | `<queue item sk>` (time and event id, no person) |
| versions of a year's counts | `STATS#V` | `<yyyy>`; one attribute `v:<yyyy-mm>` per month, moved (+1) by every transaction that moves that month's counts |
 *
 * and the national sums, in the control table (the platform's, so the operator reads them
 * without any municipality's session): `STATS#N#<yyyy>` / `<yyyy-mm>#<metric>`, attributes
 * `c:-#<category>`, added in the same transaction as the municipality's counts.
 *
 * A month's counts of a metric are one item, not one item per cell, and a year's items share a
 * partition, so a report reads a bounded number of items (12 metrics a month, 24 months at most)
 * in one Query per calendar year it spans (at most three), however many units and categories a
 * municipality has; and a batch of stream records moves each item with one update (ADD of every
 * cell it touched, summed over the batch). The cells hold counts only. The markers exist so that a
 * redelivered stream record counts once; the served marker is a one-way hash of an internal record
 * id, never published, and gone some days after its month ends.
 */

/** The attribute prefix of a count within a month's metric item. */
const COUNT_PREFIX = 'c:';

export const statsKeys = {
  /** A municipality's counts of a calendar year. */
  yearPk: (tenant: string, month: string) => tenantKey(tenant, 'STATS', 'Y', month.slice(0, 4)),
  /** A month's item of one metric. */
  metricSk: (month: string, metric: string) => `${month}#${metric}`,
  /** The attribute holding one cell's count (unit and category never contain `#`). */
  countAttribute: (c: Pick<CellDelta, 'unit' | 'category'>) => `${COUNT_PREFIX}${c.unit}#${c.category}`,
  seenPk: (tenant: string, eventId: string) => tenantKey(tenant, 'STATS', 'RX', eventId.replace(/[^A-Za-z0-9._-]/g, '_')),
  servedPk: (tenant: string, month: string) => tenantKey(tenant, 'STATS', 'SERVED', month),
  reviewedPk: (tenant: string) => tenantKey(tenant, 'STATS', 'REVIEWED'),
  /** The versions of a year's counts (sort key: the year). */
  versionPk: (tenant: string) => tenantKey(tenant, 'STATS', 'V'),
  versionAttribute: (month: string) => `v:${month}`,
  /** National sums in the control table: per month, by metric and category, never by municipality or unit. */
  nationalPk: (month: string) => globalKey('STATS', 'N', month.slice(0, 4)),
};

/** A stored count. */
export type CellItem = {
  metric: string;
  month: string;
  unit: string;
  category: string;
  count: number;
};

const DAY = 86_400;
/** DynamoDB's bound on the items of one transaction. */
const MAX_TX_ITEMS = 100;
/** Cells per transaction, so every update expression stays far below DynamoDB's 4 KB. */
const MAX_TX_CELLS = 200;

/** Something counted at most once: its marker and what it adds. */
interface Part {
  marker: { pk: string; sk: string; expiresAt?: number };
  deltas: CellDelta[];
}

/** Epoch seconds a few days after the month ends (markers of a closed month are no longer needed). */
function afterMonth(month: string): number {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return Math.floor(Date.UTC(y, m, 1) / 1000) + 3 * DAY;
}

function servedDigest(tenant: string, patientId: string): string {
  return createHash('sha256').update(`${tenant}\u0000${patientId}`).digest('base64url');
}

/** The counting parts of a batch's work, each marker once (a record or a patient served twice in a batch counts once). */
async function partsOf(session: TenantSession, works: readonly StatsWork[], now: Date): Promise<Part[]> {
  const tenant = session.tenant;
  // Reviews count only for emergency grants: the queue pointers say which (read side by side).
  const reviews = works.flatMap((w) => (w.review ? [w.review] : []));
  const pointers = await Promise.all(reviews.map((r) => session.db.get<{ action?: string }>('audit', tenantKey(tenant, 'AUDIT', 'QUEUE'), r.queueSk)));
  const grantReviews = new Set(reviews.filter((_, i) => pointers[i]?.action === 'sharing.emergency-access.grant'));
  const parts = new Map<string, Part>();
  const add = (part: Part) => {
    const id = `${part.marker.pk}\u0000${part.marker.sk}`;
    if (!parts.has(id)) parts.set(id, part);
  };
  for (const w of works) {
    if (w.served) {
      const { month, unit, patientId } = w.served;
      add({ marker: { pk: statsKeys.servedPk(tenant, month), sk: `${unit}#${servedDigest(tenant, patientId)}`, expiresAt: afterMonth(month) }, deltas: [{ month, metric: 'patients.served', unit, category: NONE, n: 1 }] });
    }
    if (w.review && grantReviews.has(w.review)) {
      const month = w.review.queueSk.slice(0, 7);
      add({ marker: { pk: statsKeys.reviewedPk(tenant), sk: w.review.queueSk }, deltas: [{ month, metric: 'emergency.reviewed', unit: NONE, category: w.review.conclusion, n: 1 }] });
    }
    if (w.cells.length > 0) add({ marker: { pk: statsKeys.seenPk(tenant, w.eventId), sk: 'RX', expiresAt: Math.floor(now.getTime() / 1000) + 2 * DAY }, deltas: w.cells });
  }
  // Most entries are for a patient already served by that unit this month: read those markers
  // (cheap, strongly consistent) rather than let a transaction fail on them. The transaction's
  // conditions still decide a race with another aggregator.
  const served = [...parts.values()].filter((p) => p.deltas.length === 1 && p.deltas[0]!.metric === 'patients.served');
  const known = new Set<Part>();
  for (let i = 0; i < served.length; i += 100) {
    const batch = served.slice(i, i + 100);
    const found = await session.db.getMany('journal', batch.map((p) => ({ pk: p.marker.pk, sk: p.marker.sk })));
    batch.forEach((p, j) => found[j] && known.add(p));
  }
  return [...parts.values()].filter((p) => !known.has(p));
}

/** One update per month's metric item: every cell the parts touch, summed. */
function countUpdates(table: 'journal' | 'control', pkOf: (month: string) => string, deltas: readonly CellDelta[]): TxWrite[] {
  const items = new Map<string, { pk: string; sk: string; metric: string; month: string; counts: Map<string, number> }>();
  for (const d of deltas) {
    const pk = pkOf(d.month);
    const sk = statsKeys.metricSk(d.month, d.metric);
    const id = `${pk}\u0000${sk}`;
    const item = items.get(id) ?? { pk, sk, metric: d.metric, month: d.month, counts: new Map<string, number>() };
    const attribute = statsKeys.countAttribute(d);
    item.counts.set(attribute, (item.counts.get(attribute) ?? 0) + d.n);
    items.set(id, item);
  }
  return [...items.values()].map((item) => {
    const names: Record<string, string> = { '#metric': 'metric', '#month': 'month' };
    const values: Record<string, unknown> = { ':metric': item.metric, ':month': item.month };
    const adds = [...item.counts].map(([attribute, n], i) => {
      names[`#c${i}`] = attribute;
      values[`:c${i}`] = n;
      return `#c${i} :c${i}`;
    });
    return { kind: 'update', table, key: { pk: item.pk, sk: item.sk }, update: { expression: `SET #metric = :metric, #month = :month ADD ${adds.join(', ')}`, names, values } } satisfies TxWrite;
  });
}

/** +1 on the version of every month the deltas move, in the same transaction as the counts: a reader that sees a month's version unchanged knows its counts are unchanged. */
function versionUpdates(tenant: string, deltas: readonly CellDelta[]): TxWrite[] {
  const years = groupBy([...new Set(deltas.map((d) => d.month))], (m) => m.slice(0, 4));
  return [...years].map(([year, months]) => {
    const names: Record<string, string> = {};
    const adds = months.map((m, i) => {
      names[`#v${i}`] = statsKeys.versionAttribute(m);
      return `#v${i} :one`;
    });
    return { kind: 'update', table: 'journal', key: { pk: statsKeys.versionPk(tenant), sk: year }, update: { expression: `ADD ${adds.join(', ')}`, names, values: { ':one': 1 } } } satisfies TxWrite;
  });
}

/** The municipality's counts and the national sums, with the parts' markers first: one transaction, so the sum is always the sum of the counted. */
function chunkWrites(tenant: string, parts: readonly Part[]): TxWrite[] {
  const deltas = parts.flatMap((p) => p.deltas);
  return [
    ...parts.map((p): TxWrite => ({ kind: 'put', table: 'journal', item: { pk: p.marker.pk, sk: p.marker.sk, ...(p.marker.expiresAt ? { expiresAt: p.marker.expiresAt } : {}) }, condition: { expression: 'attribute_not_exists(pk)' } })),
    ...countUpdates('journal', (month) => statsKeys.yearPk(tenant, month), deltas),
    ...versionUpdates(tenant, deltas),
    ...countUpdates('control', statsKeys.nationalPk, deltas.map((d) => ({ ...d, unit: NONE }))),
  ];
}

/** Splits the parts into transactions within DynamoDB's bounds (items, expression size), in order. */
function chunksOf(parts: readonly Part[]): Part[][] {
  const chunks: Part[][] = [];
  let current: Part[] = [];
  let items = new Set<string>();
  let cells = new Set<string>();
  for (const part of parts) {
    // What the part needs: its marker, its month's metric items (municipal, national) and their cells.
    const needs = [`m\u0000${part.marker.pk}\u0000${part.marker.sk}`, ...part.deltas.flatMap((d) => [`t\u0000${d.month}\u0000${d.metric}`, `n\u0000${d.month}\u0000${d.metric}`, `v\u0000${d.month.slice(0, 4)}`])];
    const touches = part.deltas.flatMap((d) => [`${d.month}\u0000${d.metric}\u0000${d.unit}\u0000${d.category}`, `${d.month}\u0000${d.metric}\u0000${NONE}\u0000${d.category}`]);
    const grows = (set: Set<string>, keys: string[]) => new Set([...keys.filter((k) => !set.has(k))]).size;
    if (current.length > 0 && (items.size + grows(items, needs) > MAX_TX_ITEMS || cells.size + grows(cells, touches) > MAX_TX_CELLS)) {
      chunks.push(current);
      current = [];
      items = new Set();
      cells = new Set();
    }
    current.push(part);
    for (const k of needs) items.add(k);
    for (const k of touches) cells.add(k);
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/**
 * Applies one chunk: its markers and counts in one transaction. A marker already there (a record
 * delivered again, a patient already counted for that unit and month, a review already counted)
 * fails the transaction as a whole and nothing is counted; the parts already counted are then
 * found (one BatchGetItem of the markers) and the rest applied again. Conflicting concurrent counts
 * on a hot item are retried.
 */
async function applyChunk(session: TenantSession, parts: readonly Part[]): Promise<void> {
  let pending = parts;
  for (let attempt = 0; pending.length > 0; attempt++) {
    try {
      await session.db.transact(chunkWrites(session.tenant, pending));
      return;
    } catch (error) {
      if (error instanceof ConditionFailedError && error.index !== undefined && error.index < pending.length) {
        const found = await session.db.getMany('journal', pending.map((p) => ({ pk: p.marker.pk, sk: p.marker.sk })));
        const rest = pending.filter((_, i) => !found[i]);
        if (rest.length === pending.length) throw error;
        pending = rest;
        continue;
      }
      if (error instanceof TransactionConflictError && attempt < 8) {
        await new Promise((r) => setTimeout(r, 5 * 2 ** attempt + Math.random() * 10));
        continue;
      }
      throw error;
    }
  }
}

/**
 * Applies a batch of one municipality's work in its session: each month's metric item moved once
 * per transaction with the batch's sums, up to 100 items a transaction; safe to run again for the
 * same records (each counts once).
 */
export async function applyBatch(session: TenantSession, works: readonly StatsWork[], now: Date = new Date()): Promise<{ transactions: number }> {
  const chunks = chunksOf(await partsOf(session, works, now));
  // In order, one after another: the chunks of a batch share its hottest items (this month's).
  for (const chunk of chunks) await applyChunk(session, chunk);
  return { transactions: chunks.length };
}

/** The cells of a month's metric item. */
function cellsOf(item: Record<string, unknown>): CellItem[] {
  const metric = String(item.metric);
  const month = String(item.month);
  const out: CellItem[] = [];
  for (const [name, value] of Object.entries(item)) {
    if (!name.startsWith(COUNT_PREFIX) || typeof value !== 'number') continue;
    const at = name.indexOf('#', COUNT_PREFIX.length);
    out.push({ metric, month, unit: name.slice(COUNT_PREFIX.length, at), category: name.slice(at + 1), count: value });
  }
  return out;
}

/** Every cell of the given months: the municipality's (its session, through its month cache) or the national sums (the platform's tables). */
export async function readCells(from: { session: TenantSession } | { platform: PlatformDb }, months: readonly string[]): Promise<CellItem[]> {
  if ('session' in from) return (await readMunicipalityCells(from.session, months)).cells;
  return queryMonths(from.platform, 'control', (month) => statsKeys.nationalPk(month), months);
}

/** The cells of the given months in one Query per calendar year (only the months asked for). */
async function queryMonths(db: PlatformDb | TenantSession['db'], table: 'journal' | 'control', pkOf: (month: string) => string, months: readonly string[]): Promise<CellItem[]> {
  const wanted = new Set(months);
  const years = groupBy(months, (m) => m.slice(0, 4));
  const pages = await Promise.all(
    [...years.values()].map(async (inYear) => {
      const first = inYear[0]!;
      const out: CellItem[] = [];
      let cursor: string | undefined;
      do {
        const page = await db.query<Record<string, unknown> & { pk: string; sk: string }>({ table, partition: pkOf(first), sortBetween: [`${first}#`, `${inYear.at(-1)!}#~`], cursor });
        for (const item of page.items) if (wanted.has(String(item.month))) out.push(...cellsOf(item));
        cursor = page.nextCursor;
      } while (cursor);
      return out;
    }),
  );
  return pages.flat();
}

/**
 * Decoded cells of a municipality's months, kept in the container by (municipality, month) with
 * the month's version: a month whose version has not moved is not read again. Counts only; the
 * bound keeps memory small whatever the number of municipalities a container serves.
 */
const monthCache = new Map<string, { version: number; cells: CellItem[] }>();
const MONTH_CACHE_ENTRIES = 2_000;

function remember(key: string, value: { version: number; cells: CellItem[] }): void {
  monthCache.delete(key);
  monthCache.set(key, value);
  if (monthCache.size > MONTH_CACHE_ENTRIES) monthCache.delete(monthCache.keys().next().value!);
}

/**
 * A municipality's cells of the given months, exact: first the versions of the months (one
 * strongly consistent read of one small item per calendar year), then a Query only for months
 * whose version moved since they were cached (or that were never read). A version and its counts
 * move in the same transaction, so a month whose version is unchanged has unchanged counts; counts
 * read after their version are at least as new as it, and a later change moves the version again.
 * `version` names the state of every month read (undefined when a month has counts but no version,
 * as items counted before versions existed: those are read every time and never cached).
 */
export async function readMunicipalityCells(session: TenantSession, months: readonly string[]): Promise<{ cells: CellItem[]; version?: string }> {
  const tenant = session.tenant;
  const years = [...new Set(months.map((m) => m.slice(0, 4)))];
  const keys = years.map((year) => ({ pk: statsKeys.versionPk(tenant), sk: year }));
  const found = keys.length === 1 ? [await session.db.get<Record<string, unknown>>('journal', keys[0]!.pk, keys[0]!.sk)] : await session.db.getMany<Record<string, unknown>>('journal', keys);
  const versionOf = new Map<string, number>();
  for (const item of found) for (const [name, value] of Object.entries(item ?? {})) if (name.startsWith('v:') && typeof value === 'number') versionOf.set(name.slice(2), value);
  const byMonth = new Map<string, CellItem[]>();
  for (const m of months) {
    const cached = monthCache.get(`${tenant}\u0000${m}`);
    if (cached && cached.version === (versionOf.get(m) ?? 0)) byMonth.set(m, cached.cells);
  }
  const stale = months.filter((m) => !byMonth.has(m));
  let cacheable = true;
  if (stale.length > 0) {
    const fresh = groupBy(await queryMonths(session.db, 'journal', (m) => statsKeys.yearPk(tenant, m), stale), (c) => c.month);
    for (const m of stale) {
      const cells = fresh.get(m) ?? [];
      byMonth.set(m, cells);
      const version = versionOf.get(m);
      // No version: either nothing counted yet (cached as empty under version 0, which the first
      // count moves) or counts from before versions existed (read every time, never cached).
      if (version === undefined && cells.length > 0) cacheable = false;
      else remember(`${tenant}\u0000${m}`, { version: version ?? 0, cells });
    }
  }
  const cells = months.flatMap((m) => byMonth.get(m)!);
  return cacheable ? { cells, version: months.map((m) => versionOf.get(m) ?? 0).join('.') } : { cells };
}
