/**
 * Metric names that code emits and infra alarms on: one definition, so an alarm cannot watch a
 * name nobody writes. (No Powertools import here: infra reads this file at synth.)
 */
export const METRICS = {
  /** An audit append (with or without a change) that failed after its retries: the change failed too. */
  auditWriteFailed: 'AuditWriteFailed',
  /** A request refused before any service ran (token, role, scope, tenant). */
  accessRefused: 'AccessRefused',
  /** Outbox items whose audit events some municipality is still owed after a scheduled sweep. */
  auditOutboxPending: 'AuditOutboxPending',
} as const;
