// @ts-nocheck
import { describe, expect, it } from 'vitest';
import {
  blockInForce,
  decideAccess,
  emergencyInForce,
  hidesPatient,
  relationshipInForce,
  RULES,
  type AccessInput,
  type BlockFact,
  type EmergencyFact,
  type JournalAction,
  type RelationshipFact,
} from '../../functions/core/access-decision';

/**
 * The edges of the access decision that the decision table does not reach: the exact instants a
 * relationship, block or emergency grant starts and ends, each condition of each rule on its own
 * (so no condition can be dropped or replaced by `true` unnoticed), and the recorded rule names.
 * Written to kill the mutants Stryker found surviving (npm run test:mutation, docs/testing.md).
 */

const now = new Date('2026-03-01T12:00:00.000Z');
const at = (ms: number) => new Date(now.getTime() + ms).toISOString();
const NOW = now.toISOString();
const HOME = '0301';
const OTHER = '4601';
const ME = 'oslo.sykepleier';
const MY_UNIT = '0301-hjem-sagene';

const nurse: AccessInput['caller'] = { sub: ME, kind: 'person', roles: ['clinician'], tenant: HOME, unit: MY_UNIT };
const admin: AccessInput['caller'] = { sub: 'oslo.admin', kind: 'person', roles: ['tenant-admin'], tenant: HOME };
const rel = (over: Partial<RelationshipFact> = {}): RelationshipFact => ({ id: 'r1', subject: { kind: 'user', id: ME }, validFrom: at(-3_600_000), validTo: at(3_600_000), ...over });
const grant = (over: Partial<EmergencyFact> = {}): EmergencyFact => ({ id: 'e1', tenant: HOME, sub: ME, grantedAt: at(-60_000), expiresAt: at(60_000), ...over });
const input = (over: Partial<AccessInput> = {}): AccessInput => ({ caller: nurse, tenant: HOME, action: 'journal.read', patient: { id: 'p1', nationalIdKey: 'nid-key' }, relationships: [], now, ...over });
const doc = (type = 'epikrise') => ({ id: `${OTHER}-doc-1`, tenant: OTHER, type });
const retrieve = (over: Partial<AccessInput> = {}) => input({ tenant: OTHER, action: 'sharing.retrieve', document: doc(), relationships: [rel()], ...over });

describe('time boundaries (inclusive start, exclusive end, to the millisecond)', () => {
  it('a relationship is in force from the instant validFrom, until the instant validTo or endedAt', () => {
    expect(relationshipInForce(rel({ validFrom: NOW }), now)).toBe(true);
    expect(relationshipInForce(rel({ validFrom: at(1) }), now)).toBe(false);
    expect(relationshipInForce(rel({ validTo: at(1) }), now)).toBe(true);
    expect(relationshipInForce(rel({ validTo: NOW }), now)).toBe(false);
    // Ending takes effect at once: ended at this very instant is no longer in force.
    expect(relationshipInForce(rel({ endedAt: NOW }), now)).toBe(false);
    expect(relationshipInForce(rel({ endedAt: at(-1) }), now)).toBe(false);
    expect(relationshipInForce(rel({ endedAt: at(1) }), now)).toBe(true);
  });

  it('a block holds until the instant it is lifted', () => {
    expect(blockInForce({}, now)).toBe(true);
    expect(blockInForce({ liftedAt: at(1) }, now)).toBe(true);
    expect(blockInForce({ liftedAt: NOW }, now)).toBe(false);
    expect(blockInForce({ liftedAt: at(-1) }, now)).toBe(false);
  });

  it('an emergency grant opens from grantedAt (inclusive) to expiresAt (exclusive)', () => {
    expect(emergencyInForce(grant({ grantedAt: NOW }), now)).toBe(true);
    expect(emergencyInForce(grant({ grantedAt: at(1) }), now)).toBe(false);
    expect(emergencyInForce(grant({ expiresAt: at(1) }), now)).toBe(true);
    expect(emergencyInForce(grant({ expiresAt: NOW }), now)).toBe(false);
  });

  it('decides by those instants: access ends with the relationship, a lifted block stops refusing, an expired grant gives nothing', () => {
    expect(decideAccess(input({ relationships: [rel({ validTo: NOW })] }))).toMatchObject({ allow: false, rule: RULES.noRelationship });
    expect(decideAccess(input({ relationships: [rel({ endedAt: NOW })] }))).toMatchObject({ allow: false, rule: RULES.noRelationship });
    expect(decideAccess(input({ relationships: [rel({ validFrom: NOW })] }))).toMatchObject({ allow: true, rule: RULES.relationshipUser });
    const block: BlockFact = { id: 'b', target: { kind: 'person', userId: ME } };
    expect(decideAccess(input({ relationships: [rel()], blocks: [{ ...block, liftedAt: NOW }] }))).toMatchObject({ allow: true });
    expect(decideAccess(input({ relationships: [rel()], blocks: [{ ...block, liftedAt: at(1) }] }))).toMatchObject({ allow: false, rule: RULES.blockedPerson });
    expect(decideAccess(input({ emergency: [grant({ expiresAt: NOW })] }))).toMatchObject({ allow: false, rule: RULES.noRelationship });
    expect(decideAccess(input({ emergency: [grant({ grantedAt: NOW })] }))).toMatchObject({ allow: true, rule: RULES.emergency, emergency: true });
  });
});

describe('health personnel: relationships, blocks, consent and emergency access, each condition on its own', () => {
  it('prefers the caller’s own relationship over their unit’s, and names the one that gave access', () => {
    const unitRel = rel({ id: 'u1', subject: { kind: 'unit', id: MY_UNIT } });
    expect(decideAccess(input({ relationships: [unitRel, rel({ id: 'own' })] }))).toMatchObject({ allow: true, rule: RULES.relationshipUser, relationshipId: 'own' });
    // A relationship no longer in force is passed over for one that is.
    expect(decideAccess(input({ relationships: [rel({ id: 'old', validTo: NOW }), unitRel] }))).toMatchObject({ allow: true, rule: RULES.relationshipUnit, relationshipId: 'u1' });
    // A user relationship whose id is the caller's unit, or a unit one whose id is the caller, is someone else's.
    expect(decideAccess(input({ relationships: [rel({ subject: { kind: 'user', id: MY_UNIT } })] }))).toMatchObject({ allow: false, rule: RULES.noRelationship });
    expect(decideAccess(input({ relationships: [rel({ subject: { kind: 'unit', id: ME } })] }))).toMatchObject({ allow: false, rule: RULES.noRelationship });
  });

  it('opens only reading to an emergency grant: never writing, and only the caller’s own grant in their municipality', () => {
    for (const action of ['journal.read', 'sharing.list'] as const) {
      expect(decideAccess(input({ action, emergency: [grant()] }))).toEqual({ allow: true, rule: RULES.emergency, purposeOfUse: 'BTG', reasonCode: 'emergency-access', emergency: true, emergencyId: 'e1' });
    }
    expect(decideAccess(retrieve({ relationships: [], emergency: [grant()] }))).toMatchObject({ allow: true, rule: RULES.emergency });
    expect(decideAccess(input({ action: 'journal.write', emergency: [grant()] }))).toEqual({ allow: false, rule: RULES.noRelationship, purposeOfUse: 'TREAT' });
    expect(decideAccess(input({ emergency: [grant({ sub: 'oslo.lege' })] }))).toMatchObject({ allow: false });
    expect(decideAccess(input({ emergency: [grant({ tenant: OTHER })] }))).toMatchObject({ allow: false });
    // Of several grants, the one in force is used.
    expect(decideAccess(input({ emergency: [grant({ id: 'old', expiresAt: NOW }), grant({ id: 'new' })] }))).toMatchObject({ allow: true, emergencyId: 'new' });
  });

  it('lets a clinician ask for emergency access without a relationship, flagged BTG, unless blocked', () => {
    expect(decideAccess(input({ action: 'emergency.request' }))).toEqual({ allow: true, rule: RULES.emergencyRequest, purposeOfUse: 'BTG', reasonCode: 'emergency-access' });
    expect(decideAccess(input({ action: 'emergency.request', blocks: [{ id: 'b', target: { kind: 'person', userId: ME } }] }))).toEqual({ allow: false, rule: RULES.blockedPerson, purposeOfUse: 'TREAT', blockId: 'b' });
  });

  it('refuses by the block, naming it for the audit trail; a refusal without a block names none', () => {
    expect(decideAccess(input({ relationships: [rel()], blocks: [{ id: 'bu', target: { kind: 'unit', tenant: HOME, unitId: MY_UNIT } }] }))).toEqual({ allow: false, rule: RULES.blockedUnit, purposeOfUse: 'TREAT', blockId: 'bu' });
    expect(decideAccess(input())).toEqual({ allow: false, rule: RULES.noRelationship, purposeOfUse: 'TREAT' });
    // A caller without a unit is not hidden by a unit block.
    const noUnit = { sub: ME, kind: 'person' as const, roles: ['clinician' as const], tenant: HOME };
    expect(decideAccess(input({ caller: noUnit, relationships: [rel()], blocks: [{ id: 'bu', target: { kind: 'unit', tenant: HOME, unitId: MY_UNIT } }] }))).toMatchObject({ allow: true });
    // Another unit of the caller's municipality is another unit.
    expect(decideAccess(input({ relationships: [rel()], blocks: [{ id: 'bu', target: { kind: 'unit', tenant: HOME, unitId: '0301-lege-torshov' } }] }))).toMatchObject({ allow: true });
  });

  it('applies sharing blocks only across municipality borders: all-sharing, then the document, then its category', () => {
    const all: BlockFact = { id: 'ba', target: { kind: 'all-sharing' } };
    const document: BlockFact = { id: 'bd', target: { kind: 'document', documentId: `${OTHER}-doc-1` } };
    const category: BlockFact = { id: 'bc', target: { kind: 'category', category: 'epikrise' } };
    expect(decideAccess(retrieve({ blocks: [category, document, all] }))).toEqual({ allow: false, rule: RULES.blockedAllSharing, purposeOfUse: 'TREAT', blockId: 'ba' });
    expect(decideAccess(retrieve({ blocks: [category, document] }))).toEqual({ allow: false, rule: RULES.blockedDocument, purposeOfUse: 'TREAT', blockId: 'bd' });
    expect(decideAccess(retrieve({ blocks: [category] }))).toEqual({ allow: false, rule: RULES.blockedCategory, purposeOfUse: 'TREAT', blockId: 'bc' });
    // A lifted sharing block no longer refuses.
    expect(decideAccess(retrieve({ blocks: [{ ...all, liftedAt: NOW }, { ...document, liftedAt: NOW }, { ...category, liftedAt: NOW }] }))).toMatchObject({ allow: true });
    // Blocks on another document or category do not refuse this one.
    expect(decideAccess(retrieve({ blocks: [{ id: 'x', target: { kind: 'document', documentId: `${OTHER}-doc-2` } }, { id: 'y', target: { kind: 'category', category: 'tiltaksplan' } }] }))).toMatchObject({ allow: true });
    // In the home municipality, sharing blocks do not apply to its own documents.
    expect(decideAccess(retrieve({ tenant: HOME, document: { ...doc(), tenant: HOME }, blocks: [all, document, category] }))).toMatchObject({ allow: true, rule: RULES.relationshipUser });
    // The list of shared documents is always of other municipalities: all-sharing refuses it; without a document, the others cannot.
    expect(decideAccess(input({ action: 'sharing.list', relationships: [rel()], blocks: [all] }))).toMatchObject({ allow: false, rule: RULES.blockedAllSharing });
    expect(decideAccess(input({ action: 'sharing.list', relationships: [rel()], blocks: [document, category] }))).toMatchObject({ allow: true });
  });

  it('needs the citizen’s consent, given for that category, to retrieve a consent-requiring document from another municipality', () => {
    const plan = retrieve({ document: doc('tiltaksplan') });
    expect(decideAccess(plan)).toEqual({ allow: false, rule: RULES.consentMissing, purposeOfUse: 'TREAT' });
    expect(decideAccess({ ...plan, consents: [{ category: 'tiltaksplan', status: 'withdrawn' }] })).toMatchObject({ allow: false, rule: RULES.consentMissing });
    expect(decideAccess({ ...plan, consents: [{ category: 'epikrise', status: 'given' }] })).toMatchObject({ allow: false, rule: RULES.consentMissing });
    expect(decideAccess({ ...plan, consents: [{ category: 'tiltaksplan', status: 'given' }] })).toMatchObject({ allow: true, rule: RULES.relationshipUser });
    // The default policy names tiltaksplan; a municipality's policy may name other categories.
    expect(decideAccess({ ...retrieve(), policy: { consentRequired: ['epikrise'] } })).toMatchObject({ allow: false, rule: RULES.consentMissing });
    expect(decideAccess({ ...plan, policy: { consentRequired: [] } })).toMatchObject({ allow: true });
    // Without a document fact (none found) there is no category to ask consent for: the basis decides, and the use case answers 404.
    expect(decideAccess(retrieve({ document: undefined }))).toMatchObject({ allow: true, rule: RULES.relationshipUser });
    // Within the home municipality, and for the list, consent plays no part.
    expect(decideAccess({ ...plan, tenant: HOME, document: { ...doc('tiltaksplan'), tenant: HOME } })).toMatchObject({ allow: true });
    expect(decideAccess(input({ action: 'sharing.list', relationships: [rel()] }))).toMatchObject({ allow: true });
  });
});

describe('who is asking: each role condition on its own', () => {
  it('refuses a caller without a municipality, and reaching into another municipality except to retrieve a shared document', () => {
    const homeless = { sub: ME, kind: 'person' as const, roles: ['clinician' as const] };
    expect(decideAccess(input({ caller: homeless, relationships: [rel()] }))).toEqual({ allow: false, rule: RULES.otherTenant, purposeOfUse: 'TREAT' });
    for (const action of ['patient.read', 'journal.read', 'journal.write', 'sharing.list', 'relationship.list', 'block.read', 'emergency.request'] as const) {
      expect(decideAccess(input({ action, tenant: OTHER, relationships: [rel()] }))).toMatchObject({ allow: false, rule: RULES.otherTenant });
    }
    expect(decideAccess(retrieve())).toMatchObject({ allow: true });
  });

  it('lets an operator who is also a clinician act as the clinician, and an auditor who is also clinician or admin act in that role', () => {
    const both = { ...nurse, roles: ['operator' as const, 'clinician' as const] };
    expect(decideAccess(input({ caller: both, relationships: [rel()] }))).toMatchObject({ allow: true, rule: RULES.relationshipUser });
    expect(decideAccess(input({ caller: { sub: 'drift', kind: 'person', roles: ['operator'] } }))).toEqual({ allow: false, rule: RULES.operator, purposeOfUse: 'OPERATE' });
    const auditor = { sub: 'oslo.revisor', kind: 'person' as const, roles: ['auditor' as const], tenant: HOME };
    expect(decideAccess(input({ caller: auditor }))).toEqual({ allow: false, rule: RULES.auditor, purposeOfUse: 'AUDIT' });
    expect(decideAccess(input({ caller: { ...auditor, roles: ['auditor', 'clinician'] }, relationships: [rel({ subject: { kind: 'user', id: 'oslo.revisor' } })] }))).toMatchObject({ allow: true });
    expect(decideAccess(input({ caller: { ...auditor, roles: ['auditor', 'tenant-admin'] }, action: 'relationship.list' }))).toMatchObject({ allow: true, rule: RULES.adminAdministers });
  });

  it('gives a person with neither clinician nor admin role nothing in the municipality', () => {
    const nobody = { sub: 'oslo.x', kind: 'person' as const, roles: [] as [], tenant: HOME };
    const all: JournalAction[] = ['patient.create', 'patient.read', 'journal.read', 'journal.write', 'relationship.list', 'sharing.list', 'emergency.request', 'block.read', 'block.manage'];
    for (const action of all) expect(decideAccess(input({ caller: nobody, action, relationships: [rel({ subject: { kind: 'user', id: 'oslo.x' } })] }))).toEqual({ allow: false, rule: RULES.notAllowed, purposeOfUse: 'TREAT' });
    // A block on such a person changes nothing: the refusal is recorded as the role's, not the block's.
    expect(decideAccess(input({ caller: nobody, action: 'journal.read', blocks: [{ id: 'b', target: { kind: 'person', userId: 'oslo.x' } }] }))).toEqual({ allow: false, rule: RULES.notAllowed, purposeOfUse: 'TREAT' });
    for (const action of ['relationship.create', 'relationship.end'] as const) {
      expect(decideAccess(input({ caller: nobody, action, target: { subject: { kind: 'user', id: 'oslo.x' }, createdBy: 'oslo.x' } }))).toMatchObject({ allow: false, rule: RULES.notAllowed });
    }
  });

  it('lets a citizen read (block.read included) and manage their own blocks, nothing else, with an empty key never matching', () => {
    const citizen = { sub: 'innbygger', kind: 'person' as const, roles: ['citizen' as const], nationalIdKey: 'nid-key' };
    for (const action of ['patient.read', 'journal.read', 'sharing.list', 'sharing.retrieve', 'block.read'] as const) {
      expect(decideAccess(input({ caller: citizen, action }))).toEqual({ allow: true, rule: RULES.citizenOwn, purposeOfUse: 'CITIZEN', reasonCode: 'own-record' });
    }
    expect(decideAccess(input({ caller: citizen, action: 'block.manage' }))).toEqual({ allow: true, rule: RULES.citizenBlocks, purposeOfUse: 'CITIZEN', reasonCode: 'own-record' });
    for (const action of ['journal.write', 'relationship.list', 'relationship.create', 'relationship.end', 'emergency.request', 'patient.create'] as const) {
      expect(decideAccess(input({ caller: citizen, action }))).toEqual({ allow: false, rule: RULES.citizenWrite, purposeOfUse: 'CITIZEN' });
    }
    expect(decideAccess(input({ caller: { ...citizen, nationalIdKey: '' }, patient: { id: 'p1', nationalIdKey: '' } }))).toEqual({ allow: false, rule: RULES.citizenOther, purposeOfUse: 'CITIZEN' });
  });

  it('lets a vendor system use its grant’s scopes on the journal, never sharing, blocks or relationships', () => {
    const vendor = { sub: 'epj', kind: 'client' as const, roles: ['vendor' as const], tenant: HOME, scopes: ['journal.read', 'journal.write'] };
    for (const action of ['sharing.list', 'sharing.retrieve', 'emergency.request', 'block.read', 'block.manage'] as const) {
      expect(decideAccess(input({ caller: vendor, action }))).toEqual({ allow: false, rule: RULES.vendorSharing, purposeOfUse: 'TREAT' });
    }
    for (const action of ['relationship.create', 'relationship.end'] as const) {
      expect(decideAccess(input({ caller: vendor, action, target: { subject: { kind: 'user', id: 'epj' } } }))).toEqual({ allow: false, rule: RULES.notAllowed, purposeOfUse: 'TREAT' });
    }
    for (const action of ['patient.read', 'journal.read', 'journal.write', 'relationship.list'] as const) {
      expect(decideAccess(input({ caller: vendor, action }))).toEqual({ allow: true, rule: RULES.vendorGrant, purposeOfUse: 'TREAT', reasonCode: 'vendor-grant' });
    }
    // Listing relationships reads; reading needs journal.read, writing journal.write.
    const reader = { ...vendor, scopes: ['journal.read'] };
    const writer = { ...vendor, scopes: ['journal.write'] };
    expect(decideAccess(input({ caller: reader, action: 'relationship.list' }))).toMatchObject({ allow: true });
    expect(decideAccess(input({ caller: writer, action: 'relationship.list' }))).toEqual({ allow: false, rule: RULES.vendorScope, purposeOfUse: 'TREAT' });
    expect(decideAccess(input({ caller: writer, action: 'patient.read' }))).toMatchObject({ allow: false, rule: RULES.vendorScope });
    expect(decideAccess(input({ caller: reader, action: 'journal.write' }))).toMatchObject({ allow: false, rule: RULES.vendorScope });
    expect(decideAccess(input({ caller: { ...vendor, scopes: undefined } }))).toMatchObject({ allow: false, rule: RULES.vendorScope });
  });

  it('fails closed on an action it does not know', () => {
    expect(decideAccess(input({ action: 'journal.delete' as JournalAction, relationships: [rel()] }))).toEqual({ allow: false, rule: 'unknown-action:journal.delete', purposeOfUse: 'TREAT' });
  });
});

describe('administration: relationships and blocks', () => {
  it('lets a clinician list relationships and read or manage blocks only through a relationship in force; a tenant admin always', () => {
    for (const action of ['relationship.list', 'block.read', 'block.manage'] as const) {
      expect(decideAccess(input({ action }))).toEqual({ allow: false, rule: RULES.noRelationship, purposeOfUse: 'TREAT' });
      expect(decideAccess(input({ action, relationships: [rel()] }))).toEqual({ allow: true, rule: RULES.relationshipUser, purposeOfUse: 'TREAT', reasonCode: 'care-relationship', relationshipId: 'r1' });
      expect(decideAccess(input({ action, relationships: [rel({ id: 'u', subject: { kind: 'unit', id: MY_UNIT } })] }))).toMatchObject({ allow: true, rule: RULES.relationshipUnit, relationshipId: 'u' });
    }
    expect(decideAccess(input({ caller: admin, action: 'relationship.list' }))).toEqual({ allow: true, rule: RULES.adminAdministers, purposeOfUse: 'ADMIN', reasonCode: 'administration' });
    for (const action of ['block.read', 'block.manage'] as const) {
      expect(decideAccess(input({ caller: admin, action }))).toEqual({ allow: true, rule: RULES.adminBlocks, purposeOfUse: 'ADMIN', reasonCode: 'administration' });
    }
    expect(decideAccess(input({ caller: admin, action: 'patient.read' }))).toEqual({ allow: true, rule: RULES.staffDemographics, purposeOfUse: 'ADMIN', reasonCode: 'tenant-staff' });
    expect(decideAccess(input({ action: 'patient.read' }))).toEqual({ allow: true, rule: RULES.staffDemographics, purposeOfUse: 'TREAT', reasonCode: 'tenant-staff' });
  });

  it('hides the patient from a blocked tenant admin on every path but registration', () => {
    const blocked = { blocks: [{ id: 'b', target: { kind: 'person' as const, userId: 'oslo.admin' } }] };
    for (const action of ['relationship.list', 'block.read', 'block.manage'] as const) {
      expect(decideAccess(input({ caller: admin, action, ...blocked }))).toMatchObject({ allow: false, rule: RULES.blockedPerson });
    }
    expect(decideAccess(input({ caller: admin, action: 'relationship.create', target: { subject: { kind: 'user', id: ME } }, ...blocked }))).toMatchObject({ allow: false, rule: RULES.blockedPerson });
    expect(decideAccess(input({ caller: admin, action: 'patient.create', ...blocked }))).toMatchObject({ allow: true, rule: RULES.staffCreatesPatient });
  });

  it('lets relationships be created and ended only with a target; a tenant admin for anyone, a clinician for themself or their unit', () => {
    for (const action of ['relationship.create', 'relationship.end'] as const) {
      expect(decideAccess(input({ caller: admin, action }))).toEqual({ allow: false, rule: RULES.otherSubject, purposeOfUse: 'TREAT' });
      expect(decideAccess(input({ action }))).toMatchObject({ allow: false, rule: RULES.otherSubject });
      expect(decideAccess(input({ caller: admin, action, target: { subject: { kind: 'user', id: 'oslo.lege' } } }))).toEqual({ allow: true, rule: RULES.adminAdministers, purposeOfUse: 'ADMIN', reasonCode: 'administration' });
    }
    const create = (caller: AccessInput['caller'], subject: { kind: 'user' | 'unit'; id: string }) => decideAccess(input({ caller, action: 'relationship.create', target: { subject } }));
    expect(create(nurse, { kind: 'user', id: ME })).toEqual({ allow: true, rule: RULES.selfRelationship, purposeOfUse: 'TREAT', reasonCode: 'care-relationship' });
    expect(create(nurse, { kind: 'unit', id: MY_UNIT })).toEqual({ allow: true, rule: RULES.ownUnitRelationship, purposeOfUse: 'TREAT', reasonCode: 'care-relationship' });
    // The kind matters: a unit named like the caller, or a user named like their unit, is someone else.
    expect(create(nurse, { kind: 'unit', id: ME })).toMatchObject({ allow: false, rule: RULES.otherSubject });
    expect(create(nurse, { kind: 'user', id: MY_UNIT })).toMatchObject({ allow: false, rule: RULES.otherSubject });
    const noUnit = { sub: ME, kind: 'person' as const, roles: ['clinician' as const], tenant: HOME };
    expect(create(noUnit, { kind: 'unit', id: MY_UNIT })).toMatchObject({ allow: false, rule: RULES.otherSubject });
  });

  it('lets a clinician end a relationship of themself, of their unit, or that they created; nobody else’s', () => {
    const end = (target: AccessInput['target'], caller = nurse) => decideAccess(input({ caller, action: 'relationship.end', target }));
    expect(end({ subject: { kind: 'user', id: ME }, createdBy: 'oslo.admin' })).toEqual({ allow: true, rule: RULES.endOwn, purposeOfUse: 'TREAT', reasonCode: 'care-relationship' });
    expect(end({ subject: { kind: 'unit', id: MY_UNIT }, createdBy: 'oslo.admin' })).toMatchObject({ allow: true, rule: RULES.endOwn });
    expect(end({ subject: { kind: 'unit', id: 'oslo.lege' }, createdBy: ME })).toMatchObject({ allow: true, rule: RULES.endOwn });
    expect(end({ subject: { kind: 'unit', id: ME }, createdBy: 'oslo.admin' })).toEqual({ allow: false, rule: RULES.otherSubject, purposeOfUse: 'TREAT' });
    expect(end({ subject: { kind: 'user', id: MY_UNIT }, createdBy: 'oslo.admin' })).toMatchObject({ allow: false });
    expect(end({ subject: { kind: 'unit', id: '0301-lege-torshov' } })).toMatchObject({ allow: false });
  });
});

describe('the rule names recorded in audit events', () => {
  it('stay as stored: the audit views and every event already written refer to them', () => {
    expect(RULES).toEqual({
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
    });
  });

  it('hide the patient only for a person or unit block', () => {
    expect(hidesPatient(RULES.blockedPerson)).toBe(true);
    expect(hidesPatient(RULES.blockedUnit)).toBe(true);
    for (const rule of [RULES.blockedAllSharing, RULES.blockedDocument, RULES.blockedCategory, RULES.noRelationship, RULES.otherTenant]) expect(hidesPatient(rule)).toBe(false);
  });
});
