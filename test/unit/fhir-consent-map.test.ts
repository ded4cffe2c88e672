import { describe, expect, it } from 'vitest';
import { toConsent } from '../../functions/fhir/consent-map';
import type { Block } from '../../shared/contracts/sharing';
import { expectValidFhir } from '../support/fhir-validate';

/** A citizen's blocks as FHIR Consent: each kind a valid R4 denial that says what it denies. */

const PATIENT = '0b6a4f63-41c5-4b8e-9a55-5c1f0e2f7a10';
const block = (target: Block['target'], extra: Partial<Block> = {}): Block => ({
  id: '7d0c1e2a-2f4b-4a8e-8c3d-1f2e3a4b5c6d',
  target,
  active: true,
  createdAt: '2026-11-02T10:00:00.000Z',
  createdBy: { kind: 'citizen' },
  ...extra,
});

describe('a block as a Consent', () => {
  it('a research block denies use for the purpose of research (HRESCH) and nothing else', () => {
    const consent = toConsent(block({ kind: 'research' }), PATIENT);
    expectValidFhir(consent);
    expect(consent.provision).toEqual({
      type: 'deny',
      period: { start: '2026-11-02T10:00:00.000Z' },
      purpose: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason', code: 'HRESCH', display: 'healthcare research' }],
    });
  });

  it('a lifted block is an inactive Consent whose denial ended when it was lifted', () => {
    const consent = toConsent(block({ kind: 'all-sharing' }, { active: false, liftedAt: '2026-11-20T08:00:00.000Z', liftedBy: { kind: 'citizen' } }), PATIENT);
    expectValidFhir(consent);
    expect(consent.status).toBe('inactive');
    expect(consent.provision).toEqual({ type: 'deny', period: { start: '2026-11-02T10:00:00.000Z', end: '2026-11-20T08:00:00.000Z' } });
  });
});
