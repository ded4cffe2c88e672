import { hasRole } from '../../shared/auth/caller';
import type { AuditEventView } from '../../shared/contracts/audit';
import { NotFoundError, ValidationError } from '../../shared/errors';
import { appendAudit } from '../core/audit-chain';
import { assertTenantAuditReader, auditEventFor, deny, isTenantAuditReader, type AuditRequest } from './audit-access';
import { dayEvents, streamEvents, userEvents, type StoredEvent } from './audit-store';
import { streamOf } from '../core/chain-format';
import { toEventView } from './event-view';

/** The auditor's views of the tenant's log: by time range, by patient, by user. */

export interface EventPage {
  items: AuditEventView[];
  nextCursor?: string;
}

const DAY_MS = 86_400_000;
const MAX_RANGE_DAYS = 31;
/** DynamoDB queries one page may cost before it is returned short, with a cursor to go on. */
const MAX_QUERIES_PER_PAGE = 40;

interface DayCursor {
  d: string;
  c?: string;
}

function badCursor(): ValidationError {
  return new ValidationError('Ugyldig cursor.', [{ field: 'query.cursor', message: 'Ukjent eller ugyldig cursor' }]);
}

function encodeDayCursor(c: DayCursor): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

function decodeDayCursor(raw: string, fromDay: string, lastDay: string): DayCursor {
  try {
    const c = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as DayCursor;
    if (typeof c.d !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(c.d) || c.d < fromDay || c.d > lastDay) throw badCursor();
    if (c.c !== undefined && typeof c.c !== 'string') throw badCursor();
    return c;
  } catch {
    throw badCursor();
  }
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

async function views(items: StoredEvent[], withReason: boolean): Promise<AuditEventView[]> {
  return Promise.all(items.map((i) => toEventView(i, { withReason })));
}

/**
 * The tenant's events in [from, to), newest first, across the day partitions of gsi2. The cursor
 * names the day and the position inside it, so pages run on across midnight.
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
  const start = query.cursor ? decodeDayCursor(query.cursor, fromDay, lastDay) : { d: lastDay };
  const items: StoredEvent[] = [];
  let day = start.d;
  let inner = start.c;
  let next: DayCursor | undefined;
  for (let queries = 0; day >= fromDay; queries++) {
    if (items.length >= query.limit || queries >= MAX_QUERIES_PER_PAGE) {
      next = { d: day, ...(inner ? { c: inner } : {}) };
      break;
    }
    const page = await dayEvents(req.tenant, day, range, { action: query.action, outcome: query.outcome }, { limit: query.limit - items.length, cursor: inner });
    items.push(...page.items);
    if (page.nextCursor) {
      inner = page.nextCursor;
    } else {
      day = previousDay(day);
      inner = undefined;
    }
  }
  await appendAudit([
    auditEventFor(req, 'audit.read', { details: { view: 'tenant', from: range.from, to: range.to, count: items.length } }),
  ]);
  return { items: await views(items, true), nextCursor: next ? encodeDayCursor(next) : undefined };
}

/** One patient's stream, newest first. The read is recorded in that patient's own stream. */
export async function listPatientEvents(req: AuditRequest, patientId: string, query: { limit: number; cursor?: string }): Promise<EventPage> {
  await assertTenantAuditReader(req, 'patient');
  const page = await streamEvents(req.tenant, streamOf(req.tenant, patientId), { limit: query.limit, cursor: query.cursor });
  if (!query.cursor && page.items.length === 0) throw new NotFoundError('Det finnes ingen logg for denne pasienten i kommunen.');
  // The citizen's own access log shows that the auditor looked at their log.
  const citizenKey = page.items.find((i) => typeof i.citizenKey === 'string')?.citizenKey as string | undefined;
  await appendAudit([
    auditEventFor(req, 'audit.read', { patientId, citizenKey, details: { view: 'patient', count: page.items.length } }),
  ]);
  return { items: await views(page.items, true), nextCursor: page.nextCursor };
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
  const page = await userEvents(req.tenant, userId, range, { limit: query.limit, cursor: query.cursor });
  await appendAudit([
    auditEventFor(req, 'audit.read', { details: { view: own && !auditor ? 'own-activity' : 'user', userId, count: page.items.length } }),
  ]);
  return { items: await views(page.items, auditor), nextCursor: page.nextCursor };
}
