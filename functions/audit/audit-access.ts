import { hasRole, type Caller } from '../../shared/auth/caller';
import type { TenantSession } from '../../shared/db/sessions';
import { ForbiddenError } from '../../shared/errors';
import { appendAudit } from '../core/audit-chain';
import { actEvent, type AuditEventInput } from '../core/audit-event';
import { CONTENDED, storeConflictError } from '../core/commit';

/**
 * Who may see which audit log. The routes already name the roles; these checks hold the rules a
 * role list cannot say: the operating company never sees log content, even when a person also
 * holds another role, and a clinician sees their own activity at most.
 */

/** The request an audit view acts for. */
export interface AuditRequest {
  caller: Caller;
  tenant: string;
  /** The session of `tenant` (the only way to its log). */
  session: TenantSession;
  requestId: string;
}

/** The tenant's auditor, or a vendor system the tenant granted `audit.read` (checked by the stack). */
export function isTenantAuditReader(caller: Caller): boolean {
  return !hasRole(caller, 'operator') && (hasRole(caller, 'auditor') || (caller.kind === 'client' && caller.scopes.includes('audit.read')));
}

/** The audit event recording an audit view or audit operation (fail closed: stored before the answer). */
export function auditEventFor(req: AuditRequest, action: string, extra: Partial<AuditEventInput> = {}): AuditEventInput {
  return actEvent(req, req.tenant, action, 'AUDIT', extra);
}

/**
 * Stores the audit service's own events (a view, a verification, a refusal) before the answer is
 * given (fail closed). A log that stays contended after the chain's retries is 429 with
 * Retry-After, like every other audited request, never a 500.
 */
export async function recordAuditAct(req: AuditRequest, events: AuditEventInput[]): Promise<void> {
  try {
    await appendAudit(req.session.db, events);
  } catch (error) {
    throw storeConflictError(error, CONTENDED);
  }
}

/** Records a refused audit view, then refuses it. */
export async function deny(req: AuditRequest, action: string, detail: string, details: AuditEventInput['details'] = {}): Promise<never> {
  await recordAuditAct(req, [auditEventFor(req, action, { outcome: 'denied', details })]);
  throw new ForbiddenError(detail);
}

/** Tenant-wide logs: the auditor (or an `audit.read` vendor system); nobody else. */
export async function assertTenantAuditReader(req: AuditRequest, view: string): Promise<void> {
  if (!isTenantAuditReader(req.caller)) await deny(req, 'audit.read', 'Bare kommunens logganalytiker kan se denne loggen.', { view });
}
