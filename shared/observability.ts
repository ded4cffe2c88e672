import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Tracer } from '@aws-lambda-powertools/tracer';
import { TENANT_DIMENSION } from './metric-names';

/**
 * One Logger, Metrics and Tracer per container. Service name, log level and namespace come from
 * the Powertools environment variables that infra sets (POWERTOOLS_SERVICE_NAME, ...).
 * Log lines carry ids and outcomes only: never names, national ids or note text.
 */
export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'fellesjournal' });
export const metrics = new Metrics({ namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'Fellesjournal' });

const tenantMetrics = new Map<string, Metrics>();
const MAX_TENANT_METRICS = 1_000;

/**
 * A metric published at once with the tenant as its dimension (EMF), so the dashboard can rank
 * municipalities without multiplying every other metric by 357. One instance per tenant and
 * container: `singleMetric()` builds a new Metrics, reading its configuration from the
 * environment, which was a quarter of a millisecond on every request; the tenant is a default
 * dimension, so it survives each publish.
 */
export function tenantMetric(tenant: string): Metrics {
  let m = tenantMetrics.get(tenant);
  if (!m) {
    if (tenantMetrics.size >= MAX_TENANT_METRICS) tenantMetrics.clear();
    m = metrics.singleMetric();
    m.setDefaultDimensions({ [TENANT_DIMENSION]: tenant });
    tenantMetrics.set(tenant, m);
  }
  return m;
}

/**
 * The Tracer only where per-call tracing is on (a stage with `traceAwsCalls`, infra/config.ts).
 * Loading it loads the X-Ray SDK, whose async-context hook tracks every promise of the process;
 * with it off (the default in AWS, where Lambda's active tracing still records each invocation,
 * and always under npm start, tests and bench) the module is not even loaded.
 */
const tracingEnabled = process.env.POWERTOOLS_TRACE_ENABLED !== 'false';
export const tracer: Tracer | undefined = tracingEnabled
  ? new (await import('@aws-lambda-powertools/tracer')).Tracer({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'fellesjournal' })
  : undefined;

const captureLambdaHandler = tracer ? (await import('@aws-lambda-powertools/tracer/middleware')).captureLambdaHandler : undefined;

/** A fresh Tracer middleware for one handler, where tracing is on. */
export function traceMiddleware(): ReturnType<NonNullable<typeof captureLambdaHandler>> | undefined {
  return tracer && captureLambdaHandler ? captureLambdaHandler(tracer, { captureResponse: false }) : undefined;
}
