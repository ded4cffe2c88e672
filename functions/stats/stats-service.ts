import type { Caller } from '../../shared/auth/caller';
import { monthsBetween, type StatsQuery, type StatsReport, type StatsTable } from '../../shared/contracts/stats';
import { platformDb, type TenantSession } from '../../shared/db/sessions';
import { appendAudit } from '../core/audit-chain';
import { actorOf } from '../core/audit-event';
import { PLATFORM_AUDIT_TENANT, platformAuditDb } from '../core/platform-audit';
import { publishTables } from './report';
import { readCells, readMunicipalityCells } from './stats-store';
import { SUPPRESSION_THRESHOLD } from './suppression';

/** A leader reading their own municipality's statistics. */
export interface StatsRequest {
  caller: Caller;
  tenant: string;
  /** The leader's municipality's session: the statistics are read inside it, nowhere else. */
  session: TenantSession;
  requestId: string;
  /** The municipality's units (id and name), from the registry entry the request wrapper read. */
  units: { id: string; name: string }[];
}

/**
 * Published (suppressed) tables by municipality, period and the version of its months' counts:
 * the same counts always publish the same tables, so a report whose months did not move since is
 * not suppressed again. Bounded; counts only.
 */
const published = new Map<string, StatsTable[]>();
const PUBLISHED_ENTRIES = 200;

/** The municipality's statistics for a period, per unit and month, suppressed; the read is audited. */
export async function municipalityReport(req: StatsRequest, query: StatsQuery): Promise<StatsReport> {
  const months = monthsBetween(query.from, query.to);
  const { cells, version } = await readMunicipalityCells(req.session, months);
  const key = version === undefined ? undefined : `${req.tenant}\u0000${months[0]!}\u0000${months.at(-1)!}\u0000${version}`;
  let tables = key === undefined ? undefined : published.get(key);
  if (!tables) {
    tables = publishTables(cells, months, { byUnit: true });
    if (key !== undefined) {
      published.set(key, tables);
      if (published.size > PUBLISHED_ENTRIES) published.delete(published.keys().next().value!);
    }
  }
  await appendAudit(req.session.db, [
    { tenant: req.tenant, action: 'stats.read', outcome: 'success', actor: actorOf(req.caller), requestId: req.requestId, purposeOfUse: 'ADMIN', details: { from: query.from, to: query.to } },
  ]);
  return { scope: 'municipality', tenant: req.tenant, units: req.units, months, threshold: SUPPRESSION_THRESHOLD, tables };
}

/**
 * National figures for the operator: the municipalities' counts summed (by metric, category and
 * month, never by municipality, unit or person) and suppressed again, since a sum can be small too.
 */
export async function nationalReport(caller: Caller, requestId: string, query: StatsQuery): Promise<StatsReport> {
  const months = monthsBetween(query.from, query.to);
  const cells = await readCells({ platform: platformDb() }, months);
  await appendAudit(platformAuditDb(), [
    { tenant: PLATFORM_AUDIT_TENANT, action: 'stats.national.read', outcome: 'success', actor: actorOf(caller), requestId, purposeOfUse: 'OPERATE', details: { from: query.from, to: query.to } },
  ]);
  return { scope: 'national', months, threshold: SUPPRESSION_THRESHOLD, tables: publishTables(cells, months, { byUnit: false }) };
}
