import { describe, expect, it } from 'vitest';
import { decideAccess, RULES, type AccessCaller, type AccessInput, type BlockFact, type RelationshipFact } from '../../functions/core/access-decision';

/**
 * The message actions in the one rule list, checked over every combination of caller, basis and
 * block against a rule list written here independently: what a unit's staff may do with messages
 * about a patient, and the citizen with their own dialogue.
 */

const now = new Date('2026-06-01T12:00:00Z');
const ACTIONS = ['message.read', 'message.write'] as const;

type CallerKind = 'clinician' | 'tenant-admin' | 'auditor' | 'operator' | 'vendor' | 'citizen-own' | 'citizen-other' | 'clinician-other-tenant';
const CALLERS: Record<CallerKind, AccessCaller> = {
  clinician: { sub: 'nurse', kind: 'person', roles: ['clinician'], tenant: '0301', unit: 'u-home' },
  'tenant-admin': { sub: 'admin', kind: 'person', roles: ['tenant-admin'], tenant: '0301' },
  auditor: { sub: 'auditor', kind: 'person', roles: ['auditor'], tenant: '0301' },
  operator: { sub: 'ops', kind: 'person', roles: ['operator'] },
  vendor: { sub: 'epj', kind: 'client', roles: ['vendor'], tenant: '0301', scopes: ['journal.read', 'journal.write'] },
  'citizen-own': { sub: 'kari', kind: 'person', roles: ['citizen'], nationalIdKey: 'nid' },
  'citizen-other': { sub: 'ola', kind: 'person', roles: ['citizen'], nationalIdKey: 'other' },
  'clinician-other-tenant': { sub: 'bergen', kind: 'person', roles: ['clinician'], tenant: '4601', unit: 'u-home' },
};

type Basis = 'none' | 'own-relationship' | 'unit-relationship' | 'addressed-unit' | 'addressed-other-unit';
const BASES: Basis[] = ['none', 'own-relationship', 'unit-relationship', 'addressed-unit', 'addressed-other-unit'];
type Block = 'none' | 'person' | 'unit' | 'all-sharing' | 'lifted-person';
const BLOCKS: Block[] = ['none', 'person', 'unit', 'all-sharing', 'lifted-person'];

const rel = (subject: RelationshipFact['subject']): RelationshipFact => ({ id: 'r1', subject, validFrom: '2026-01-01T00:00:00Z', validTo: '2027-01-01T00:00:00Z' });

function inputOf(callerKind: CallerKind, basis: Basis, block: Block, action: (typeof ACTIONS)[number]): AccessInput {
  const caller = CALLERS[callerKind];
  const relationships = basis === 'own-relationship' ? [rel({ kind: 'user', id: caller.sub })] : basis === 'unit-relationship' ? [rel({ kind: 'unit', id: 'u-home' })] : [];
  const message = basis === 'addressed-unit' ? { unit: 'u-home' } : basis === 'addressed-other-unit' ? { unit: 'u-gp' } : undefined;
  const blocks: BlockFact[] =
    block === 'person' ? [{ id: 'b', target: { kind: 'person', userId: caller.sub } }]
    : block === 'unit' ? [{ id: 'b', target: { kind: 'unit', tenant: '0301', unitId: 'u-home' } }]
    : block === 'all-sharing' ? [{ id: 'b', target: { kind: 'all-sharing' } }]
    : block === 'lifted-person' ? [{ id: 'b', target: { kind: 'person', userId: caller.sub }, liftedAt: '2026-05-01T00:00:00Z' }]
    : [];
  return { caller, tenant: '0301', action, patient: { id: 'p', nationalIdKey: 'nid' }, relationships, now, blocks, ...(message ? { message } : {}) };
}

/** The expected rule, written from the words rather than from the implementation. */
function expected(callerKind: CallerKind, basis: Basis, block: Block, action: (typeof ACTIONS)[number]): { allow: boolean; rule: string } {
  if (callerKind === 'operator') return { allow: false, rule: RULES.operator };
  if (callerKind === 'citizen-other') return { allow: false, rule: RULES.citizenOther };
  if (callerKind === 'citizen-own') return action === 'message.write' ? { allow: true, rule: RULES.citizenDialogue } : { allow: true, rule: RULES.citizenOwn };
  if (callerKind === 'vendor') return { allow: false, rule: RULES.notAllowed };
  if (callerKind === 'clinician-other-tenant') return { allow: false, rule: RULES.otherTenant };
  if (callerKind === 'auditor') return { allow: false, rule: RULES.auditor };
  // Staff of the municipality: a block on the person or their unit hides the patient first.
  if (block === 'person') return { allow: false, rule: RULES.blockedPerson };
  if (block === 'unit' && callerKind === 'clinician') return { allow: false, rule: RULES.blockedUnit };
  if (callerKind === 'tenant-admin') return { allow: false, rule: RULES.notAllowed };
  if (basis === 'own-relationship') return { allow: true, rule: RULES.relationshipUser };
  if (basis === 'unit-relationship') return { allow: true, rule: RULES.relationshipUnit };
  if (basis === 'addressed-unit') return { allow: true, rule: RULES.messageAddressedUnit };
  return { allow: false, rule: RULES.noRelationship };
}

describe('message.read / message.write in the access decision', () => {
  const cases = (Object.keys(CALLERS) as CallerKind[]).flatMap((c) => BASES.flatMap((b) => BLOCKS.flatMap((k) => ACTIONS.map((a) => [c, b, k, a] as const))));

  it(`decides all ${cases.length} combinations as the independent rule list says`, () => {
    const wrong = cases
      .map(([c, b, k, a]) => ({ c, b, k, a, got: decideAccess(inputOf(c, b, k, a)), want: expected(c, b, k, a) }))
      .filter(({ got, want }) => got.allow !== want.allow || got.rule !== want.rule)
      .map(({ c, b, k, a, got, want }) => `${c}/${b}/${k}/${a}: got ${got.rule}, want ${want.rule}`);
    expect(wrong).toEqual([]);
  });

  it('never opens messages through emergency access: a message needs a relationship or to be addressed to the unit', () => {
    const grant = { id: 'g', tenant: '0301', sub: 'nurse', grantedAt: '2026-06-01T11:00:00Z', expiresAt: '2026-06-01T15:00:00Z' };
    expect(decideAccess({ ...inputOf('clinician', 'none', 'none', 'message.read'), emergency: [grant] })).toMatchObject({ allow: false, rule: RULES.noRelationship });
  });

  it('keeps the all-sharing block out of messages within the municipality (it is about other municipalities)', () => {
    expect(decideAccess(inputOf('clinician', 'addressed-unit', 'all-sharing', 'message.read'))).toMatchObject({ allow: true, purposeOfUse: 'TREAT', reasonCode: 'addressed-message' });
  });
});
