// @ts-nocheck
import type { Role } from '../../shared/auth/caller';
import { CONSENT_REQUIRED_CATEGORIES, type BlockTarget } from '../../shared/contracts/sharing';
import type { PurposeOfUse } from './audit-event';

/**
 * THE access decision for patient data, in the journal and in sharing: data in, decision out, no
 * I/O. Every journal and sharing use case loads the facts (care relationships, the citizen's
 * blocks, consents and emergency grants, the document asked for), calls decideAccess and records
 * `rule` in the audit event, so one function answers "may this caller do this to this patient's
 * data now, and why".
 */

/** What the caller wants to do with one patient. */
export type JournalAction =
  /** Register a new patient in the caller's municipality (no patient data is read). */
  | 'patient.create'
  /** Demographics (name, birth date): what a search shows; refused to a person or unit the citizen has blocked. */
  | 'patient.read'
  /** Journal content in the patient's municipality: entries, history, timeline. */
  | 'journal.read'
  /** Create, edit, sign, correct or mark entries. */
  | 'journal.write'
  | 'relationship.list'
  | 'relationship.create'
  | 'relationship.end'
  /** List the patient's shared documents in other municipalities (the patient is in the caller's). */
  | 'sharing.list'
  /** Retrieve one document; `tenant` is the document's origin (may be the caller's own). */
  | 'sharing.retrieve'
  /** Ask for emergency access (akuttilgang) to a patient of the caller's municipality. */
  | 'emergency.request'
  /** See the patient's blocks (staff acting on the patient's behalf; the citizen their own). */
  | 'block.read'
  /** Set or lift blocks, give or withdraw consent (the citizen, or staff on their behalf). */
  | 'block.manage';

export interface AccessCaller {
  sub: string;
  kind: 'person' | 'client';
  roles: readonly Role[];
  /** The caller's own tenant (persons); vendors act in the granting tenant. */
  tenant?: string;
  unit?: string;
  /** Vendor scopes (already checked against the tenant's grant by the middleware). */
  scopes?: readonly string[];
  /** nationalIdKey() of the caller's own pid, for citizens. */
  nationalIdKey?: string;
}

/** A care relationship as the decision needs it. */
export interface RelationshipFact {
  id: string;
  subject: { kind: 'user' | 'unit'; id: string };
  validFrom: string;
  validTo: string;
  endedAt?: string;
  createdBy?: string;
}

/** A block (sperring) of the citizen; lifted ones no longer count. */
export interface BlockFact {
  id: string;
  target: BlockTarget;
  liftedAt?: string;
}

/** The citizen's consent for one category. */
export interface ConsentFact {
  category: string;
  status: 'given' | 'withdrawn';
}

/** An emergency grant: to `sub` of `tenant`, from grantedAt (inclusive) to expiresAt (exclusive). */
export interface EmergencyFact {
  id: string;
  tenant: string;
  sub: string;
  grantedAt: string;
  expiresAt: string;
}

/** The document a sharing.retrieve asks for. */
export interface DocumentFact {
  id: string;
  /** Origin municipality (same as the input's `tenant`). */
  tenant: string;
  type: string;
}

export interface AccessPolicy {
  /** Categories shared across municipalities only with the citizen's consent. */
  consentRequired: readonly string[];
}

export const DEFAULT_POLICY: AccessPolicy = { consentRequired: CONSENT_REQUIRED_CATEGORIES };

export interface AccessInput {
  caller: AccessCaller;
  /** The tenant whose data is asked for (for sharing.retrieve: the document's origin). */
  tenant: string;
  action: JournalAction;
  patient: { id: string; nationalIdKey: string };
  /** The care relationships of the patient in the CALLER's municipality. */
  relationships: readonly RelationshipFact[];
  now: Date;
  /** For relationship.create / relationship.end: the relationship's subject. */
  target?: { subject: { kind: 'user' | 'unit'; id: string }; createdBy?: string };
  blocks?: readonly BlockFact[];
  consents?: readonly ConsentFact[];
  emergency?: readonly EmergencyFact[];
  document?: DocumentFact;
  policy?: AccessPolicy;
}

export interface AccessDecision {
  allow: boolean;
  /** The rule that decided; recorded in the audit event. */
  rule: string;
  purposeOfUse: PurposeOfUse;
  /** Coded reason shown in the citizen's access log. */
  reasonCode?: string;
  /** The relationship that gave access, where one did. */
  relationshipId?: string;
  /** Set when emergency access gave access: every event it causes is flagged for review. */
  emergency?: true;
  emergencyId?: string;
  /** The block that refused, where one did (never shown to the caller). */
  blockId?: string;
}

/** Rule names, so tests and the audit views can refer to them. */
export const RULES = {
  operator: 'operator-no-patient-data',
  auditor: 'auditor-no-journal-content',
  otherTenant: 'other-tenant',
  citizenOwn: 'citizen-own-record',
  citizenOther: 'citizen-not-own-record',
  citizenWrite: 'citizen-read-only',
  citizenBlocks: 'citizen-manages-own-blocks',
  vendorGrant: 'vendor-grant',
  vendorScope: 'vendor-missing-scope',
  vendorSharing: 'vendor-no-sharing',
  relationshipUser: 'care-relationship-user',
  relationshipUnit: 'care-relationship-unit',
  noRelationship: 'no-care-relationship',
  staffDemographics: 'tenant-staff-demographics',
  staffCreatesPatient: 'tenant-staff-creates-patient',
  adminAdministers: 'tenant-admin-administers-relationships',
  adminBlocks: 'tenant-admin-registers-blocks',
  selfRelationship: 'clinician-own-relationship',
  ownUnitRelationship: 'clinician-own-unit-relationship',
  otherSubject: 'clinician-other-subject',
  endOwn: 'clinician-ends-own-relationship',
  notAllowed: 'role-not-allowed',
  blockedPerson: 'blocked-person',
  blockedUnit: 'blocked-unit',
  blockedAllSharing: 'blocked-all-sharing',
  blockedDocument: 'blocked-document',
  blockedCategory: 'blocked-category',
  consentMissing: 'consent-missing',
  emergency: 'emergency-access',
  emergencyRequest: 'emergency-access-self-authorised',
} as const;

/** Reading actions: what a citizen may do with their own data, and what emergency access opens. */
const READ_ACTIONS: ReadonlySet<JournalAction> = new Set(['patient.read', 'journal.read', 'sharing.list', 'sharing.retrieve', 'block.read']);
const EMERGENCY_OPENS: ReadonlySet<JournalAction> = new Set(['journal.read', 'sharing.list', 'sharing.retrieve']);
const SHARING_ACTIONS: ReadonlySet<JournalAction> = new Set(['sharing.list', 'sharing.retrieve', 'emergency.request', 'block.read', 'block.manage']);

/** Whether a relationship is in force at `now`: started, not past validTo, not ended. */
export function relationshipInForce(r: RelationshipFact, now: Date): boolean {
  const t = now.getTime();
  if (r.endedAt && Date.parse(r.endedAt) <= t) return false;
  return Date.parse(r.validFrom) <= t && t < Date.parse(r.validTo);
}

/** Whether a block is in force at `now` (lifting takes effect at once). */
export function blockInForce(b: Pick<BlockFact, 'liftedAt'>, now: Date): boolean {
  return !b.liftedAt || Date.parse(b.liftedAt) > now.getTime();
}

/** Whether an emergency grant is in force at `now`. */
export function emergencyInForce(e: EmergencyFact, now: Date): boolean {
  const t = now.getTime();
  return Date.parse(e.grantedAt) <= t && t < Date.parse(e.expiresAt);
}

function deny(rule: string, purposeOfUse: PurposeOfUse = 'TREAT', blockId?: string): AccessDecision {
  return { allow: false, rule, purposeOfUse, ...(blockId ? { blockId } : {}) };
}

function has(caller: AccessCaller, role: Role): boolean {
  return caller.roles.includes(role);
}

/** The relationship in force that covers the caller (their own first, then their unit's). */
function coveringRelationship(input: AccessInput): { rel: RelationshipFact; rule: string } | undefined {
  const { caller, relationships, now } = input;
  const live = relationships.filter((r) => relationshipInForce(r, now));
  const own = live.find((r) => r.subject.kind === 'user' && r.subject.id === caller.sub);
  if (own) return { rel: own, rule: RULES.relationshipUser };
  const unit = caller.unit ? live.find((r) => r.subject.kind === 'unit' && r.subject.id === caller.unit) : undefined;
  if (unit) return { rel: unit, rule: RULES.relationshipUnit };
  return undefined;
}

/** The rules of a block on the caller themself (person) or their unit: the patient is hidden from them. */
const HIDING_RULES: ReadonlySet<string> = new Set([RULES.blockedPerson, RULES.blockedUnit]);

/**
 * Whether a refusal by `rule` hides the patient: to a person or unit the citizen has blocked, the
 * patient does not exist. Such refusals are answered exactly as an unknown patient (and a
 * registration of the citizen as one the caller may not make), never naming the block; the audit
 * event keeps the real rule, for the citizen and the auditor.
 */
export function hidesPatient(rule: string): boolean {
  return HIDING_RULES.has(rule);
}

/** A person or unit block on this caller, in force: the citizen is hidden from them on every path. */
function hidingBlock(input: AccessInput): AccessDecision | undefined {
  const { caller, now } = input;
  const live = (input.blocks ?? []).filter((b) => blockInForce(b, now));
  const person = live.find((b) => b.target.kind === 'person' && b.target.userId === caller.sub);
  if (person) return deny(RULES.blockedPerson, 'TREAT', person.id);
  const unit = live.find((b) => b.target.kind === 'unit' && b.target.tenant === caller.tenant && caller.unit !== undefined && b.target.unitId === caller.unit);
  if (unit) return deny(RULES.blockedUnit, 'TREAT', unit.id);
  return undefined;
}

/**
 * The citizen's blocks that refuse this caller this access, most specific to the person first.
 * Person and unit blocks hold everywhere (the home municipality too) and under emergency access;
 * all-sharing, document and category blocks hold for every other municipality.
 */
function blockingRule(input: AccessInput, crossTenant: boolean): AccessDecision | undefined {
  const hidden = hidingBlock(input);
  if (hidden) return hidden;
  if (!crossTenant) return undefined;
  const { now } = input;
  const live = (input.blocks ?? []).filter((b) => blockInForce(b, now));
  const all = live.find((b) => b.target.kind === 'all-sharing');
  if (all) return deny(RULES.blockedAllSharing, 'TREAT', all.id);
  const doc = input.document;
  if (!doc) return undefined;
  const document = live.find((b) => b.target.kind === 'document' && b.target.documentId === doc.id);
  if (document) return deny(RULES.blockedDocument, 'TREAT', document.id);
  const category = live.find((b) => b.target.kind === 'category' && b.target.category === doc.type);
  if (category) return deny(RULES.blockedCategory, 'TREAT', category.id);
  return undefined;
}

/** Documents of consent-requiring categories cross municipality borders only while consent is given. */
function consentMissing(input: AccessInput): boolean {
  const doc = input.document;
  if (!doc) return false;
  const policy = input.policy ?? DEFAULT_POLICY;
  if (!policy.consentRequired.includes(doc.type)) return false;
  return !(input.consents ?? []).some((c) => c.category === doc.type && c.status === 'given');
}

function activeEmergency(input: AccessInput): EmergencyFact | undefined {
  const { caller, now } = input;
  return (input.emergency ?? []).find((e) => e.sub === caller.sub && e.tenant === caller.tenant && emergencyInForce(e, now));
}

/**
 * Health personnel's access to content: blocks first (they win over everything, emergency
 * included), then consent for other municipalities, then the basis: a care relationship in force
 * (TREAT), or for reading only, the caller's own emergency grant in force (BTG, flagged).
 */
function clinicianContent(input: AccessInput, crossTenant: boolean): AccessDecision {
  const { action } = input;
  const blocked = blockingRule(input, crossTenant);
  if (blocked) return blocked;
  if (crossTenant && action === 'sharing.retrieve' && consentMissing(input)) return deny(RULES.consentMissing);
  if (action === 'emergency.request') return { allow: true, rule: RULES.emergencyRequest, purposeOfUse: 'BTG', reasonCode: 'emergency-access' };
  const covering = coveringRelationship(input);
  if (covering) return { allow: true, rule: covering.rule, purposeOfUse: 'TREAT', reasonCode: 'care-relationship', relationshipId: covering.rel.id };
  const grant = EMERGENCY_OPENS.has(action) ? activeEmergency(input) : undefined;
  if (grant) return { allow: true, rule: RULES.emergency, purposeOfUse: 'BTG', reasonCode: 'emergency-access', emergency: true, emergencyId: grant.id };
  return deny(RULES.noRelationship);
}

/**
 * Decides one access. Order matters: who can never see patient data first (operators, auditors,
 * callers of another tenant outside sharing), then citizens (own data, read-only, own blocks),
 * vendors (the tenant's grant, never sharing), then health personnel (blocks, consent, then a care
 * relationship in force or emergency access) and administration (tenant-admin).
 */
export function decideAccess(input: AccessInput): AccessDecision {
  const { caller, action } = input;

  if (has(caller, 'operator') && !has(caller, 'clinician')) return deny(RULES.operator, 'OPERATE');

  if (has(caller, 'citizen')) {
    if (!caller.nationalIdKey || caller.nationalIdKey !== input.patient.nationalIdKey) return deny(RULES.citizenOther, 'CITIZEN');
    if (action === 'block.manage') return { allow: true, rule: RULES.citizenBlocks, purposeOfUse: 'CITIZEN', reasonCode: 'own-record' };
    if (!READ_ACTIONS.has(action)) return deny(RULES.citizenWrite, 'CITIZEN');
    return { allow: true, rule: RULES.citizenOwn, purposeOfUse: 'CITIZEN', reasonCode: 'own-record' };
  }

  if (caller.kind === 'client') {
    if (SHARING_ACTIONS.has(action)) return deny(RULES.vendorSharing);
    const needed = READ_ACTIONS.has(action) || action === 'relationship.list' ? 'journal.read' : 'journal.write';
    if (action === 'relationship.create' || action === 'relationship.end') return deny(RULES.notAllowed);
    if (!caller.scopes?.includes(needed)) return deny(RULES.vendorScope);
    if (action === 'patient.create') return { allow: true, rule: RULES.staffCreatesPatient, purposeOfUse: 'TREAT' };
    return { allow: true, rule: RULES.vendorGrant, purposeOfUse: 'TREAT', reasonCode: 'vendor-grant' };
  }

  // Only retrieval of a shared document reaches into another municipality's data.
  const crossTenant = caller.tenant !== input.tenant;
  if (!caller.tenant || (crossTenant && action !== 'sharing.retrieve')) return deny(RULES.otherTenant);

  if (has(caller, 'auditor') && !has(caller, 'clinician') && !has(caller, 'tenant-admin')) return deny(RULES.auditor, 'AUDIT');

  const isClinician = has(caller, 'clinician');
  const isAdmin = has(caller, 'tenant-admin');

  // To a person or unit the citizen has blocked, the citizen does not exist: every action on their
  // data is refused by the block. (Registering reads nobody's data; the registration use case asks
  // patient.read whether the caller may know the citizen, see patient-service.ts.)
  if ((isClinician || isAdmin) && action !== 'patient.create') {
    const hidden = hidingBlock(input);
    if (hidden) return hidden;
  }

  switch (action) {
    case 'patient.create':
      // Registering a patient reads nobody's data: any clinician or administrator of the municipality.
      if (!isClinician && !isAdmin) return deny(RULES.notAllowed);
      return { allow: true, rule: RULES.staffCreatesPatient, purposeOfUse: isClinician ? 'TREAT' : 'ADMIN' };

    case 'patient.read': {
      if (!isClinician && !isAdmin) return deny(RULES.notAllowed);
      // A person or unit the citizen has blocked does not even find them (above); the other blocks
      // are about what crosses municipality borders, which demographics never do.
      return { allow: true, rule: RULES.staffDemographics, purposeOfUse: isClinician ? 'TREAT' : 'ADMIN', reasonCode: 'tenant-staff' };
    }

    case 'relationship.list': {
      if (isAdmin) return { allow: true, rule: RULES.adminAdministers, purposeOfUse: 'ADMIN', reasonCode: 'administration' };
      if (!isClinician) return deny(RULES.notAllowed);
      const covering = coveringRelationship(input);
      if (!covering) return deny(RULES.noRelationship);
      return { allow: true, rule: covering.rule, purposeOfUse: 'TREAT', reasonCode: 'care-relationship', relationshipId: covering.rel.id };
    }

    case 'block.read':
    case 'block.manage': {
      if (isAdmin) return { allow: true, rule: RULES.adminBlocks, purposeOfUse: 'ADMIN', reasonCode: 'administration' };
      if (!isClinician) return deny(RULES.notAllowed);
      const covering = coveringRelationship(input);
      if (!covering) return deny(RULES.noRelationship);
      return { allow: true, rule: covering.rule, purposeOfUse: 'TREAT', reasonCode: 'care-relationship', relationshipId: covering.rel.id };
    }

    case 'journal.read':
    case 'journal.write':
    case 'sharing.list':
    case 'sharing.retrieve':
    case 'emergency.request':
      if (!isClinician) return deny(RULES.notAllowed);
      // The list is only ever of other municipalities' documents, so sharing blocks apply to it.
      return clinicianContent(input, crossTenant || action === 'sharing.list');

    case 'relationship.create': {
      const subject = input.target?.subject;
      if (!subject) return deny(RULES.otherSubject);
      if (isAdmin) return { allow: true, rule: RULES.adminAdministers, purposeOfUse: 'ADMIN', reasonCode: 'administration' };
      if (!isClinician) return deny(RULES.notAllowed);
      if (subject.kind === 'user' && subject.id === caller.sub) return { allow: true, rule: RULES.selfRelationship, purposeOfUse: 'TREAT', reasonCode: 'care-relationship' };
      if (subject.kind === 'unit' && caller.unit && subject.id === caller.unit) return { allow: true, rule: RULES.ownUnitRelationship, purposeOfUse: 'TREAT', reasonCode: 'care-relationship' };
      return deny(RULES.otherSubject);
    }

    case 'relationship.end': {
      const target = input.target;
      if (!target) return deny(RULES.otherSubject);
      if (isAdmin) return { allow: true, rule: RULES.adminAdministers, purposeOfUse: 'ADMIN', reasonCode: 'administration' };
      if (!isClinician) return deny(RULES.notAllowed);
      const ownSubject = (target.subject.kind === 'user' && target.subject.id === caller.sub) || (target.subject.kind === 'unit' && target.subject.id === caller.unit);
      if (ownSubject || target.createdBy === caller.sub) return { allow: true, rule: RULES.endOwn, purposeOfUse: 'TREAT', reasonCode: 'care-relationship' };
      return deny(RULES.otherSubject);
    }

    default: {
      const unreachable: never = action;
      return deny(`unknown-action:${String(unreachable)}`);
    }
  }
}
