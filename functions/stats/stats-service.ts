import type { Caller } from '../../shared/auth/caller';
import { monthsBetween, type StatsQuery, type StatsReport } from '../../shared/contracts/stats';
import { platformDb, type TenantSession } from '../../shared/db/sessions';
import { appendAudit } from '../core/audit-chain';
import { actorOf } from '../core/audit-event';
import { PLATFORM_AUDIT_TENANT, platformAuditDb } from '../core/platform-audit';
import { publishTables } from './report';
import { readCells } from './stats-store';
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

/** The municipality's statistics for a period, per unit and month, suppressed; the read is audited. */
export async function municipalityReport(req: StatsRequest, query: StatsQuery): Promise<StatsReport> {
  const months = monthsBetween(query.from, query.to);
  const cells = await readCells({ session: req.session }, months);
  await appendAudit(req.session.db, [
    { tenant: req.tenant, action: 'stats.read', outcome: 'success', actor: actorOf(req.caller), requestId: req.requestId, purposeOfUse: 'ADMIN', details: { from: query.from, to: query.to } },
  ]);
  return { scope: 'municipality', tenant: req.tenant, units: req.units, months, threshold: SUPPRESSION_THRESHOLD, tables: publishTables(cells, months, { byUnit: true }) };
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
