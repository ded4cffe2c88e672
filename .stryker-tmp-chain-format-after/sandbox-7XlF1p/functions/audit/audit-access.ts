// @ts-nocheck
import { hasRole, type Caller } from '../../shared/auth/caller';
import type { TenantSession } from '../../shared/db/sessions';
import { ForbiddenError } from '../../shared/errors';
import { appendAudit } from '../core/audit-chain';
import { actorOf, type AuditEventInput } from '../core/audit-event';

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
  return {
    tenant: req.tenant,
    action,
    outcome: 'success',
    actor: actorOf(req.caller),
    requestId: req.requestId,
    purposeOfUse: 'AUDIT',
    ...extra,
  };
}

/** Records a refused audit view, then refuses it. */
export async function deny(req: AuditRequest, action: string, detail: string, details: AuditEventInput['details'] = {}): Promise<never> {
  await appendAudit(req.session.db, [auditEventFor(req, action, { outcome: 'denied', details })]);
  throw new ForbiddenError(detail);
}

/** Tenant-wide logs: the auditor (or an `audit.read` vendor system); nobody else. */
export async function assertTenantAuditReader(req: AuditRequest, view: string): Promise<void> {
  if (!isTenantAuditReader(req.caller)) await deny(req, 'audit.read', 'Bare kommunens logganalytiker kan se denne loggen.', { view });
}
