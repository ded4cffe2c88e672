import type { Caller } from '../../shared/auth/caller';
import type { Author } from '../../shared/contracts/journal';
import { recordAccess } from './commit';
import { ForbiddenError, NotFoundError } from '../../shared/errors';
import { nationalIdKey } from '../../shared/crypto/lookup-hash';
import { actorOf, type AuditEventInput, type AuditOutcome } from './audit-event';
import { decideAccess, RULES, type AccessDecision, type AccessInput, type JournalAction, type RelationshipFact } from './access-decision';
import { loadPatientContext, type PatientContext } from '../journal/patient-store';
import { loadCitizenFacts, type CitizenFacts } from '../sharing/sharing-store';

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
  decision?: Pick<AccessDecision, 'rule' | 'purposeOfUse' | 'reasonCode' | 'emergency' | 'emergencyId'>,
  details?: Record<string, string | number | boolean>,
): AuditEventInput {
  return {
    // Every event emergency access causes is flagged for the data-owning municipality's auditor.
    ...(decision?.emergency ? { flagged: true, flagReason: 'emergency-access' } : {}),
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
    ...(details || decision?.emergencyId ? { details: { ...details, ...(decision?.emergencyId ? { emergencyId: decision.emergencyId } : {}) } } : {}),
  };
}

const DENIED_DETAIL: Record<string, string> = {
  [RULES.noRelationship]: 'Du har ikke tjenstlig behov for denne pasientens journal (ingen gyldig behandlingsrelasjon).',
  [RULES.citizenOther]: 'Du kan bare se din egen journal.',
  [RULES.citizenWrite]: 'Innbyggere kan lese, ikke endre, journalen.',
  [RULES.otherSubject]: 'Du kan bare opprette eller avslutte behandlingsrelasjoner for deg selv eller din egen enhet.',
  [RULES.vendorScope]: 'Leverandørsystemet mangler scope for dette.',
  [RULES.blockedPerson]: 'Pasienten har sperret sine opplysninger for deg.',
  [RULES.blockedUnit]: 'Pasienten har sperret sine opplysninger for enheten din.',
  [RULES.blockedAllSharing]: 'Pasienten har sperret all deling av sine opplysninger med andre kommuner.',
  [RULES.blockedDocument]: 'Pasienten har sperret dette dokumentet for andre kommuner.',
  [RULES.blockedCategory]: 'Pasienten har sperret denne typen dokumenter for andre kommuner.',
  [RULES.consentMissing]: 'Denne typen dokumenter deles bare med pasientens samtykke, og det er ikke gitt.',
};

/** The problem detail for a refusal by `rule`. */
export function deniedDetail(rule: string): string {
  return DENIED_DETAIL[rule] ?? 'Du har ikke tilgang til dette.';
}

/** Actions whose decision depends on the citizen's blocks, consents and emergency grants. */
const NEEDS_CITIZEN_FACTS: ReadonlySet<JournalAction> = new Set(['patient.read', 'journal.read', 'journal.write', 'sharing.list', 'sharing.retrieve', 'emergency.request', 'block.read', 'block.manage']);

/**
 * A patient's national-id key never changes, so it is remembered per (tenant, patient): from the
 * second request on, the citizen's facts are read beside the patient's context instead of after it.
 */
const nidKeys = new Map<string, string>();
const NID_KEY_CACHE = 10_000;

function rememberNidKey(tenant: string, patientId: string, nidKey: string): void {
  if (nidKeys.size >= NID_KEY_CACHE) nidKeys.clear();
  nidKeys.set(`${tenant}/${patientId}`, nidKey);
}

/** Settles a read now and reports it later, so an unused read's failure is never unhandled. */
function settle<T>(read: Promise<T>): Promise<() => T> {
  return read.then(
    (value) => () => value,
    (error: unknown) => () => {
      throw error;
    },
  );
}

const NO_FACTS: CitizenFacts = { blocks: [], consents: [], emergency: [] };

/** The citizen's facts for a decision: read beside the context when the key is known, else after it. */
export async function loadContextAndFacts(tenant: string, patientId: string, action: JournalAction, now: Date): Promise<{ context: PatientContext; facts: CitizenFacts } | undefined> {
  const needsFacts = NEEDS_CITIZEN_FACTS.has(action);
  const known = needsFacts ? nidKeys.get(`${tenant}/${patientId}`) : undefined;
  const early = known ? settle(loadCitizenFacts(known, now)) : undefined;
  const context = await loadPatientContext(tenant, patientId);
  if (!context) return undefined;
  rememberNidKey(tenant, patientId, context.patient.nidKey);
  if (!needsFacts) return { context, facts: NO_FACTS };
  const facts = early && known === context.patient.nidKey ? (await early)() : await loadCitizenFacts(context.patient.nidKey, now);
  return { context, facts };
}

/** The decision's view of the citizen's facts. */
export function factsForDecision(facts: CitizenFacts): Pick<AccessInput, 'blocks' | 'consents' | 'emergency'> {
  return {
    blocks: facts.blocks.map((b) => ({ id: b.blockId, target: b.target, ...(b.liftedAt ? { liftedAt: b.liftedAt } : {}) })),
    consents: facts.consents.map((c) => ({ category: c.category, status: c.status })),
    emergency: facts.emergency.map((e) => ({ id: e.grantId, tenant: e.tenant, sub: e.sub, grantedAt: e.grantedAt, expiresAt: e.expiresAt })),
  };
}

/** The decision's view of a caller. */
export async function accessCallerOf(caller: Caller): Promise<AccessInput['caller']> {
  return {
    sub: caller.sub,
    kind: caller.kind,
    roles: caller.roles,
    tenant: caller.tenant,
    unit: caller.unit,
    scopes: caller.scopes,
    nationalIdKey: caller.pid ? await nationalIdKey(caller.pid) : undefined,
  };
}

/** The decision's view of a patient's care relationships. */
export function relationshipFacts(context: PatientContext | undefined): RelationshipFact[] {
  return (context?.relationships ?? []).map((r) => ({
    id: r.relationshipId,
    subject: { kind: r.subjectKind, id: r.subjectId },
    validFrom: r.validFrom,
    validTo: r.validTo,
    endedAt: r.endedAt,
    createdBy: r.createdBy.sub,
  }));
}

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
  const now = nowOf(req);
  const loaded = await loadContextAndFacts(req.tenant, patientId, action, now);
  if (!loaded) throw new NotFoundError('Pasienten finnes ikke i denne kommunen.');
  const { context, facts } = loaded;
  const decision = decideAccess({
    caller: await accessCallerOf(req.caller),
    tenant: req.tenant,
    action,
    patient: { id: patientId, nationalIdKey: context.patient.nidKey },
    relationships: relationshipFacts(context),
    now,
    target: extra.target,
    ...factsForDecision(facts),
  });
  if (!decision.allow) {
    await recordAccess([journalEvent(req, auditAction, 'denied', { patientId, nidKey: context.patient.nidKey, recordId: extra.recordId }, decision)]);
    throw new ForbiddenError(deniedDetail(decision.rule), { rule: decision.rule });
  }
  return { context, decision };
}

/** Records a refusal that a use case makes after access was allowed (e.g. only the author may sign). */
export async function denyAfterAccess(req: JournalRequest, auditAction: string, target: EventTarget, rule: string, detail: string): Promise<never> {
  await recordAccess([journalEvent(req, auditAction, 'denied', target, { rule, purposeOfUse: 'TREAT' })]);
  throw new ForbiddenError(detail, { rule });
}
