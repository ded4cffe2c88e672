// @ts-nocheck
import { describe, expect, it } from 'vitest';
import { decideAccess, RULES, type AccessInput, type BlockFact, type JournalAction } from '../../functions/core/access-decision';
import type { Role } from '../../shared/auth/caller';

/**
 * The decision table: every combination of municipality (same / other), care relationship
 * (yes / no), block kind, consent, emergency access (none / active / expired), role and action,
 * decided by decideAccess and compared with the rules as the README states them, written out
 * independently below (an ordered list of rules; the first that applies decides).
 */

const now = new Date('2026-03-01T12:00:00Z');
const hour = 3_600_000;
const iso = (offsetHours: number) => new Date(now.getTime() + offsetHours * hour).toISOString();

const HOME = '0301';
const OTHER = '4601';
const ME = 'oslo.sykepleier';
const MY_UNIT = '0301-hjem-sagene';
const DOC_ID = `${OTHER}-11111111-1111-4111-8111-111111111111`;

const TENANTS = ['same', 'other'] as const;
const RELATIONSHIPS = ['yes', 'no'] as const;
const BLOCKS = ['none', 'document', 'category', 'all-sharing', 'person', 'unit', 'person-lifted', 'person-other', 'document-other'] as const;
const CONSENTS = ['not-required', 'required-given', 'required-withdrawn', 'required-none'] as const;
const EMERGENCIES = ['none', 'active', 'expired'] as const;
const ROLES = ['clinician', 'tenant-admin', 'auditor', 'citizen-own', 'citizen-other', 'operator', 'vendor'] as const;
const ACTIONS: JournalAction[] = ['patient.read', 'journal.read', 'journal.write', 'sharing.list', 'sharing.retrieve', 'emergency.request', 'block.manage'];

type Case = {
  tenant: (typeof TENANTS)[number];
  relationship: (typeof RELATIONSHIPS)[number];
  block: (typeof BLOCKS)[number];
  consent: (typeof CONSENTS)[number];
  emergency: (typeof EMERGENCIES)[number];
  role: (typeof ROLES)[number];
  action: JournalAction;
};

function blockFacts(block: Case['block']): BlockFact[] {
  switch (block) {
    case 'none':
      return [];
    case 'document':
      return [{ id: 'b', target: { kind: 'document', documentId: DOC_ID } }];
    case 'document-other':
      return [{ id: 'b', target: { kind: 'document', documentId: `${OTHER}-22222222-2222-4222-8222-222222222222` } }];
    case 'category':
      return [{ id: 'b', target: { kind: 'category', category: 'tiltaksplan' } }, { id: 'b2', target: { kind: 'category', category: 'epikrise' } }];
    case 'all-sharing':
      return [{ id: 'b', target: { kind: 'all-sharing' } }];
    case 'person':
      return [{ id: 'b', target: { kind: 'person', userId: ME } }];
    case 'person-lifted':
      return [{ id: 'b', target: { kind: 'person', userId: ME }, liftedAt: iso(-1) }];
    case 'person-other':
      return [{ id: 'b', target: { kind: 'person', userId: 'oslo.lege' } }];
    case 'unit':
      return [{ id: 'b', target: { kind: 'unit', tenant: HOME, unitId: MY_UNIT } }];
  }
}

function callerOf(role: Case['role']): AccessInput['caller'] {
  const roles = (r: Role[]) => r;
  switch (role) {
    case 'clinician':
      return { sub: ME, kind: 'person', roles: roles(['clinician']), tenant: HOME, unit: MY_UNIT };
    case 'tenant-admin':
      return { sub: 'oslo.admin', kind: 'person', roles: roles(['tenant-admin']), tenant: HOME };
    case 'auditor':
      return { sub: 'oslo.revisor', kind: 'person', roles: roles(['auditor']), tenant: HOME };
    case 'citizen-own':
      return { sub: 'innbygger', kind: 'person', roles: roles(['citizen']), nationalIdKey: 'nid-key' };
    case 'citizen-other':
      return { sub: 'innbygger.annen', kind: 'person', roles: roles(['citizen']), nationalIdKey: 'other-key' };
    case 'operator':
      return { sub: 'drift', kind: 'person', roles: roles(['operator']) };
    case 'vendor':
      return { sub: 'epj', kind: 'client', roles: roles(['vendor']), scopes: ['journal.read'], tenant: HOME };
  }
}

function inputOf(c: Case): AccessInput {
  const caller = callerOf(c.role);
  // The relationship and the emergency grant belong to whoever the caller is.
  const relationships = c.relationship === 'yes' ? [{ id: 'r1', subject: { kind: 'user' as const, id: caller.sub }, validFrom: iso(-24), validTo: iso(24) }] : [];
  const emergency =
    c.emergency === 'none' ? [] : [{ id: 'e1', tenant: HOME, sub: caller.sub, grantedAt: c.emergency === 'active' ? iso(-1) : iso(-5), expiresAt: c.emergency === 'active' ? iso(3) : iso(-1) }];
  const type = c.consent === 'not-required' ? 'epikrise' : 'tiltaksplan';
  const consents = c.consent === 'required-given' ? [{ category: 'tiltaksplan', status: 'given' as const }] : c.consent === 'required-withdrawn' ? [{ category: 'tiltaksplan', status: 'withdrawn' as const }] : [];
  const dataTenant = c.tenant === 'same' ? HOME : OTHER;
  return {
    caller,
    tenant: dataTenant,
    action: c.action,
    patient: { id: 'p1', nationalIdKey: 'nid-key' },
    relationships,
    now,
    blocks: blockFacts(c.block),
    consents,
    emergency,
    ...(c.action === 'sharing.retrieve' ? { document: { id: c.tenant === 'other' ? DOC_ID : `${HOME}-11111111-1111-4111-8111-111111111111`, tenant: dataTenant, type } } : {}),
    policy: { consentRequired: ['tiltaksplan'] },
  };
}

// ---------------------------------------------------------------------------------------------
// The rules, stated independently (README: "Access decision").

type Expected = { allow: boolean; rule: string; emergency?: boolean };

const READS = new Set<JournalAction>(['patient.read', 'journal.read', 'sharing.list', 'sharing.retrieve']);
const SHARING = new Set<JournalAction>(['sharing.list', 'sharing.retrieve', 'emergency.request', 'block.manage']);

/** Whether the document asked for crosses a municipality border (sharing rules apply). */
const crosses = (c: Case) => c.action === 'sharing.list' || (c.action === 'sharing.retrieve' && c.tenant === 'other');

const RULE_LIST: { when: (c: Case) => boolean; then: Expected | ((c: Case) => Expected) }[] = [
  // 1. The operating company never sees patient data.
  { when: (c) => c.role === 'operator', then: { allow: false, rule: 'operator-no-patient-data' } },
  // 2. Citizens: their own data only; they read, and manage their own blocks; nothing else.
  { when: (c) => c.role === 'citizen-other', then: { allow: false, rule: 'citizen-not-own-record' } },
  { when: (c) => c.role === 'citizen-own' && c.action === 'block.manage', then: { allow: true, rule: 'citizen-manages-own-blocks' } },
  { when: (c) => c.role === 'citizen-own' && READS.has(c.action), then: { allow: true, rule: 'citizen-own-record' } },
  { when: (c) => c.role === 'citizen-own', then: { allow: false, rule: 'citizen-read-only' } },
  // 3. Vendor systems: the journal within their grant's scopes (here journal.read), never sharing.
  { when: (c) => c.role === 'vendor' && SHARING.has(c.action), then: { allow: false, rule: 'vendor-no-sharing' } },
  { when: (c) => c.role === 'vendor' && (c.action === 'journal.read' || c.action === 'patient.read'), then: { allow: true, rule: 'vendor-grant' } },
  { when: (c) => c.role === 'vendor', then: { allow: false, rule: 'vendor-missing-scope' } },
  // 4. Only retrieving a shared document reaches into another municipality.
  { when: (c) => c.tenant === 'other' && c.action !== 'sharing.retrieve', then: { allow: false, rule: 'other-tenant' } },
  // 5. Auditors see logs, not content; tenant admins register blocks on the patient's behalf and
  //    find patients (no block here names the admin), nothing else here.
  { when: (c) => c.role === 'auditor', then: { allow: false, rule: 'auditor-no-journal-content' } },
  //    Clinicians and tenant admins of the municipality register patients: nobody's data is read,
  //    so no block, consent or care relationship plays a part.
  { when: (c) => c.action === 'patient.create', then: { allow: true, rule: 'tenant-staff-creates-patient' } },
  { when: (c) => c.role === 'tenant-admin' && c.action === 'block.manage', then: { allow: true, rule: 'tenant-admin-registers-blocks' } },
  { when: (c) => c.role === 'tenant-admin' && c.action === 'patient.read', then: { allow: true, rule: 'tenant-staff-demographics' } },
  { when: (c) => c.role === 'tenant-admin', then: { allow: false, rule: 'role-not-allowed' } },
  // 6. Clinicians: blocks on the person or their unit win everywhere (finding the patient included), under emergency access too.
  { when: (c) => c.block === 'person', then: { allow: false, rule: 'blocked-person' } },
  { when: (c) => c.block === 'unit', then: { allow: false, rule: 'blocked-unit' } },
  // 7. Across municipality borders: all-sharing, the document, its category, then consent.
  { when: (c) => crosses(c) && c.block === 'all-sharing', then: { allow: false, rule: 'blocked-all-sharing' } },
  { when: (c) => crosses(c) && c.action === 'sharing.retrieve' && c.block === 'document', then: { allow: false, rule: 'blocked-document' } },
  { when: (c) => crosses(c) && c.action === 'sharing.retrieve' && c.block === 'category', then: { allow: false, rule: 'blocked-category' } },
  { when: (c) => crosses(c) && c.action === 'sharing.retrieve' && c.consent !== 'not-required' && c.consent !== 'required-given', then: { allow: false, rule: 'consent-missing' } },
  // 8. Staff of the patient's municipality find the patient (demographics) without a care relationship.
  { when: (c) => c.action === 'patient.read', then: { allow: true, rule: 'tenant-staff-demographics' } },
  // 9. Asking for emergency access is always possible for a clinician not blocked.
  { when: (c) => c.action === 'emergency.request', then: { allow: true, rule: 'emergency-access-self-authorised' } },
  // 10. The basis: a care relationship; or, for reading only, emergency access in force.
  { when: (c) => c.relationship === 'yes', then: { allow: true, rule: 'care-relationship-user' } },
  { when: (c) => c.emergency === 'active' && READS.has(c.action), then: { allow: true, rule: 'emergency-access', emergency: true } },
  { when: () => true, then: { allow: false, rule: 'no-care-relationship' } },
];

function expected(c: Case): Expected {
  for (const r of RULE_LIST) if (r.when(c)) return typeof r.then === 'function' ? r.then(c) : r.then;
  throw new Error('unreachable');
}

function* cases(actions: readonly JournalAction[] = ACTIONS): Generator<Case> {
  for (const tenant of TENANTS)
    for (const relationship of RELATIONSHIPS)
      for (const block of BLOCKS)
        for (const consent of CONSENTS)
          for (const emergency of EMERGENCIES)
            for (const role of ROLES) for (const action of actions) yield { tenant, relationship, block, consent, emergency, role, action };
}

/** Decides every case and lists where decideAccess and the stated rules disagree, and the rules reached. */
function check(all: Iterable<Case>): { count: number; mismatches: string[]; seen: Set<string> } {
  const mismatches: string[] = [];
  const seen = new Set<string>();
  let count = 0;
  for (const c of all) {
    count += 1;
    const want = expected(c);
    const got = decideAccess(inputOf(c));
    seen.add(`${got.allow}:${got.rule}`);
    const emergencyOk = (got.emergency === true) === (want.emergency === true) && (!want.emergency || got.purposeOfUse === 'BTG');
    if (got.allow !== want.allow || got.rule !== want.rule || !emergencyOk) {
      mismatches.push(`${JSON.stringify(c)} -> got ${got.allow}/${got.rule}${got.emergency ? '/emergency' : ''}, want ${want.allow}/${want.rule}${want.emergency ? '/emergency' : ''}`);
    }
  }
  return { count, mismatches, seen };
}

describe('access decision table (journal and sharing)', () => {
  it('decides every combination as the stated rules say, naming the rule', () => {
    const { count, mismatches, seen } = check([...cases(), ...cases(['patient.create'])]);
    expect(count).toBe(2 * 2 * 9 * 4 * 3 * 7 * 7 + 2 * 2 * 9 * 4 * 3 * 7);
    expect(mismatches.slice(0, 10)).toEqual([]);
    // Every rule of the table is reached by some combination.
    const reachable = new Set(RULE_LIST.map((r) => (typeof r.then === 'function' ? '' : `${r.then.allow}:${r.then.rule}`)).filter(Boolean));
    expect([...reachable].filter((r) => !seen.has(r))).toEqual([]);
  });

  it('keeps the 18,144 combinations of reading, writing and sharing actions as before', () => {
    const { count, mismatches } = check(cases());
    expect(count).toBe(2 * 2 * 9 * 4 * 3 * 7 * 7);
    expect(mismatches.slice(0, 10)).toEqual([]);
  });

  it('records why: emergency access is BTG and flagged, care is TREAT with the relationship, citizens are CITIZEN', () => {
    const base: Case = { tenant: 'other', relationship: 'no', block: 'none', consent: 'not-required', emergency: 'active', role: 'clinician', action: 'sharing.retrieve' };
    expect(decideAccess(inputOf(base))).toEqual({ allow: true, rule: RULES.emergency, purposeOfUse: 'BTG', reasonCode: 'emergency-access', emergency: true, emergencyId: 'e1' });
    expect(decideAccess(inputOf({ ...base, relationship: 'yes' }))).toEqual({ allow: true, rule: RULES.relationshipUser, purposeOfUse: 'TREAT', reasonCode: 'care-relationship', relationshipId: 'r1' });
    expect(decideAccess(inputOf({ ...base, role: 'citizen-own' }))).toMatchObject({ allow: true, purposeOfUse: 'CITIZEN' });
    // A refusal by a block names the block for the audit trail.
    expect(decideAccess(inputOf({ ...base, block: 'person' }))).toMatchObject({ allow: false, rule: RULES.blockedPerson, blockId: 'b' });
  });

  it('lets a block lifted in the future still hold now, and an emergency grant not yet started give nothing', () => {
    const c: Case = { tenant: 'same', relationship: 'no', block: 'none', consent: 'not-required', emergency: 'none', role: 'clinician', action: 'journal.read' };
    const input = inputOf(c);
    expect(decideAccess({ ...input, relationships: [{ id: 'r', subject: { kind: 'user', id: ME }, validFrom: iso(-1), validTo: iso(1) }], blocks: [{ id: 'b', target: { kind: 'person', userId: ME }, liftedAt: iso(1) }] })).toMatchObject({
      allow: false,
      rule: RULES.blockedPerson,
    });
    expect(decideAccess({ ...input, emergency: [{ id: 'e', tenant: HOME, sub: ME, grantedAt: iso(1), expiresAt: iso(5) }] })).toMatchObject({ allow: false, rule: RULES.noRelationship });
    // Another municipality's grant, or another person's, gives nothing.
    expect(decideAccess({ ...input, emergency: [{ id: 'e', tenant: OTHER, sub: ME, grantedAt: iso(-1), expiresAt: iso(3) }] })).toMatchObject({ allow: false });
    expect(decideAccess({ ...input, emergency: [{ id: 'e', tenant: HOME, sub: 'oslo.lege', grantedAt: iso(-1), expiresAt: iso(3) }] })).toMatchObject({ allow: false });
  });

  it('hides the patient from a blocked person or unit looking them up, tenant admins included, but not for blocks on sharing', () => {
    const c: Case = { tenant: 'same', relationship: 'no', block: 'none', consent: 'not-required', emergency: 'none', role: 'tenant-admin', action: 'patient.read' };
    const admin = inputOf(c);
    expect(decideAccess({ ...admin, blocks: [{ id: 'b', target: { kind: 'person', userId: 'oslo.admin' } }] })).toMatchObject({ allow: false, rule: RULES.blockedPerson, blockId: 'b' });
    expect(decideAccess({ ...admin, blocks: [{ id: 'b', target: { kind: 'person', userId: 'oslo.admin' }, liftedAt: iso(-1) }] })).toMatchObject({ allow: true, rule: RULES.staffDemographics });
    const clinician = inputOf({ ...c, role: 'clinician' });
    expect(decideAccess({ ...clinician, blocks: [{ id: 'u', target: { kind: 'unit', tenant: HOME, unitId: MY_UNIT } }] })).toMatchObject({ allow: false, rule: RULES.blockedUnit });
    // The same unit id in another municipality is another unit.
    expect(decideAccess({ ...clinician, blocks: [{ id: 'u', target: { kind: 'unit', tenant: OTHER, unitId: MY_UNIT } }] })).toMatchObject({ allow: true, rule: RULES.staffDemographics });
    for (const block of ['all-sharing', 'document', 'category'] as const) {
      expect(decideAccess({ ...clinician, blocks: blockFacts(block) })).toMatchObject({ allow: true, rule: RULES.staffDemographics });
    }
  });
});
