// @ts-nocheck
import { describe, expect, it } from 'vitest';
import { decideAccess, relationshipInForce, RULES, type AccessInput, type RelationshipFact } from '../../functions/core/access-decision';

const now = new Date('2025-06-01T12:00:00Z');
const day = 86_400_000;
const iso = (offsetDays: number) => new Date(now.getTime() + offsetDays * day).toISOString();

const nurse = { sub: 'oslo.sykepleier', kind: 'person' as const, roles: ['clinician' as const], tenant: '0301', unit: '0301-hjem-sagene' };
const rel = (over: Partial<RelationshipFact> = {}): RelationshipFact => ({ id: 'r1', subject: { kind: 'user', id: 'oslo.sykepleier' }, validFrom: iso(-1), validTo: iso(30), createdBy: 'oslo.sykepleier', ...over });

function input(over: Partial<AccessInput> = {}): AccessInput {
  return { caller: nurse, tenant: '0301', action: 'journal.read', patient: { id: 'p1', nationalIdKey: 'nid-key' }, relationships: [], now, ...over };
}

describe('decideAccess', () => {
  it('allows journal reads and writes through the caller’s own relationship in force, naming it', () => {
    for (const action of ['journal.read', 'journal.write'] as const) {
      expect(decideAccess(input({ action, relationships: [rel()] }))).toEqual({ allow: true, rule: RULES.relationshipUser, purposeOfUse: 'TREAT', reasonCode: 'care-relationship', relationshipId: 'r1' });
    }
  });

  it('allows through a relationship of the caller’s unit', () => {
    const d = decideAccess(input({ relationships: [rel({ id: 'u1', subject: { kind: 'unit', id: '0301-hjem-sagene' } })] }));
    expect(d).toMatchObject({ allow: true, rule: RULES.relationshipUnit, relationshipId: 'u1' });
  });

  it.each([
    ['none', []],
    ['someone else’s', [rel({ subject: { kind: 'user', id: 'oslo.lege' } })]],
    ['another unit’s', [rel({ subject: { kind: 'unit', id: '0301-lege-torshov' } })]],
    ['an expired', [rel({ validTo: iso(-0.5) })]],
    ['a future', [rel({ validFrom: iso(1) })]],
    ['an ended', [rel({ endedAt: iso(-0.1) })]],
  ])('refuses with %s relationship', (_what, relationships) => {
    expect(decideAccess(input({ relationships }))).toMatchObject({ allow: false, rule: RULES.noRelationship });
  });

  it('refuses callers of another tenant even with a matching relationship', () => {
    expect(decideAccess(input({ tenant: '4601', relationships: [rel()] }))).toMatchObject({ allow: false, rule: RULES.otherTenant });
  });

  it('never lets operators or auditors see journal content', () => {
    expect(decideAccess(input({ caller: { sub: 'drift', kind: 'person', roles: ['operator'] }, relationships: [rel({ subject: { kind: 'user', id: 'drift' } })] }))).toMatchObject({ allow: false, rule: RULES.operator });
    for (const action of ['journal.read', 'patient.read', 'relationship.list'] as const) {
      expect(decideAccess(input({ action, caller: { sub: 'oslo.revisor', kind: 'person', roles: ['auditor'], tenant: '0301' } }))).toMatchObject({ allow: false, rule: RULES.auditor });
    }
  });

  it('lets a citizen read only their own record, and never write', () => {
    const citizen = { sub: 'innbygger.kari', kind: 'person' as const, roles: ['citizen' as const], nationalIdKey: 'nid-key' };
    expect(decideAccess(input({ caller: citizen }))).toMatchObject({ allow: true, rule: RULES.citizenOwn, purposeOfUse: 'CITIZEN' });
    expect(decideAccess(input({ caller: citizen, action: 'journal.write' }))).toMatchObject({ allow: false, rule: RULES.citizenWrite });
    expect(decideAccess(input({ caller: { ...citizen, nationalIdKey: 'other' } }))).toMatchObject({ allow: false, rule: RULES.citizenOther });
    expect(decideAccess(input({ caller: { ...citizen, nationalIdKey: undefined } }))).toMatchObject({ allow: false, rule: RULES.citizenOther });
  });

  it('lets vendors act within the scopes of their grant, never on relationships', () => {
    const vendor = { sub: 'epj', kind: 'client' as const, roles: ['vendor' as const], scopes: ['journal.read'] };
    expect(decideAccess(input({ caller: vendor }))).toMatchObject({ allow: true, rule: RULES.vendorGrant });
    expect(decideAccess(input({ caller: vendor, action: 'journal.write' }))).toMatchObject({ allow: false, rule: RULES.vendorScope });
    expect(decideAccess(input({ caller: vendor, action: 'relationship.create', target: { subject: { kind: 'user', id: 'epj' } } }))).toMatchObject({ allow: false });
  });

  it('lets clinicians create relationships for themselves or their unit; tenant admins for anyone', () => {
    const create = (caller: AccessInput['caller'], subject: { kind: 'user' | 'unit'; id: string }) => decideAccess(input({ caller, action: 'relationship.create', target: { subject } }));
    expect(create(nurse, { kind: 'user', id: 'oslo.sykepleier' })).toMatchObject({ allow: true, rule: RULES.selfRelationship });
    expect(create(nurse, { kind: 'unit', id: '0301-hjem-sagene' })).toMatchObject({ allow: true, rule: RULES.ownUnitRelationship });
    expect(create(nurse, { kind: 'user', id: 'oslo.lege' })).toMatchObject({ allow: false, rule: RULES.otherSubject });
    expect(create(nurse, { kind: 'unit', id: '0301-lege-torshov' })).toMatchObject({ allow: false, rule: RULES.otherSubject });
    const admin = { sub: 'oslo.admin', kind: 'person' as const, roles: ['tenant-admin' as const], tenant: '0301' };
    expect(create(admin, { kind: 'user', id: 'oslo.lege' })).toMatchObject({ allow: true, rule: RULES.adminAdministers, purposeOfUse: 'ADMIN' });
    // An admin administers relationships but does not read journal content.
    expect(decideAccess(input({ caller: admin, relationships: [rel({ subject: { kind: 'user', id: 'oslo.admin' } })] }))).toMatchObject({ allow: false, rule: RULES.notAllowed });
  });

  it('lets a relationship be ended by its subject, its creator or a tenant admin only', () => {
    const end = (caller: AccessInput['caller'], target: AccessInput['target']) => decideAccess(input({ caller, action: 'relationship.end', target }));
    expect(end(nurse, { subject: { kind: 'user', id: 'oslo.sykepleier' }, createdBy: 'oslo.admin' })).toMatchObject({ allow: true });
    expect(end(nurse, { subject: { kind: 'user', id: 'oslo.lege' }, createdBy: 'oslo.sykepleier' })).toMatchObject({ allow: true });
    expect(end(nurse, { subject: { kind: 'user', id: 'oslo.lege' }, createdBy: 'oslo.lege' })).toMatchObject({ allow: false });
  });
});

describe('patient.create (registering a patient) is in the one rule list', () => {
  const create = (caller: AccessInput['caller'], tenant = '0301') => decideAccess(input({ caller, tenant, action: 'patient.create' }));

  it('lets clinicians (TREAT), tenant admins (ADMIN) and vendor systems with journal.write register patients in their municipality', () => {
    expect(create(nurse)).toEqual({ allow: true, rule: RULES.staffCreatesPatient, purposeOfUse: 'TREAT' });
    expect(create({ sub: 'oslo.admin', kind: 'person', roles: ['tenant-admin'], tenant: '0301' })).toEqual({ allow: true, rule: RULES.staffCreatesPatient, purposeOfUse: 'ADMIN' });
    expect(create({ sub: 'epj', kind: 'client', roles: ['vendor'], scopes: ['journal.write'], tenant: '0301' })).toEqual({ allow: true, rule: RULES.staffCreatesPatient, purposeOfUse: 'TREAT' });
  });

  it('refuses citizens, other municipalities, operators, auditors and vendors without journal.write', () => {
    expect(create({ sub: 'innbygger', kind: 'person', roles: ['citizen'], nationalIdKey: 'nid-key' })).toMatchObject({ allow: false, rule: RULES.citizenWrite });
    expect(create({ sub: 'innbygger', kind: 'person', roles: ['citizen'], nationalIdKey: 'other' })).toMatchObject({ allow: false, rule: RULES.citizenOther });
    expect(create(nurse, '4601')).toMatchObject({ allow: false, rule: RULES.otherTenant });
    expect(create({ sub: 'drift', kind: 'person', roles: ['operator'] })).toMatchObject({ allow: false, rule: RULES.operator });
    expect(create({ sub: 'oslo.revisor', kind: 'person', roles: ['auditor'], tenant: '0301' })).toMatchObject({ allow: false, rule: RULES.auditor });
    expect(create({ sub: 'epj', kind: 'client', roles: ['vendor'], scopes: ['journal.read'], tenant: '0301' })).toMatchObject({ allow: false, rule: RULES.vendorScope });
  });

  it('is not refused by the citizen\'s blocks: registering reads nobody\'s data', () => {
    expect(decideAccess(input({ action: 'patient.create', blocks: [{ id: 'b', target: { kind: 'person', userId: 'oslo.sykepleier' } }] }))).toMatchObject({ allow: true, rule: RULES.staffCreatesPatient });
  });
});

describe('relationshipInForce', () => {
  it('is in force from validFrom (inclusive) to validTo (exclusive), unless ended', () => {
    expect(relationshipInForce(rel({ validFrom: now.toISOString() }), now)).toBe(true);
    expect(relationshipInForce(rel({ validTo: now.toISOString() }), now)).toBe(false);
    expect(relationshipInForce(rel({ endedAt: iso(1) }), now)).toBe(true);
  });
});
