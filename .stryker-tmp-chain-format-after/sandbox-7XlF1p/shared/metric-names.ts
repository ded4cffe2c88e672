/**
 * Metric names that code emits and infra alarms on: one definition, so an alarm cannot watch a
 * name nobody writes. (No Powertools import here: infra reads this file at synth.)
 */
// @ts-nocheck

export const METRICS = {
  /** An audit append (with or without a change) that failed after its retries: the change failed too. */
  auditWriteFailed: 'AuditWriteFailed',
  /** A request refused before any service ran (token, role, scope, tenant). */
  accessRefused: 'AccessRefused',
  /** Outbox items whose audit events some municipality is still owed after a scheduled sweep. */
  auditOutboxPending: 'AuditOutboxPending',
  /** A municipality whose tree head could not be written on an anchoring beat. */
  auditAnchorFailed: 'AuditAnchorFailed',
  /** Tree heads written on a beat (an alarm fires when none for two beats). */
  auditAnchorWritten: 'AuditAnchorWritten',
  /** Streams whose head went backwards or changed under an anchored position (kept at the anchor). */
  auditAnchorRegression: 'AuditAnchorRegression',
  /** A verify run (API) that found a broken chain or a fault in the tree heads. */
  auditVerifyFailed: 'AuditVerifyFailed',
} as const;
