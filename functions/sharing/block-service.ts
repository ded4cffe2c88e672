import type { TenantSession } from '../../shared/db/sessions';
import { randomUUID } from 'node:crypto';
import type { Block, BlockList, BlockTarget, BlockTargetView, ConsentList, CreateBlockOnBehalfRequest, MyBlockRequest, SetConsentRequest, SharingCategory } from '../../shared/contracts/sharing';
import { CONSENT_REQUIRED_CATEGORIES, parseDocumentId, sharingCategorySchema } from '../../shared/contracts/sharing';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../shared/errors';
import { readTenantProfile } from '../../shared/tenancy/tenant-profile';
import { getUser } from '../../shared/tenancy/user-store';
import { listRegistryTenants } from '../../shared/tenancy/tenant-profile';
import type { AuditEventInput } from '../core/audit-event';
import { blockInForce, decideAccess, type AccessDecision } from '../core/access-decision';
import { recordAccess, type GuardedWrite } from '../core/commit';
import {
  accessCallerOf,
  accessEvent,
  citizenKeyOf,
  deniedDetail,
  factsForDecision,
  loadCitizenFacts,
  type CitizenFacts,
  loadContextAndFacts,
  nowOf,
  patientIdByNationalIdKey,
  patientNotFound,
  refusal,
  relationshipFacts,
  type PatientAccessRequest,
} from '../core/patient-access';
import { type BlockItem, type ChangedBy, type ConsentItem, getDocument, sharingKeys } from '../core/sharing-record';
import { deliverPendingAudit, type DeliverySessions } from './audit-outbox';
import { resolveMyTarget, type ResolvedTarget } from './block-targets';
import { citizenIdempotency, commitCitizenChange, commitStaffChange, replay, replayCitizen, staffIdempotency } from './sharing-commit';
import { blockPut, blockReplace, consentPut, factsCopyWrite, getBlock } from './sharing-store';

/**
 * Blocks (sperring) and consents (samtykke). A block covers future documents too, because it is
 * checked in every decision rather than copied onto documents; it is never deleted: lifting
 * records who lifted it and when, and the block stays in the citizen's history. The citizen sets
 * and lifts their own; staff do it on their behalf with a reason (audited). Every change is
 * written in one transaction with its audit event in a municipality where the citizen is a patient
 * (the staff member's own, or for the citizen the first one) and, under the request's
 * Idempotency-Key, its record; a citizen's change is owed to the others' logs through an outbox
 * item in that transaction (./sharing-commit.ts, ./audit-outbox.ts), which reading the blocks or
 * consents also finishes.
 */

/**
 * The citizen's own blocks and consents go through the one access decision as well (their own
 * national-id key as the patient): reading is `block.read`, changing is `block.manage`.
 */
async function citizenAccess(req: PatientAccessRequest, action: 'block.read' | 'block.manage'): Promise<{ nidKey: string; decision: AccessDecision }> {
  const nidKey = await citizenKeyOf(req.caller);
  const decision = decideAccess({
    caller: await accessCallerOf(req.caller),
    tenant: '0000',
    action,
    patient: { id: nidKey, nationalIdKey: nidKey },
    relationships: [],
    now: nowOf(req),
  });
  if (!decision.allow) throw new ForbiddenError(deniedDetail(decision.rule), { rule: decision.rule });
  return { nidKey, decision };
}

function changedBy(req: PatientAccessRequest): ChangedBy {
  return req.caller.roles.includes('citizen')
    ? { kind: 'citizen', sub: req.caller.sub, ...(req.caller.name ? { name: req.caller.name } : {}) }
    : { kind: 'staff', sub: req.caller.sub, ...(req.caller.name ? { name: req.caller.name } : {}), ...(req.tenant ? { tenant: req.tenant } : {}) };
}

/**
 * Who sees a block: the citizen sees names only (what they named, or the registry's name for it),
 * never an internal user or unit id, nor who set it on their behalf by id; staff see the ids.
 */
type Viewer = 'citizen' | 'staff';

function targetView(target: BlockItem['target'], viewer: Viewer): BlockTargetView {
  if (viewer === 'staff') return target;
  if (target.kind === 'person') return { kind: 'person' };
  if (target.kind === 'unit') return { kind: 'unit', tenant: target.tenant };
  return target;
}

function toBlock(item: BlockItem, now: Date, viewer: Viewer, label?: string): Block {
  const who = (c: ChangedBy) => ({
    kind: c.kind,
    ...(c.name ? { name: c.name } : {}),
    ...(c.kind === 'staff' ? { ...(viewer === 'staff' ? { id: c.sub } : {}), ...(c.tenant ? { tenantId: c.tenant } : {}) } : {}),
  });
  return {
    id: item.blockId,
    target: targetView(item.target, viewer),
    ...(label ? { targetLabel: label } : {}),
    active: blockInForce(item, now),
    createdAt: item.createdAt,
    createdBy: who(item.createdBy),
    ...(item.liftedAt ? { liftedAt: item.liftedAt } : {}),
    ...(item.liftedBy ? { liftedBy: who(item.liftedBy) } : {}),
  };
}

/** A readable name for person and unit targets, so the citizen recognises whom they blocked. */
async function labelOf(target: BlockItem['target']): Promise<string | undefined> {
  if (target.kind === 'person') return (await getUser(target.userId))?.name;
  if (target.kind === 'unit') {
    const profile = await readTenantProfile(target.tenant);
    const unit = profile?.units.find((u) => u.id === target.unitId);
    return unit && profile ? `${unit.name} (${profile.name})` : undefined;
  }
  // A target by name shows the name as the citizen gave it, whoever (if anyone) it matched.
  if (target.kind === 'named-person' || target.kind === 'named-unit') return `${target.name} (${(await readTenantProfile(target.tenant))?.name ?? target.tenant})`;
  return undefined;
}

/** Refuses targets that name nothing real (400, nothing written): another citizen's document, unknown people and units. */
async function checkTarget(target: BlockTarget, nidKey: string): Promise<void> {
  if (target.kind === 'document') {
    const { tenant, entryId } = parseDocumentId(target.documentId);
    const doc = await getDocument(tenant, entryId);
    if (!doc || doc.nidKey !== nidKey) throw new ValidationError('Ukjent dokument.', [{ field: 'body.documentId', message: 'Dokumentet finnes ikke for denne pasienten' }]);
  } else if (target.kind === 'person') {
    const user = await getUser(target.userId);
    if (!user || !user.roles.includes('clinician')) throw new ValidationError('Ukjent helsepersonell.', [{ field: 'body.userId', message: 'Finner ikke helsepersonell med denne id-en' }]);
  } else if (target.kind === 'unit') {
    const profile = await readTenantProfile(target.tenant);
    if (!profile?.units.some((u) => u.id === target.unitId)) throw new ValidationError('Ukjent enhet.', [{ field: 'body.unitId', message: 'Enheten finnes ikke i kommunen' }]);
  }
}

/** Municipalities where the citizen is a patient, with their patient id there. */
async function patientTenants(req: PatientAccessRequest, nidKey: string): Promise<{ tenant: string; patientId: string }[]> {
  const tenants = (await listRegistryTenants()).filter((t) => t.status === 'active');
  const hits = await Promise.all(tenants.map(async (t) => ({ tenant: t.id, patientId: await patientIdByNationalIdKey(await req.sessions.citizen(t.id), nidKey) })));
  return hits.filter((h): h is { tenant: string; patientId: string } => h.patientId !== undefined).sort((a, b) => a.tenant.localeCompare(b.tenant));
}

// ---------------------------------------------------------------------------------------------
// The citizen's own

async function citizenEvents(req: PatientAccessRequest, nidKey: string, decision: AccessDecision, action: string, recordId: string, details: Record<string, string | number | boolean>): Promise<AuditEventInput[]> {
  const tenants = await patientTenants(req, nidKey);
  return tenants.map((t) => accessEvent(req, action, 'success', { tenant: t.tenant, patientId: t.patientId, nidKey, recordId }, decision, details));
}

export async function listMyBlocks(req: PatientAccessRequest): Promise<BlockList> {
  const { nidKey } = await citizenAccess(req, 'block.read');
  const now = nowOf(req);
  await deliverPendingAudit(nidKey, citizenDelivery(req));
  const facts = await loadCitizenFacts(nidKey, now);
  return { blocks: await Promise.all(sortBlocks(facts.blocks).map(async (b) => toBlock(b, now, 'citizen', await labelOf(b.target)))) };
}

function sortBlocks(blocks: BlockItem[]): BlockItem[] {
  return [...blocks].sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1));
}

function newBlock(req: PatientAccessRequest, nidKey: string, { target, matches }: ResolvedTarget, now: Date): BlockItem {
  const blockId = randomUUID();
  return {
    pk: sharingKeys.citizenPk(nidKey),
    sk: sharingKeys.blockSk(blockId),
    itemType: 'block',
    blockId,
    target,
    ...(matches ? { matches } : {}),
    createdAt: now.toISOString(),
    createdBy: changedBy(req),
    version: 1,
  };
}


/**
 * The citizen blocks a document, a category, all sharing, a person or unit from a row of their
 * access log, or a person or unit by name and municipality (./block-targets.ts: the answer is the
 * same whether or not the name matched anyone).
 */
export async function createMyBlock(req: PatientAccessRequest, request: MyBlockRequest, idempotencyKey?: string): Promise<Block> {
  const { nidKey, decision } = await citizenAccess(req, 'block.manage');
  const idem = citizenIdempotency(nidKey, req, 'createMyBlock', idempotencyKey, request);
  const prior = await replayCitizen<Block>(nidKey, citizenDelivery(req), idem);
  if (prior) return prior;
  const now = nowOf(req);
  const resolved = await resolveMyTarget(req.caller, req.sessions, nidKey, request);
  if (resolved.target.kind === 'document') await checkTarget(resolved.target, nidKey);
  const item = newBlock(req, nidKey, resolved, now);
  // The event names the kind only, never whom (or how many) a name matched.
  const [events, facts] = await Promise.all([citizenEvents(req, nidKey, decision, 'sharing.block.create', item.blockId, { kind: item.target.kind }), loadCitizenFacts(nidKey, now)]);
  const value = toBlock(item, now, 'citizen', await labelOf(item.target));
  return commitCitizenFact(req, nidKey, idem, now, value, { write: blockPut(item), onConditionFailed: () => new ConflictError('Sperringen finnes allerede.') }, { facts, changed: item }, events);
}

async function lift(req: PatientAccessRequest, nidKey: string, blockId: string, now: Date): Promise<{ current: BlockItem; next: BlockItem }> {
  const current = await getBlock(nidKey, blockId);
  if (!current) throw new NotFoundError('Sperringen finnes ikke.');
  if (current.liftedAt) throw new ConflictError('Sperringen er allerede opphevet.');
  return { current, next: { ...current, liftedAt: now.toISOString(), liftedBy: changedBy(req), version: current.version + 1 } };
}

export async function liftMyBlock(req: PatientAccessRequest, blockId: string, idempotencyKey?: string): Promise<Block> {
  const { nidKey, decision } = await citizenAccess(req, 'block.manage');
  const idem = citizenIdempotency(nidKey, req, 'liftMyBlock', idempotencyKey, { blockId });
  const prior = await replayCitizen<Block>(nidKey, citizenDelivery(req), idem);
  if (prior) return prior;
  const now = nowOf(req);
  const [{ current, next }, facts] = await Promise.all([lift(req, nidKey, blockId, now), loadCitizenFacts(nidKey, now)]);
  const events = await citizenEvents(req, nidKey, decision, 'sharing.block.lift', blockId, { kind: current.target.kind });
  const value = toBlock(next, now, 'citizen', await labelOf(next.target));
  return commitCitizenFact(req, nidKey, idem, now, value, { write: blockReplace(next, current.version), onConditionFailed: () => new ConflictError('Sperringen ble endret samtidig; hent den på nytt.') }, { facts, changed: next }, events);
}

// ---------------------------------------------------------------------------------------------
// Staff on the citizen's behalf

interface Authorized {
  nidKey: string;
  decision: AccessDecision;
  /** The citizen's facts the decision stood on: what a change's copy is built from. */
  facts: CitizenFacts;
}

/** The one decision for staff seeing or changing a patient's blocks; refusals are audited, then 403. */
async function authorizeStaff(req: PatientAccessRequest, patientId: string, action: 'block.read' | 'block.manage', auditAction: string): Promise<Authorized> {
  if (!req.tenant || !req.session) throw new ForbiddenError('Bare personell i en kommune kan gjøre dette.');
  const now = nowOf(req);
  const loaded = await loadContextAndFacts(req.session, patientId, action, now);
  if (!loaded) throw patientNotFound();
  const nidKey = loaded.context.patient.nidKey;
  const decision = decideAccess({
    caller: await accessCallerOf(req.caller),
    tenant: req.tenant,
    action,
    patient: { id: patientId, nationalIdKey: nidKey },
    relationships: relationshipFacts(loaded.context),
    now,
    ...factsForDecision(loaded.facts),
  });
  if (!decision.allow) {
    await recordAccess([accessEvent(req, auditAction, 'denied', { tenant: req.tenant, patientId, nidKey }, decision, {})], req);
    throw refusal(decision.rule);
  }
  return { nidKey, decision, facts: loaded.facts };
}

export async function listPatientBlocks(req: PatientAccessRequest, patientId: string): Promise<BlockList> {
  const { nidKey, decision } = await authorizeStaff(req, patientId, 'block.read', 'sharing.block.list');
  const now = nowOf(req);
  await deliverPendingAudit(nidKey, staffDelivery(req));
  const facts = await loadCitizenFacts(nidKey, now);
  const blocks = await Promise.all(sortBlocks(facts.blocks).map(async (b) => toBlock(b, now, 'staff', await labelOf(b.target))));
  await recordAccess([accessEvent(req, 'sharing.block.list', 'success', { tenant: req.tenant!, patientId, nidKey }, decision, { count: blocks.length })], req);
  return { blocks };
}

function ownSession(req: PatientAccessRequest): { tenant: string; session: TenantSession } {
  if (!req.tenant || !req.session) throw new ForbiddenError('Bare personell i en kommune kan gjøre dette.');
  return { tenant: req.tenant, session: req.session };
}

/** A citizen's request delivers owed events with the citizen's own sessions. */
function citizenDelivery(req: PatientAccessRequest): DeliverySessions {
  return (tenant) => req.sessions.citizen(tenant);
}

/**
 * A citizen's own change of one block or consent: its write and the new copy of their access
 * facts (what every decision reads) in one commit, with the idempotency record and the audit events.
 */
function commitCitizenFact<T>(
  req: PatientAccessRequest,
  nidKey: string,
  idem: Parameters<typeof commitCitizenChange>[2],
  now: Date,
  value: T,
  write: GuardedWrite,
  copy: { facts: CitizenFacts; changed: Parameters<typeof factsCopyWrite>[2] },
  events: AuditEventInput[],
): Promise<T> {
  return commitCitizenChange(nidKey, citizenDelivery(req), idem, now, value, [write, factsCopyWrite(nidKey, copy.facts, copy.changed, now)], events);
}

/**
 * A staff request delivers owed events to its own municipality only; the others are left to the
 * citizen's next request or the scheduled sweep (a staff session reaches no other municipality's log
 * beyond audit appends, and delivery also strikes the item off the outbox).
 */
function staffDelivery(req: PatientAccessRequest): DeliverySessions {
  return (tenant) => Promise.resolve(req.session?.tenant === tenant ? req.session : undefined);
}

export async function createPatientBlock(req: PatientAccessRequest, patientId: string, body: CreateBlockOnBehalfRequest, idempotencyKey?: string): Promise<Block> {
  const { tenant, session } = ownSession(req);
  const idem = staffIdempotency(session, req, 'createPatientBlock', idempotencyKey, { patientId, body });
  const prior = await replay<Block>(idem);
  if (prior) return prior;
  const { nidKey, decision, facts } = await authorizeStaff(req, patientId, 'block.manage', 'sharing.block.create');
  const now = nowOf(req);
  await checkTarget(body.target, nidKey);
  const item = newBlock(req, nidKey, { target: body.target }, now);
  const event = { ...accessEvent(req, 'sharing.block.create', 'success', { tenant, patientId, nidKey, recordId: item.blockId }, decision, { kind: body.target.kind, onBehalfOfCitizen: true }), reason: body.reason };
  const value = toBlock(item, now, 'staff', await labelOf(body.target));
  return commitStaffChange(session, idem, now, value, [{ write: blockPut(item), onConditionFailed: () => new ConflictError('Sperringen finnes allerede.') }, factsCopyWrite(nidKey, facts, item, now)], [event]);
}

export async function liftPatientBlock(req: PatientAccessRequest, patientId: string, blockId: string, idempotencyKey?: string): Promise<Block> {
  const { tenant, session } = ownSession(req);
  const idem = staffIdempotency(session, req, 'liftPatientBlock', idempotencyKey, { patientId, blockId });
  const prior = await replay<Block>(idem);
  if (prior) return prior;
  const { nidKey, decision, facts } = await authorizeStaff(req, patientId, 'block.manage', 'sharing.block.lift');
  const now = nowOf(req);
  const { current, next } = await lift(req, nidKey, blockId, now);
  const event = accessEvent(req, 'sharing.block.lift', 'success', { tenant, patientId, nidKey, recordId: blockId }, decision, { kind: current.target.kind, onBehalfOfCitizen: true });
  const value = toBlock(next, now, 'staff', await labelOf(next.target));
  return commitStaffChange(
    session,
    idem,
    now,
    value,
    [{ write: blockReplace(next, current.version), onConditionFailed: () => new ConflictError('Sperringen ble endret samtidig; hent den på nytt.') }, factsCopyWrite(nidKey, facts, next, now)],
    [event],
  );
}

// ---------------------------------------------------------------------------------------------
// Consents

function consentList(items: ConsentItem[]): ConsentList {
  return {
    consents: sharingCategorySchema.options.map((category: SharingCategory) => {
      const item = items.find((c) => c.category === category);
      return { category, required: CONSENT_REQUIRED_CATEGORIES.includes(category), status: item?.status ?? 'none', ...(item ? { changedAt: item.changedAt } : {}) };
    }),
  };
}

export async function listMyConsents(req: PatientAccessRequest): Promise<ConsentList> {
  const { nidKey } = await citizenAccess(req, 'block.read');
  await deliverPendingAudit(nidKey, citizenDelivery(req));
  return consentList((await loadCitizenFacts(nidKey, nowOf(req))).consents);
}

/** Gives or withdraws consent for one category; each change is recorded (conditional on the version read). */
export async function setMyConsent(req: PatientAccessRequest, body: SetConsentRequest, idempotencyKey?: string): Promise<ConsentList> {
  const { nidKey, decision } = await citizenAccess(req, 'block.manage');
  const idem = citizenIdempotency(nidKey, req, 'setMyConsent', idempotencyKey, body);
  const prior = await replayCitizen<ConsentList>(nidKey, citizenDelivery(req), idem);
  if (prior) return prior;
  const now = nowOf(req);
  const facts = await loadCitizenFacts(nidKey, now);
  const current = facts.consents.find((c) => c.category === body.category);
  const next: ConsentItem = {
    pk: sharingKeys.citizenPk(nidKey),
    sk: sharingKeys.consentSk(body.category),
    itemType: 'consent',
    category: body.category,
    status: body.status,
    changedAt: now.toISOString(),
    changedBy: changedBy(req),
    version: (current?.version ?? 0) + 1,
  };
  const events = await citizenEvents(req, nidKey, decision, `sharing.consent.${body.status === 'given' ? 'give' : 'withdraw'}`, body.category, { category: body.category });
  const value = consentList([...facts.consents.filter((c) => c.category !== body.category), next]);
  return commitCitizenFact(req, nidKey, idem, now, value, { write: consentPut(next, current?.version), onConditionFailed: () => new ConflictError('Samtykket ble endret samtidig; prøv igjen.') }, { facts, changed: next }, events);
}
