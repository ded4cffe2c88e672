/**
 * Imported first by the local entry points: Powertools reads these when shared/observability.ts
 * is first imported, which happens while the route modules load, before any setup code runs.
 * A developer's terminal gets warnings and errors only, no EMF metric blobs or X-Ray segments.
 */
// @ts-nocheck

process.env.POWERTOOLS_METRICS_DISABLED = 'true';
process.env.POWERTOOLS_TRACE_ENABLED = 'false';
process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
