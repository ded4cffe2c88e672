// @ts-nocheck
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { METRICS } from '../../../shared/metric-names';
import { logger, metrics } from '../../../shared/observability';
import { anchorStore, treeHeadSigner } from '../../core/anchor-deps';
import { anchorAll, type BeatOutcome } from '../anchor-service';

/**
 * Run on the anchoring beat (infra: EventBridge every minute; `npm start`: a timer): one signed
 * tree head per municipality. Failures and regressions are metrics (alarms in infra); a beat with
 * any failure ends in an error too, so the function's own Errors metric shows it.
 */
export async function handler(): Promise<{ anchored: number; failed: number; regressions: number }> {
  const outcome: BeatOutcome = await anchorAll({ store: anchorStore(), signer: treeHeadSigner() });
  const regressions = outcome.anchored.reduce((n, a) => n + a.regressions.length + a.divergences.length, 0);
  metrics.addMetric(METRICS.auditAnchorWritten, MetricUnit.Count, outcome.anchored.length);
  metrics.addMetric(METRICS.auditAnchorFailed, MetricUnit.Count, outcome.failed.length);
  metrics.addMetric(METRICS.auditAnchorRegression, MetricUnit.Count, regressions);
  metrics.publishStoredMetrics();
  for (const a of outcome.anchored) {
    if (a.regressions.length + a.divergences.length > 0) {
      logger.error('Audit anchor: stream heads behind or off their anchored chain', { tenant: a.tenant, behind: a.regressions.length, diverged: a.divergences.length, index: a.index });
    }
  }
  if (outcome.failed.length > 0) {
    logger.error('Audit anchor: tree heads not written', { failed: outcome.failed });
    throw new Error(`anchoring failed for ${outcome.failed.length} municipalities`);
  }
  return { anchored: outcome.anchored.length, failed: 0, regressions };
}
