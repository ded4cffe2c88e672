import { isOnBehalf, type Caller } from '../../shared/auth/caller';
import type { Author } from '../../shared/contracts/journal';
import type { BlockTarget } from '../../shared/contracts/sharing';
import { ForbiddenError, NotFoundError } from '../../shared/errors';
import { nationalIdKey } from '../../shared/crypto/lookup-hash';
import type { RequestSessions } from '../../shared/db/session-source';
import { platformDb, type TenantSession } from '../../shared/db/sessions';
import type { TableId } from '../../shared/db/tables';
import type { Item } from '../../shared/db/tenant-db';
import { TenantDirectory } from '../../shared/tenancy/tenant-profile';
import { decideAccess, hidesPatient, RULES, type AccessDecision, type AccessInput, type JournalAction, type RelationshipFact } from './access-decision';
import { actEvent, type AuditEventInput, type AuditOutcome } from './audit-event';
import { auditHeadSlot } from './audit-chain';
import { recordAccess } from './commit';
import { journalKeys, patientAccessWrite, type PatientAccessItem, type PatientItem, type RelationshipItem } from './journal-record';
import { type BlockItem, citizenFactsWrite, type CitizenFactsItem, type ConsentItem, type EmergencyItem, sharingKeys } from './sharing-record';

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
  return actEvent(req, tenant, action, decision?.purposeOfUse ?? 'TREAT', {
    outcome,
    patientId: target.patientId,
    citizenKey: target.nidKey,
    recordId: target.recordId,
    reasonCode: decision?.reasonCode,
    rule: decision?.rule,
    ...(req.tenant && req.tenant !== tenant ? { fromTenant: req.tenant } : {}),
    ...flagOf(outcome, decision),
    ...(details || decision?.emergencyId ? { details: { ...details, ...(decision?.emergencyId ? { emergencyId: decision.emergencyId } : {}) } } : {}),
  });
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
  /**
   * The `rev` of the patient's access-facts item these relationships came from, or undefined when
   * it was absent and they were queried: what a relationship change conditions its copy on.
   */
  accessRev?: number;
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

/** The citizen's facts item (`CIT#<key>` / `FACTS`) as a caller read it beside its own reads; `item` undefined: absent. */
export interface FactsRead {
  nidKey: string;
  item: Item | undefined;
}

/**
 * The patient id registered for a national id key in this tenant and the citizen's facts item, in
 * ONE BatchGetItem: both are keyed by the national id's key, so neither waits for the other (a
 * search by national id, whose hit's decision then takes the facts from here).
 */
export async function patientIdAndFactsByNationalIdKey(session: TenantSession, nidKey: string): Promise<{ patientId?: string; facts: FactsRead }> {
  const [lookup, facts] = await session.db.getAcross([
    { table: 'journal', pk: journalKeys.nationalIdPk(session.tenant, nidKey), sk: journalKeys.nationalIdSk },
    { table: 'sharing', pk: sharingKeys.citizenPk(nidKey), sk: sharingKeys.factsSk },
  ]);
  return { ...(typeof lookup?.patientId === 'string' ? { patientId: lookup.patientId } : {}), facts: { nidKey, item: facts } };
}

/** The patient id registered for a national id key in this tenant (a citizen's record there). */
export async function patientIdByNationalIdKey(session: TenantSession, nidKey: string): Promise<string | undefined> {
  const item = await session.db.get('journal', journalKeys.nationalIdPk(session.tenant, nidKey), journalKeys.nationalIdSk);
  return typeof item?.patientId === 'string' ? item.patientId : undefined;
}

/** The citizen's own national-id key, or a refusal when the login carries no national id. */
export async function citizenKeyOf(caller: Caller): Promise<string> {
  if (!caller.pid || caller.kind !== 'person') throw new ForbiddenError('Innloggingen mangler fødselsnummer.');
  return nationalIdKey(caller.pid);
}

export interface CitizenFacts {
  blocks: BlockItem[];
  consents: ConsentItem[];
  emergency: EmergencyItem[];
  /**
   * The `rev` of the citizen's facts item these came from (or that the query found), undefined when
   * there was none: what a change of blocks, consents or grants conditions its copy on.
   */
  rev?: number;
}

function factsOf(items: readonly Record<string, unknown>[], now: Date, rev: number | undefined): CitizenFacts {
  const t = now.toISOString();
  return {
    blocks: items.filter((i): i is BlockItem => i.itemType === 'block'),
    consents: items.filter((i): i is ConsentItem => i.itemType === 'consent'),
    emergency: items.filter((i): i is EmergencyItem => i.itemType === 'emergency' && String(i.expiresAt) > t),
    ...(rev !== undefined ? { rev } : {}),
  };
}

/** Every item of the citizen's facts item: what a change rebuilds it from (expired grants drop out). */
export function factItems(facts: CitizenFacts): (BlockItem | ConsentItem | EmergencyItem)[] {
  return [...facts.blocks, ...facts.consents, ...facts.emergency];
}

/**
 * Everything the access decision needs to know about a citizen: blocks, consents and emergency
 * grants (expired grants are left out), in one consistent query of the citizen's partition, so a
 * block takes effect on the very next request. The partition holds the facts item too: its `rev`
 * comes with it.
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
  const copy = items.find((i) => i.itemType === 'citizen-facts') as CitizenFactsItem | undefined;
  return factsOf(items, now, copy?.rev);
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
  'message.read',
  'message.write',
]);

/**
 * A patient's national-id key never changes, so it is remembered per (tenant, patient): from the
 * second request on, the citizen's facts item is read in the same BatchGetItem as the patient.
 */
const nidKeys = new Map<string, string>();
const NID_KEY_CACHE = 10_000;

function rememberNidKey(tenant: string, patientId: string, nidKey: string): void {
  if (nidKeys.size >= NID_KEY_CACHE) nidKeys.clear();
  nidKeys.set(`${tenant}/${patientId}`, nidKey);
}

const NO_FACTS: CitizenFacts = { blocks: [], consents: [], emergency: [] };

/** A key another use case wants read in the access decision's BatchGetItem (the record, say). */
export type ReadAlong = { table: TableId; pk: string; sk: string };

/**
 * The facts for one decision, by key in ONE BatchGetItem with what the use case reads along (the
 * record; the audit head the request's first append will use): the patient, its access-facts item
 * (a copy of its relationships) and the citizen's facts item (a copy of blocks, consents and
 * grants; its key is the patient's national-id key, remembered from the first request). Each copy
 * is written in the same transaction as every change to what it copies, so reading it is reading
 * them. Where a copy is absent (data written before it existed) the decision queries what it
 * copies instead, as before, and writes the copy for the next request (best effort, only if still
 * absent: a concurrent change writes it under the same condition, so the copy never misses one).
 * `facts`: the citizen's facts item already read in this request (by a caller that knew the
 * national id before the patient), used instead of reading it in the batch when it is the
 * patient's citizen's.
 */
export async function loadContextAndFacts(
  session: TenantSession,
  patientId: string,
  action: JournalAction,
  now: Date,
  along: { keys?: ReadAlong[]; auditHead?: { requestId: string }; nidKey?: string; facts?: FactsRead } = {},
): Promise<{ context: PatientContext; facts: CitizenFacts; along: (Item | undefined)[] } | undefined> {
  const tenant = session.tenant;
  const pk = journalKeys.patientPk(tenant, patientId);
  const needsFacts = NEEDS_CITIZEN_FACTS.has(action);
  const given = needsFacts ? along.facts : undefined;
  const known = needsFacts && !given ? (along.nidKey ?? nidKeys.get(`${tenant}/${patientId}`)) : undefined;
  const head = along.auditHead ? auditHeadSlot(tenant, patientId, along.auditHead.requestId) : undefined;
  const keys: ReadAlong[] = [
    { table: 'journal', pk, sk: journalKeys.patientSk },
    { table: 'journal', pk, sk: journalKeys.accessSk },
    ...(known ? [{ table: 'sharing' as const, pk: sharingKeys.citizenPk(known), sk: sharingKeys.factsSk }] : []),
    ...(head ? [{ table: 'audit' as const, ...head.key }] : []),
    ...(along.keys ?? []),
  ];
  const items = await readForDecision(session, keys, head ? (known ? 3 : 2) : undefined);
  if (head && items[known ? 3 : 2] !== NOT_READ) head.offer(Promise.resolve(items[known ? 3 : 2]));
  const patient = items[0] as PatientItem | undefined;
  if (patient?.itemType !== 'patient') return undefined;
  const rest = items.slice(known ? 3 : 2);
  const alongItems = head ? rest.slice(1) : rest;
  rememberNidKey(tenant, patientId, patient.nidKey);
  const access = items[1] as PatientAccessItem | undefined;
  const read = given ? (given.nidKey === patient.nidKey ? given.item : undefined) : known === patient.nidKey ? items[2] : undefined;
  const copy = read?.itemType === 'citizen-facts' ? (read as CitizenFactsItem) : undefined;
  const [context, facts] = await Promise.all([
    access ? Promise.resolve<PatientContext>({ patient, relationships: access.relationships, accessRev: access.rev }) : contextByQuery(session, patient),
    !needsFacts ? NO_FACTS : copy ? factsOf(copy.items, now, copy.rev) : factsByQuery(session, patient.nidKey, now),
  ]);
  return { context, facts, along: alongItems };
}

const NOT_READ = Object.freeze({ notRead: true });

/**
 * The decision's BatchGetItem. The audit head in it is only a hint (the append reads it itself when
 * it has none): if the batch fails, it is read again without the head, so a failing audit log fails
 * the request where the append's failure is counted and alarmed on, not here.
 */
async function readForDecision(session: TenantSession, keys: ReadAlong[], headAt: number | undefined): Promise<(Item | undefined)[]> {
  try {
    return await session.db.getAcross(keys);
  } catch (error) {
    if (headAt === undefined) throw error;
    const items = await session.db.getAcross(keys.filter((_, i) => i !== headAt));
    return [...items.slice(0, headAt), NOT_READ, ...items.slice(headAt)];
  }
}

/** The relationships queried (no copy yet), and the copy written for the next request. */
async function contextByQuery(session: TenantSession, patient: PatientItem): Promise<PatientContext> {
  const context = (await loadPatientContext(session, patient.patientId)) ?? { patient, relationships: [] };
  const written = await bestEffort(session.db.transact([patientAccessWrite(session.tenant, patient.patientId, context.relationships, undefined)]));
  return written ? { ...context, accessRev: 1 } : context;
}

/**
 * The citizen's facts queried (no copy yet), and the copy written for the next request: through
 * the request's session (the region-wide sharing table under the function's own role, as the
 * platform handle would), so the write waits, like every write of the request, for the registry
 * to admit the caller.
 */
async function factsByQuery(session: TenantSession, nidKey: string, now: Date): Promise<CitizenFacts> {
  const facts = await loadCitizenFacts(nidKey, now);
  if (facts.rev !== undefined) return facts;
  const written = await bestEffort(session.db.transact([citizenFactsWrite(nidKey, factItems(facts), undefined, now)]));
  return written ? { ...facts, rev: 1 } : facts;
}

/** A copy written on a read path: a lost race (someone wrote it first) or a refusal leaves the read as it was. */
async function bestEffort(write: Promise<void>): Promise<boolean> {
  try {
    await write;
    return true;
  } catch {
    // The next change writes it under the same condition; the read above stands on what it queried.
    return false;
  }
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
  /** The items of `readAlong`, in its order (undefined: not found), read with the facts. */
  along: (Item | undefined)[];
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
  extra: { recordId?: string; target?: AccessInput['target']; message?: AccessInput['message']; hidden?: () => Error; readAlong?: ReadAlong[] } = {},
): Promise<Authorized> {
  const now = nowOf(req);
  // Allowed or refused, the outcome is audited in this patient's log: its head is read with the facts.
  const loaded = await loadContextAndFacts(req.session, patientId, action, now, { keys: extra.readAlong, auditHead: { requestId: req.requestId } });
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
    ...(extra.message ? { message: extra.message } : {}),
    ...factsForDecision(facts),
  });
  if (!decision.allow) {
    await recordAccess([accessEvent(req, auditAction, 'denied', { patientId, nidKey: context.patient.nidKey, recordId: extra.recordId }, decision)], req);
    throw refusal(decision.rule, extra.hidden);
  }
  return { context, decision, along: loaded.along };
}

/** Records a refusal that a use case makes after access was allowed (e.g. only the author may sign). */
export async function denyAfterAccess(req: TenantRequest, auditAction: string, target: EventTarget, rule: string, detail: string): Promise<never> {
  await recordAccess([accessEvent(req, auditAction, 'denied', target, { rule, purposeOfUse: 'TREAT' })], req);
  throw new ForbiddenError(detail, { rule });
}
