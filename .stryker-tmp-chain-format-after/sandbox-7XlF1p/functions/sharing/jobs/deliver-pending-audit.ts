// @ts-nocheck
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { METRICS } from '../../../shared/metric-names';
import { logger, metrics } from '../../../shared/observability';
import { deliverAllPendingAudit } from '../audit-outbox';

/**
 * Run on a schedule (infra: every 5 minutes): delivers the audit events a citizen's change still
 * owes other municipalities when nobody has read that citizen's blocks since (audit-outbox.ts).
 * What is still owed afterwards is a metric; an alarm fires when it stays above zero.
 */
export async function handler(): Promise<{ stillPending: number }> {
  const stillPending = await deliverAllPendingAudit();
  metrics.addMetric(METRICS.auditOutboxPending, MetricUnit.Count, stillPending);
  metrics.publishStoredMetrics();
  if (stillPending > 0) logger.warn('Audit outbox: events still owed after the sweep', { stillPending });
  return { stillPending };
}
