// @ts-nocheck
import type { Caller } from '../../shared/auth/caller';

/** Who did it, as the audit log keeps it (HelseID / IHE BALP "who"). */
export interface AuditActor {
  sub: string;
  name?: string;
  hpr?: string;
  profession?: string;
  roles: string[];
  /** The actor's own tenant (for cross-municipality access: the requesting municipality). */
  tenant?: string;
  unit?: string;
  clientId?: string;
}

/** Purpose of use, after the national trust framework (TREAT, ETREAT, COC, BTG) plus our own. */
export type PurposeOfUse = 'TREAT' | 'ETREAT' | 'COC' | 'BTG' | 'AUDIT' | 'ADMIN' | 'OPERATE' | 'CITIZEN';

export type AuditOutcome = 'success' | 'denied' | 'failure';

/** What a service hands the audit log. Never put patient data in `details`. */
export interface AuditEventInput {
  /** The tenant whose log records the event. */
  tenant: string;
  /** Dotted verb, e.g. `entry.read`, `entry.sign`, `patient.search`, `tenant.suspend`. */
  action: string;
  outcome: AuditOutcome;
  actor: AuditActor;
  requestId: string;
  /** The tenant's patient record id; selects the per-patient chain. Absent: the tenant chain. */
  patientId?: string;
  /** nationalIdKey() of the patient, so the citizen's own access log can find the event. */
  citizenKey?: string;
  recordId?: string;
  purposeOfUse?: PurposeOfUse;
  /** Coded reason (e.g. `care-relationship`, `emergency-access`). Shown to the citizen. */
  reasonCode?: string;
  /** Free-text reason. Stored encrypted; never shown in the citizen's view. */
  reason?: string;
  /** Flagged events go to the tenant auditor's review queue. */
  flagged?: boolean;
  flagReason?: string;
  /** The acting tenant when it is not `tenant` (cross-municipality sharing). */
  fromTenant?: string;
  /** The access-decision rule that allowed or denied, where one was made. */
  rule?: string;
  details?: Record<string, string | number | boolean>;
}

/** The audit actor for a verified caller. */
export function actorOf(caller: Caller): AuditActor {
  return {
    sub: caller.sub,
    name: caller.name,
    hpr: caller.hpr,
    profession: caller.profession,
    roles: [...caller.roles],
    tenant: caller.tenant,
    unit: caller.unit,
    clientId: caller.clientId,
  };
}
