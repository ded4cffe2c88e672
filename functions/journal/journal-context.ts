import type { Caller } from '../../shared/auth/caller';
import type { Author } from '../../shared/contracts/journal';
import { recordAccess } from './journal-commit';
import { ForbiddenError, NotFoundError } from '../../shared/errors';
import { nationalIdKey } from '../../shared/crypto/lookup-hash';
import { actorOf, type AuditEventInput, type AuditOutcome } from '../audit/audit-event';
import { decideAccess, RULES, type AccessDecision, type AccessInput, type JournalAction } from './access-decision';
import { loadPatientContext, type PatientContext } from './patient-store';

/** Who asks, in which tenant, for which request: what every journal use case receives. */
export interface JournalRequest {
  tenant: string;
  caller: Caller;
  requestId: string;
  /** For tests and seeds; default now. */
  now?: Date;
}

export function nowOf(req: JournalRequest): Date {
  return req.now ?? new Date();
}

/** The author as entries and relationships record them. */
export function authorOf(caller: Caller): Author {
  return {
    sub: caller.sub,
    ...(caller.name ? { name: caller.name } : {}),
    ...(caller.hpr ? { hpr: caller.hpr } : {}),
    ...(caller.profession ? { profession: caller.profession } : {}),
    ...(caller.clientId ? { clientId: caller.clientId } : {}),
  };
}

export interface EventTarget {
  patientId?: string;
  nidKey?: string;
  recordId?: string;
}

/** An audit event of a journal use case. Details never hold patient data. */
export function journalEvent(
  req: JournalRequest,
  action: string,
  outcome: AuditOutcome,
  target: EventTarget,
  decision?: Pick<AccessDecision, 'rule' | 'purposeOfUse' | 'reasonCode'>,
  details?: Record<string, string | number | boolean>,
): AuditEventInput {
  return {
    tenant: req.tenant,
    action,
    outcome,
    actor: actorOf(req.caller),
    requestId: req.requestId,
    patientId: target.patientId,
    citizenKey: target.nidKey,
    recordId: target.recordId,
    purposeOfUse: decision?.purposeOfUse ?? 'TREAT',
    reasonCode: decision?.reasonCode,
    rule: decision?.rule,
    ...(details ? { details } : {}),
  };
}

const DENIED_DETAIL: Record<string, string> = {
  [RULES.noRelationship]: 'Du har ikke tjenstlig behov for denne pasientens journal (ingen gyldig behandlingsrelasjon).',
  [RULES.citizenOther]: 'Du kan bare se din egen journal.',
  [RULES.citizenWrite]: 'Innbyggere kan lese, ikke endre, journalen.',
  [RULES.otherSubject]: 'Du kan bare opprette eller avslutte behandlingsrelasjoner for deg selv eller din egen enhet.',
  [RULES.vendorScope]: 'Leverandørsystemet mangler scope for dette.',
};

export interface Authorized {
  context: PatientContext;
  decision: AccessDecision;
}

/**
 * Loads the facts about one patient, asks decideAccess and, when refused, records the denied
 * attempt (the event is stored before the 403 is answered) and throws. The one place journal use
 * cases go through before touching a patient's data.
 */
export async function authorize(
  req: JournalRequest,
  patientId: string,
  action: JournalAction,
  auditAction: string,
  extra: { recordId?: string; target?: AccessInput['target'] } = {},
): Promise<Authorized> {
  const context = await loadPatientContext(req.tenant, patientId);
  if (!context) throw new NotFoundError('Pasienten finnes ikke i denne kommunen.');
  const decision = decideAccess({
    caller: {
      sub: req.caller.sub,
      kind: req.caller.kind,
      roles: req.caller.roles,
      tenant: req.caller.tenant,
      unit: req.caller.unit,
      scopes: req.caller.scopes,
      nationalIdKey: req.caller.pid ? await nationalIdKey(req.caller.pid) : undefined,
    },
    tenant: req.tenant,
    action,
    patient: { id: patientId, nationalIdKey: context.patient.nidKey },
    relationships: context.relationships.map((r) => ({
      id: r.relationshipId,
      subject: { kind: r.subjectKind, id: r.subjectId },
      validFrom: r.validFrom,
      validTo: r.validTo,
      endedAt: r.endedAt,
      createdBy: r.createdBy.sub,
    })),
    now: nowOf(req),
    target: extra.target,
  });
  if (!decision.allow) {
    await recordAccess([journalEvent(req, auditAction, 'denied', { patientId, nidKey: context.patient.nidKey, recordId: extra.recordId }, decision)]);
    throw new ForbiddenError(DENIED_DETAIL[decision.rule] ?? 'Du har ikke tilgang til dette.', { rule: decision.rule });
  }
  return { context, decision };
}

/** Records a refusal that a use case makes after access was allowed (e.g. only the author may sign). */
export async function denyAfterAccess(req: JournalRequest, auditAction: string, target: EventTarget, rule: string, detail: string): Promise<never> {
  await recordAccess([journalEvent(req, auditAction, 'denied', target, { rule, purposeOfUse: 'TREAT' })]);
  throw new ForbiddenError(detail, { rule });
}
