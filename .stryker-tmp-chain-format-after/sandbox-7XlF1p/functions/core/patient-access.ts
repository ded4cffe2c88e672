// @ts-nocheck
import { isOnBehalf, type Caller } from '../../shared/auth/caller';
import type { Author } from '../../shared/contracts/journal';
import type { BlockTarget } from '../../shared/contracts/sharing';
import { ForbiddenError, NotFoundError } from '../../shared/errors';
import { nationalIdKey } from '../../shared/crypto/lookup-hash';
import type { RequestSessions } from '../../shared/db/session-source';
import { platformDb, type TenantSession } from '../../shared/db/sessions';
import { settle } from '../../shared/settle';
import { TenantDirectory } from '../../shared/tenancy/tenant-profile';
import { decideAccess, hidesPatient, RULES, type AccessDecision, type AccessInput, type JournalAction, type RelationshipFact } from './access-decision';
import { actorOf, type AuditEventInput, type AuditOutcome } from './audit-event';
import { recordAccess } from './commit';
import { journalKeys, type PatientItem, type RelationshipItem } from './journal-record';
import { type BlockItem, type ConsentItem, type EmergencyItem, sharingKeys } from './sharing-record';

/**
 * What every use case on a patient's data stands on, in the journal, in sharing and in the audit
 * views: the one request type, the facts an access decision needs (loaded here, decided by
 * ./access-decision.ts), `authorize`, the one audit-event builder and the refusal texts.
 */

/**
 * Who asks, for which request: what every use case receives. `tenant` is the caller's own
 * municipality (for a vendor: the granting one); a citizen acts in none.
 */
export interface PatientAccessRequest {
  tenant?: string;
  /** The session of `tenant`, built once from the verified caller: the only way to its data. */
  session?: TenantSession;
  /** Every session this request may open (citizen, sharing-read), bound to the same caller. */
  sessions: RequestSessions;
  caller: Caller;
  requestId: string;
  /** Registry entries the request wrapper already read (the caller's municipality, a retrieval's origin). */
  registry?: TenantDirectory;
  /** For tests and seeds; default now. */
  now?: Date;
}

/** A request made in a municipality (staff and vendors): what the journal's use cases receive. */
export type TenantRequest = PatientAccessRequest & { tenant: string; session: TenantSession };

export function nowOf(req: PatientAccessRequest): Date {
  return req.now ?? new Date();
}

/** Municipalities' registry entries for this request, starting from what the wrapper read. */
export function directoryOf(req: PatientAccessRequest): TenantDirectory {
  return req.registry ?? new TenantDirectory();
}

/**
 * The author as entries and relationships record them. A person writing through a vendor system is
 * the author (so they can sign it themselves); the vendor is named by its registered name (`via`),
 * not by its client id, which the audit event keeps.
 */
export function authorOf(caller: Caller): Author {
  const onBehalf = isOnBehalf(caller);
  return {
    sub: caller.sub,
    ...(caller.name ? { name: caller.name } : {}),
    ...(caller.hpr ? { hpr: caller.hpr } : {}),
    ...(caller.profession ? { profession: caller.profession } : {}),
    ...(caller.clientId && !onBehalf ? { clientId: caller.clientId } : {}),
    ...(onBehalf ? { via: caller.clientName ?? 'Leverandørsystem' } : {}),
  };
}

/** What an event is about, and in whose log it goes (default: the caller's own municipality). */
export interface EventTarget {
  /** The tenant whose log records the event; absent: the request's own. */
  tenant?: string;
  /** That tenant's patient id (selects the patient's chain); absent: the tenant chain. */
  patientId?: string;
  nidKey?: string;
  recordId?: string;
}

/**
 * Why an access event goes to the review queue of the municipality whose log records it:
 * emergency access, and every refused attempt (Normen: refusals are reviewed too).
 */
function flagOf(outcome: AuditOutcome, decision?: Pick<AccessDecision, 'emergency'>): Pick<AuditEventInput, 'flagged' | 'flagReason'> {
  if (decision?.emergency) return { flagged: true, flagReason: 'emergency-access' };
  if (outcome === 'denied') return { flagged: true, flagReason: 'refused' };
  return {};
}

/**
 * THE audit event of a use case. An event in a municipality other than the caller's names the
 * caller's municipality in `fromTenant`; every event emergency access causes, and every refusal, is flagged for the
 * auditor of the municipality whose log records it. Details never hold patient data.
 */
export function accessEvent(
  req: PatientAccessRequest,
  action: string,
  outcome: AuditOutcome,
  target: EventTarget,
  decision?: Pick<AccessDecision, 'rule' | 'purposeOfUse' | 'reasonCode' | 'emergency' | 'emergencyId'>,
  details?: Record<string, string | number | boolean>,
): AuditEventInput {
  const tenant = target.tenant ?? req.tenant;
  if (!tenant) throw new Error('an audit event needs the tenant whose log records it');
  return {
    tenant,
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
    ...(req.tenant && req.tenant !== tenant ? { fromTenant: req.tenant } : {}),
    ...flagOf(outcome, decision),
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

/** THE answer for a patient id that names no patient of the municipality (and for a hidden one). */
export function patientNotFound(): NotFoundError {
  return new NotFoundError('Pasienten finnes ikke i denne kommunen.');
}

/**
 * The error that answers a refused access by `rule`: a person or unit the citizen has blocked gets
 * exactly the answer for a patient that does not exist (`hidden`, default patientNotFound), so the
 * block does not reveal itself; every other refusal is a 403 naming its rule. The caller records
 * the denied event with the real rule before throwing this.
 */
export function refusal(rule: string, hidden: () => Error = patientNotFound): Error {
  return hidesPatient(rule) ? hidden() : new ForbiddenError(deniedDetail(rule), { rule });
}

export interface PatientContext {
  patient: PatientItem;
  relationships: RelationshipItem[];
}

/** The patient and all its care relationships, in one consistent query (what an access decision needs). */
export async function loadPatientContext(session: TenantSession, patientId: string): Promise<PatientContext | undefined> {
  const db = session.db;
  const pk = journalKeys.patientPk(session.tenant, patientId);
  let patient: PatientItem | undefined;
  const relationships: RelationshipItem[] = [];
  let cursor: string | undefined;
  do {
    const page = await db.query({ table: 'journal', partition: pk, sortBeginsWith: journalKeys.accessContextPrefix, consistent: true, cursor, limit: 200 });
    for (const item of page.items) {
      if (item.itemType === 'patient') patient = item as PatientItem;
      else if (item.itemType === 'relationship') relationships.push(item as RelationshipItem);
    }
    cursor = page.nextCursor;
  } while (cursor);
  return patient ? { patient, relationships } : undefined;
}

/** The patient id registered for a national id key in this tenant (a citizen's record there). */
export async function patientIdByNationalIdKey(session: TenantSession, nidKey: string): Promise<string | undefined> {
  const item = await session.db.get('journal', journalKeys.nationalIdPk(session.tenant, nidKey), journalKeys.nationalIdSk);
  return typeof item?.patientId === 'string' ? item.patientId : undefined;
}

export interface CitizenFacts {
  blocks: BlockItem[];
  consents: ConsentItem[];
  emergency: EmergencyItem[];
}

/**
 * Everything the access decision needs to know about a citizen: blocks, consents and emergency
 * grants (expired grants are left out), in one consistent query of the citizen's partition, so a
 * block takes effect on the very next request.
 */
export async function loadCitizenFacts(nidKey: string, now: Date): Promise<CitizenFacts> {
  const db = platformDb();
  const items: Record<string, unknown>[] = [];
  let cursor: string | undefined;
  do {
    const page = await db.query({ table: 'sharing', partition: sharingKeys.citizenPk(nidKey), consistent: true, limit: 500, cursor });
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  const t = now.toISOString();
  return {
    blocks: items.filter((i): i is BlockItem => i.itemType === 'block'),
    consents: items.filter((i): i is ConsentItem => i.itemType === 'consent'),
    emergency: items.filter((i): i is EmergencyItem => i.itemType === 'emergency' && String(i.expiresAt) > t),
  };
}

/** Actions whose decision depends on the citizen's blocks, consents and emergency grants. */
const NEEDS_CITIZEN_FACTS: ReadonlySet<JournalAction> = new Set([
  'patient.read',
  'journal.read',
  'journal.write',
  'relationship.list',
  'relationship.create',
  'relationship.end',
  'sharing.list',
  'sharing.retrieve',
  'emergency.request',
  'block.read',
  'block.manage',
]);

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

const NO_FACTS: CitizenFacts = { blocks: [], consents: [], emergency: [] };

/** The citizen's facts for a decision: read beside the context when the key is known, else after it. */
export async function loadContextAndFacts(session: TenantSession, patientId: string, action: JournalAction, now: Date): Promise<{ context: PatientContext; facts: CitizenFacts } | undefined> {
  const tenant = session.tenant;
  const needsFacts = NEEDS_CITIZEN_FACTS.has(action);
  const known = needsFacts ? nidKeys.get(`${tenant}/${patientId}`) : undefined;
  const early = known ? settle(loadCitizenFacts(known, now)) : undefined;
  const context = await loadPatientContext(session, patientId);
  if (!context) return undefined;
  rememberNidKey(tenant, patientId, context.patient.nidKey);
  if (!needsFacts) return { context, facts: NO_FACTS };
  const facts = early && known === context.patient.nidKey ? (await early)() : await loadCitizenFacts(context.patient.nidKey, now);
  return { context, facts };
}

/** What a block covers for the decision: a block by name covers whoever it matched (maybe nobody). */
export function decidingTargets(b: BlockItem): BlockTarget[] {
  return b.target.kind === 'named-person' || b.target.kind === 'named-unit' ? (b.matches ?? []) : [b.target];
}

/** The decision's view of the citizen's facts. */
export function factsForDecision(facts: CitizenFacts): Pick<AccessInput, 'blocks' | 'consents' | 'emergency'> {
  return {
    blocks: facts.blocks.flatMap((b) => decidingTargets(b).map((target) => ({ id: b.blockId, target, ...(b.liftedAt ? { liftedAt: b.liftedAt } : {}) }))),
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
 * attempt (the event is stored before the answer) and throws: 403, or to a person or unit the
 * citizen has blocked the 404 of an unknown patient (see refusal), or `extra.hidden` where the
 * use case answers an unknown patient otherwise. The one place journal use
 * cases go through before touching a patient's data.
 */
export async function authorize(
  req: TenantRequest,
  patientId: string,
  action: JournalAction,
  auditAction: string,
  extra: { recordId?: string; target?: AccessInput['target']; hidden?: () => Error } = {},
): Promise<Authorized> {
  const now = nowOf(req);
  const loaded = await loadContextAndFacts(req.session, patientId, action, now);
  if (!loaded) throw patientNotFound();
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
    await recordAccess([accessEvent(req, auditAction, 'denied', { patientId, nidKey: context.patient.nidKey, recordId: extra.recordId }, decision)], req);
    throw refusal(decision.rule, extra.hidden);
  }
  return { context, decision };
}

/** Records a refusal that a use case makes after access was allowed (e.g. only the author may sign). */
export async function denyAfterAccess(req: TenantRequest, auditAction: string, target: EventTarget, rule: string, detail: string): Promise<never> {
  await recordAccess([accessEvent(req, auditAction, 'denied', target, { rule, purposeOfUse: 'TREAT' })], req);
  throw new ForbiddenError(detail, { rule });
}
