import type { Role } from '../../shared/auth/caller';
import type { PurposeOfUse } from '../audit/audit-event';

/**
 * THE access decision for patient data: data in, decision out, no I/O. Every journal route (and,
 * later, the sharing service) loads the facts, calls decideAccess and records `rule` in the audit
 * event, so one function answers "may this caller do this to this patient now, and why".
 */

/** What the caller wants to do with one patient. */
export type JournalAction =
  /** Demographics (name, birth date): what a search shows. */
  | 'patient.read'
  /** Journal content: entries, history, timeline. */
  | 'journal.read'
  /** Create, edit, sign, correct or mark entries. */
  | 'journal.write'
  | 'relationship.list'
  | 'relationship.create'
  | 'relationship.end';

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

export interface AccessInput {
  caller: AccessCaller;
  /** The tenant whose data is asked for. */
  tenant: string;
  action: JournalAction;
  patient: { id: string; nationalIdKey: string };
  relationships: readonly RelationshipFact[];
  now: Date;
  /** For relationship.create / relationship.end: the relationship's subject. */
  target?: { subject: { kind: 'user' | 'unit'; id: string }; createdBy?: string };
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
}

/** Rule names, so tests and the audit views can refer to them. */
export const RULES = {
  operator: 'operator-no-patient-data',
  auditor: 'auditor-no-journal-content',
  otherTenant: 'other-tenant',
  citizenOwn: 'citizen-own-record',
  citizenOther: 'citizen-not-own-record',
  citizenWrite: 'citizen-read-only',
  vendorGrant: 'vendor-grant',
  vendorScope: 'vendor-missing-scope',
  relationshipUser: 'care-relationship-user',
  relationshipUnit: 'care-relationship-unit',
  noRelationship: 'no-care-relationship',
  staffDemographics: 'tenant-staff-demographics',
  adminAdministers: 'tenant-admin-administers-relationships',
  selfRelationship: 'clinician-own-relationship',
  ownUnitRelationship: 'clinician-own-unit-relationship',
  otherSubject: 'clinician-other-subject',
  endOwn: 'clinician-ends-own-relationship',
  notAllowed: 'role-not-allowed',
} as const;

const READ_ACTIONS: ReadonlySet<JournalAction> = new Set(['patient.read', 'journal.read']);

/** Whether a relationship is in force at `now`: started, not past validTo, not ended. */
export function relationshipInForce(r: RelationshipFact, now: Date): boolean {
  const t = now.getTime();
  if (r.endedAt && Date.parse(r.endedAt) <= t) return false;
  return Date.parse(r.validFrom) <= t && t < Date.parse(r.validTo);
}

function deny(rule: string, purposeOfUse: PurposeOfUse = 'TREAT'): AccessDecision {
  return { allow: false, rule, purposeOfUse };
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

/**
 * Decides one access. Order matters: who can never see patient data first (operators, auditors,
 * callers of another tenant), then citizens (own record, read-only), vendors (the tenant's grant),
 * then health personnel (a care relationship in force) and administration (tenant-admin).
 * Blocks, consent and emergency access are added here by the sharing service.
 */
export function decideAccess(input: AccessInput): AccessDecision {
  const { caller, action } = input;

  if (has(caller, 'operator') && !has(caller, 'clinician')) return deny(RULES.operator, 'OPERATE');

  if (has(caller, 'citizen')) {
    if (!caller.nationalIdKey || caller.nationalIdKey !== input.patient.nationalIdKey) return deny(RULES.citizenOther, 'CITIZEN');
    if (!READ_ACTIONS.has(action)) return deny(RULES.citizenWrite, 'CITIZEN');
    return { allow: true, rule: RULES.citizenOwn, purposeOfUse: 'CITIZEN', reasonCode: 'own-record' };
  }

  if (caller.kind === 'client') {
    const needed = READ_ACTIONS.has(action) || action === 'relationship.list' ? 'journal.read' : 'journal.write';
    if (action === 'relationship.create' || action === 'relationship.end') return deny(RULES.notAllowed);
    if (!caller.scopes?.includes(needed)) return deny(RULES.vendorScope);
    return { allow: true, rule: RULES.vendorGrant, purposeOfUse: 'TREAT', reasonCode: 'vendor-grant' };
  }

  if (caller.tenant !== input.tenant) return deny(RULES.otherTenant);

  if (has(caller, 'auditor') && !has(caller, 'clinician') && !has(caller, 'tenant-admin')) return deny(RULES.auditor, 'AUDIT');

  const isClinician = has(caller, 'clinician');
  const isAdmin = has(caller, 'tenant-admin');

  switch (action) {
    case 'patient.read':
      if (isClinician || isAdmin) return { allow: true, rule: RULES.staffDemographics, purposeOfUse: isClinician ? 'TREAT' : 'ADMIN', reasonCode: 'tenant-staff' };
      return deny(RULES.notAllowed);

    case 'journal.read':
    case 'journal.write':
    case 'relationship.list': {
      if (action === 'relationship.list' && isAdmin) return { allow: true, rule: RULES.adminAdministers, purposeOfUse: 'ADMIN', reasonCode: 'administration' };
      if (!isClinician) return deny(RULES.notAllowed);
      const covering = coveringRelationship(input);
      if (!covering) return deny(RULES.noRelationship);
      return { allow: true, rule: covering.rule, purposeOfUse: 'TREAT', reasonCode: 'care-relationship', relationshipId: covering.rel.id };
    }

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
