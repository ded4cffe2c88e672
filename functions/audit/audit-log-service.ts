import type { TenantSession } from '../../shared/db/sessions';
import { hasRole } from '../../shared/auth/caller';
import type { AuditEventView } from '../../shared/contracts/audit';
import { badCursor, openCursor, openKeyCursor, sealCursor, sealPage, type CursorScope } from '../../shared/crypto/cursor-codec';
import { NotFoundError, ValidationError } from '../../shared/errors';
import { assertTenantAuditReader, auditEventFor, recordAuditAct, deny, isTenantAuditReader, type AuditRequest } from './audit-access';
import { daySlotEvents, daySlots, openShards, shardEventsBelow, userEvents, type StoredEvent } from './audit-store';
import { freshPositions, mergeDaySlots, parseSlotPositions, readDepth, type SlotPositions } from './day-merge';
import { config } from '../../shared/config';
import { shardStream, STREAM_SHARDS, streamOf } from '../core/chain-format';
import { mergePage, parsePositions, positionsValue, type ShardPositions } from './merged-history';
import { toEventView } from './event-view';
import { withPatients } from './patient-identity';

/** The auditor's views of the tenant's log: by time range, by patient, by user. */

export interface EventPage {
  items: AuditEventView[];
  nextCursor?: string;
}

const DAY_MS = 86_400_000;
const MAX_RANGE_DAYS = 31;
/**
 * Rounds of reading one page may take before it is returned short, with a cursor to go on. A round
 * reads a day's index partitions side by side (one step of latency, up to 1 + shards queries).
 */
const MAX_ROUNDS_PER_PAGE = 40;

/** Where a tenant-log page goes on: the day, and each of its index partitions' positions (day-merge.ts). */
interface DayCursor {
  d: string;
  p: SlotPositions;
}

function scopeOf(req: AuditRequest, list: string, of?: string): CursorScope {
  return { list: `audit.${list}`, tenant: req.tenant, sub: req.caller.sub, ...(of ? { of } : {}) };
}

async function openDayCursor(scope: CursorScope, raw: string, fromDay: string, lastDay: string, slots: readonly string[]): Promise<DayCursor> {
  const c = (await openCursor(scope, raw)) as Partial<DayCursor> | null;
  // The range is the request's own: a cursor of an earlier page outside it is refused.
  if (typeof c !== 'object' || c === null || typeof c.d !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(c.d) || c.d < fromDay || c.d > lastDay) throw badCursor();
  const p = parseSlotPositions(c.p, c.d, slots);
  if (!p) throw badCursor();
  return { d: c.d, p };
}

function previousDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00.000Z`) - DAY_MS).toISOString().slice(0, 10);
}

/** The range as stored times (UTC ISO with milliseconds): [from, to). */
export function timeRange(fromIn: string | undefined, toIn: string | undefined, now = new Date()): { from: string; to: string } {
  const to = toIn ? new Date(toIn) : now;
  const from = fromIn ? new Date(fromIn) : new Date(to.getTime() - DAY_MS);
  if (from.getTime() >= to.getTime()) throw new ValidationError('`from` må være før `to`.', [{ field: 'query.from', message: 'Må være før to' }]);
  if (to.getTime() - from.getTime() > MAX_RANGE_DAYS * DAY_MS) {
    throw new ValidationError(`Tidsrommet kan være høyst ${MAX_RANGE_DAYS} dager.`, [{ field: 'query.to', message: `Høyst ${MAX_RANGE_DAYS} dager etter from` }]);
  }
  return { from: from.toISOString(), to: to.toISOString() };
}

async function views(items: StoredEvent[], withReason: boolean, session: TenantSession): Promise<AuditEventView[]> {
  return Promise.all(items.map((i) => toEventView(i, withReason ? { withReason, keys: session.keys } : { withReason })));
}

/** The auditor's views of events, with their patients named for the auditor role. */
async function auditorViews(req: AuditRequest, items: StoredEvent[]): Promise<AuditEventView[]> {
  return withPatients(req.caller, req.session, await views(items, true, req.session));
}

/**
 * The tenant's events in [from, to), newest first, across the days of gsi2 and each day's index
 * partitions (merged by day-merge.ts). The cursor names the day and each partition's position in
 * it, so pages run on across midnight and across shards.
 */
export async function listTenantEvents(
  req: AuditRequest,
  query: { from?: string; to?: string; action?: string; outcome?: string; limit: number; cursor?: string },
): Promise<EventPage> {
  await assertTenantAuditReader(req, 'tenant');
  const range = timeRange(query.from, query.to);
  const fromDay = range.from.slice(0, 10);
  // `to` is exclusive: the last day holding events is the day of the instant just before it.
  const lastDay = new Date(Date.parse(range.to) - 1).toISOString().slice(0, 10);
  const scope = scopeOf(req, 'tenant-events');
  const slots = daySlots(config().auditDayShards);
  const start = query.cursor ? await openDayCursor(scope, query.cursor, fromDay, lastDay, slots) : { d: lastDay, p: freshPositions(slots) };
  // Filtered here, not by a FilterExpression: DynamoDB bills the items a filter drops all the same,
  // and the merge needs every partition's position to move past what it read.
  const wanted = (e: StoredEvent) => (!query.action || e.action === query.action) && (!query.outcome || e.outcome === query.outcome);
  const items: StoredEvent[] = [];
  let day = start.d;
  let positions = start.p;
  let next: DayCursor | undefined;
  for (let rounds = 0; day >= fromDay; rounds++) {
    if (items.length >= query.limit || rounds >= MAX_ROUNDS_PER_PAGE) {
      next = { d: day, p: positions };
      break;
    }
    const need = query.limit - items.length;
    const at = positions;
    const depth = readDepth(need, Object.keys(at).length);
    const slices = await Promise.all(
      Object.keys(at).map(async (slot) => ({ slot, ...(await daySlotEvents(req.session, day, slot, range, at[slot] || undefined, depth)) })),
    );
    const merged = mergeDaySlots(slices, at, need);
    items.push(...merged.taken.filter(wanted));
    if (Object.keys(merged.positions).length > 0) {
      positions = merged.positions;
    } else {
      day = previousDay(day);
      positions = freshPositions(slots);
    }
  }
  await recordAuditAct(req, [
    auditEventFor(req, 'audit.read', { details: { view: 'tenant', from: range.from, to: range.to, count: items.length } }),
  ]);
  return { items: await auditorViews(req, items), nextCursor: await sealCursor(scope, next) };
}

/**
 * One patient's history, newest first: the events of every shard of the patient's log merged into
 * one order (merged-history.ts), so sharding never shows as gaps or jumps. The first page reads
 * the shards that exist; the cursor names each with its position.
 */
async function patientHistoryPage(session: TenantSession, patientId: string, limit: number, positions: ShardPositions | undefined): Promise<{ items: StoredEvent[]; next?: ShardPositions }> {
  const base = streamOf(session.tenant, patientId);
  const shards = positions ? Object.keys(positions).map(Number) : await openShards(session, base);
  const slices = await Promise.all(
    shards.map(async (shard) => ({ shard, ...(await shardEventsBelow(session, shardStream(base, shard), positions?.[shard], limit)) })),
  );
  return mergePage(slices, limit);
}

/** One patient's history across the shards of their log, newest first. The read is recorded in that patient's own log. */
export async function listPatientEvents(req: AuditRequest, patientId: string, query: { limit: number; cursor?: string }): Promise<EventPage> {
  await assertTenantAuditReader(req, 'patient');
  const scope = scopeOf(req, 'patient-events', patientId);
  let positions: ShardPositions | undefined;
  if (query.cursor) {
    positions = parsePositions(await openCursor(scope, query.cursor), STREAM_SHARDS);
    if (!positions) throw badCursor();
  }
  const page = await patientHistoryPage(req.session, patientId, query.limit, positions);
  if (!query.cursor && page.items.length === 0) throw new NotFoundError('Det finnes ingen logg for denne pasienten i kommunen.');
  // The citizen's own access log shows that the auditor looked at their log.
  const citizenKey = page.items.find((i) => typeof i.citizenKey === 'string')?.citizenKey as string | undefined;
  await recordAuditAct(req, [
    auditEventFor(req, 'audit.read', { patientId, citizenKey, details: { view: 'patient', count: page.items.length } }),
  ]);
  return { items: await auditorViews(req, page.items), nextCursor: await sealCursor(scope, page.next ? positionsValue(page.next) : undefined) };
}

/**
 * One user's activity, newest first: any user for the auditor, only their own for a clinician
 * (without the free-text reasons). Anyone else is refused, and the refusal is recorded.
 */
export async function listUserEvents(
  req: AuditRequest,
  userId: string,
  query: { from?: string; to?: string; limit: number; cursor?: string },
): Promise<EventPage> {
  const auditor = isTenantAuditReader(req.caller);
  const own = userId === req.caller.sub && hasRole(req.caller, 'clinician') && !hasRole(req.caller, 'operator');
  if (!auditor && !own) await deny(req, 'audit.read', 'Du kan bare se din egen aktivitet.', { view: 'user' });
  const range = query.from || query.to ? timeRange(query.from, query.to) : {};
  const scope = scopeOf(req, 'user-events', userId);
  const page = await userEvents(req.session, userId, range, { limit: query.limit, cursor: await openKeyCursor(scope, query.cursor) });
  await recordAuditAct(req, [
    auditEventFor(req, 'audit.read', { details: { view: own && !auditor ? 'own-activity' : 'user', userId, count: page.items.length } }),
  ]);
  return sealPage(scope, { items: await withPatients(req.caller, req.session, await views(page.items, auditor, req.session)), nextCursor: page.nextCursor });
}
