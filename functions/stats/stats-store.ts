import { createHash } from 'node:crypto';
import { globalKey, tenantKey } from '../../shared/db/keys';
import type { TenantSession } from '../../shared/db/sessions';
import { ConditionFailedError, TransactionConflictError, type TxWrite } from '../../shared/db/tenant-db';
import { NONE } from '../../shared/contracts/stats';
import type { PlatformDb } from '../../shared/db/tenant-db';
import type { CellDelta, StatsWork } from './contributions';

/**
 * The statistics' items, in the municipality's own partitions of the journal table (so the tenant
 * session's key check, and in AWS the LeadingKeys condition on `T#<tenant>#STATS#*`, confine them):
 *
 * | item | pk | sk |
 * |---|---|---|
 * | cell (a count) | `STATS#M#<yyyy-mm>` | `<metric>#<unit>#<category>` |
 * | stream record seen | `STATS#RX#<stream event id>` | `RX` (expires after two days: streams keep 24 h) |
 * | patient served marker | `STATS#SERVED#<yyyy-mm>` | `<unit>#<sha256 of the patient id>` (expires after the month) |
 * | emergency review counted | `STATS#REVIEWED` | `<queue item sk>` (time and event id, no person) |
 *
 * and the national sums, in the control table (the platform's, so the operator reads them
 * without any municipality's session): `STATS#N#<yyyy-mm>` / `<metric>#-#<category>`, added in the
 * same transaction as the municipality's cell.
 *
 * Cells hold counts only. The markers exist so that a redelivered stream record counts once; the
 * served marker is a one-way hash of an internal record id, never published, and gone some days
 * after its month ends.
 */

export const statsKeys = {
  monthPk: (tenant: string, month: string) => tenantKey(tenant, 'STATS', 'M', month),
  cellSk: (c: Pick<CellDelta, 'metric' | 'unit' | 'category'>) => `${c.metric}#${c.unit}#${c.category}`,
  seenPk: (tenant: string, eventId: string) => tenantKey(tenant, 'STATS', 'RX', eventId.replace(/[^A-Za-z0-9._-]/g, '_')),
  servedPk: (tenant: string, month: string) => tenantKey(tenant, 'STATS', 'SERVED', month),
  reviewedPk: (tenant: string) => tenantKey(tenant, 'STATS', 'REVIEWED'),
  /** National sums in the control table: per month, by metric and category, never by municipality or unit. */
  nationalPk: (month: string) => globalKey('STATS', 'N', month),
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

function countUpdate(table: 'journal' | 'control', key: { pk: string; sk: string }, c: CellDelta): TxWrite {
  return {
    kind: 'update',
    table,
    key,
    update: {
      expression: 'SET #metric = :metric, #month = :month, #unit = :unit, #category = :category ADD #count :n',
      names: { '#metric': 'metric', '#month': 'month', '#unit': 'unit', '#category': 'category', '#count': 'count' },
      values: { ':metric': c.metric, ':month': c.month, ':unit': c.unit, ':category': c.category, ':n': c.n },
    },
  };
}

/** The municipality's cell and the national sum, one transaction: the sum is always the sum of the counted. */
function cellUpdates(tenant: string, c: CellDelta): TxWrite[] {
  const national = { ...c, unit: NONE };
  return [
    countUpdate('journal', { pk: statsKeys.monthPk(tenant, c.month), sk: statsKeys.cellSk(c) }, c),
    countUpdate('control', { pk: statsKeys.nationalPk(c.month), sk: statsKeys.cellSk(national) }, national),
  ];
}

function newMarker(pk: string, sk: string, expiresAt?: number): TxWrite {
  return { kind: 'put', table: 'journal', item: { pk, sk, ...(expiresAt ? { expiresAt } : {}) }, condition: { expression: 'attribute_not_exists(pk)' } };
}

/** Epoch seconds a few days after the month ends (markers of a closed month are no longer needed). */
function afterMonth(month: string): number {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return Math.floor(Date.UTC(y, m, 1) / 1000) + 3 * DAY;
}

/**
 * Runs a transaction whose first write is a marker: false when the marker was there (already
 * counted), true when it applied. Conflicting concurrent counts on a hot cell are retried.
 */
async function once(session: TenantSession, writes: TxWrite[]): Promise<boolean> {
  for (let attempt = 0; ; attempt++) {
    try {
      await session.db.transact(writes);
      return true;
    } catch (error) {
      if (error instanceof ConditionFailedError && error.index === 0) return false;
      if (error instanceof TransactionConflictError && attempt < 8) {
        await new Promise((r) => setTimeout(r, 5 * 2 ** attempt + Math.random() * 10));
        continue;
      }
      throw error;
    }
  }
}

/** Applies one change's work in its municipality's session; safe to run again for the same record. */
export async function applyWork(session: TenantSession, work: StatsWork, now: Date = new Date()): Promise<void> {
  const tenant = session.tenant;
  if (work.served) {
    const { month, unit, patientId } = work.served;
    const digest = createHash('sha256').update(`${tenant}\u0000${patientId}`).digest('base64url');
    // Marker and count together: a patient already counted for this unit and month adds nothing.
    await once(session, [newMarker(statsKeys.servedPk(tenant, month), `${unit}#${digest}`, afterMonth(month)), ...cellUpdates(tenant, { month, metric: 'patients.served', unit, category: NONE, n: 1 })]);
  }
  if (work.review) {
    const pointer = await session.db.get<{ action?: string }>('audit', tenantKey(tenant, 'AUDIT', 'QUEUE'), work.review.queueSk);
    if (pointer?.action === 'sharing.emergency-access.grant') {
      const month = work.review.queueSk.slice(0, 7);
      await once(session, [newMarker(statsKeys.reviewedPk(tenant), work.review.queueSk), ...cellUpdates(tenant, { month, metric: 'emergency.reviewed', unit: NONE, category: work.review.conclusion, n: 1 })]);
    }
  }
  if (work.cells.length > 0) {
    await once(session, [newMarker(statsKeys.seenPk(tenant, work.eventId), 'RX', Math.floor(now.getTime() / 1000) + 2 * DAY), ...work.cells.flatMap((c) => cellUpdates(tenant, c))]);
  }
}

/** Every cell of the given months: the municipality's (its session) or the national sums (the platform's tables). */
export async function readCells(from: { session: TenantSession } | { platform: PlatformDb }, months: readonly string[]): Promise<CellItem[]> {
  const db = 'session' in from ? from.session.db : from.platform;
  const table = 'session' in from ? 'journal' : 'control';
  const pages = await Promise.all(
    months.map(async (month) => {
      const out: CellItem[] = [];
      let cursor: string | undefined;
      do {
        const partition = 'session' in from ? statsKeys.monthPk(from.session.tenant, month) : statsKeys.nationalPk(month);
        const page = await db.query<CellItem & { pk: string; sk: string }>({ table, partition, cursor });
        out.push(...page.items.map(({ metric, month: m, unit, category, count }) => ({ metric, month: m, unit, category, count })));
        cursor = page.nextCursor;
      } while (cursor);
      return out;
    }),
  );
  return pages.flat();
}
