import { describe, expect, it } from 'vitest';
import { demoOrgnr } from '../../local/demo-data';
import type { LocalUsagePlans } from '../../local/throttle';
import { useTestStack } from '../support/local-stack';
import { readJson } from '../support/requests';
import { expectValidFhir } from '../support/fhir-validate';
import { grantTestVendor, syntheticPidFor, vendorToken } from '../support/tokens';

/**
 * Per-municipality throttling at the local gateway, with the same buckets as API Gateway's usage
 * plans (issue 19 point 2). The limits are tiny and refill once in 1,000 s, so the test counts
 * requests, not time.
 */
const slow = (burstLimit: number) => ({ rateLimit: 0.001, burstLimit });
const plans: LocalUsagePlans = { tenantPlans: { small: slow(2), medium: slow(3), large: slow(4), xlarge: slow(5) }, vendorPlan: slow(2), web: slow(50) };
const stack = useTestStack({ throttle: plans });

const units = (init: { as?: string; token?: string }) => stack.call('/v1/units', init);

describe('each municipality is throttled in its own bucket, by its size tier', () => {
  it('answers 429 problem+json with Retry-After and RateLimit headers once Oslo\'s bucket is spent, while Bergen is served', async () => {
    // Oslo (717,000 inhabitants) is xlarge: a burst of 5, shared by every person of Oslo.
    const served = [];
    for (const as of ['oslo.lege', 'oslo.sykepleier', 'oslo.lege', 'oslo.admin', 'oslo.lege']) served.push((await units({ as })).status);
    expect(served).toEqual([200, 200, 200, 200, 200]);
    const refused = await units({ as: 'oslo.sykepleier' });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('content-type')).toBe('application/problem+json');
    expect(await readJson(refused)).toMatchObject({ status: 429, type: expect.stringContaining('too-many-requests') as unknown });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refused.headers.get('ratelimit-policy')).toBe('"tenant-xlarge";q=5;w=5000');
    expect(refused.headers.get('ratelimit')).toMatch(/^"tenant-xlarge";r=0;t=\d+$/);

    // Bergen's persons have a bucket of their own.
    const bergen = await units({ as: 'bergen.lege' });
    expect(bergen.status).toBe(200);
    expect(bergen.headers.get('ratelimit')).toMatch(/^"tenant-xlarge";r=4;t=\d+$/);
    // Bodø (54,000) is large: a burst of 4.
    const bodo = [];
    for (let i = 0; i < 5; i++) bodo.push((await units({ as: 'bodo.lege' })).status);
    expect(bodo).toEqual([200, 200, 200, 200, 429]);
  });

  it('meters a vendor per vendor × municipality, apart from the municipality\'s persons', async () => {
    await grantTestVendor('vnd-00000000000000aa', '0301', ['journal.read'], { clientId: 'vnd-00000000000000aa', name: 'Måler AS', plan: 'standard' });
    await grantTestVendor('vnd-00000000000000aa', '4601', ['journal.read'], { clientId: 'vnd-00000000000000aa', name: 'Måler AS', plan: 'standard' });
    const inOslo = await vendorToken(stack.issuer, 'vnd-00000000000000aa', ['journal.read'], demoOrgnr('0301'));
    const inBergen = await vendorToken(stack.issuer, 'vnd-00000000000000aa', ['journal.read'], demoOrgnr('4601'));
    // Oslo's persons are throttled (above); the vendor in Oslo is not.
    expect((await units({ as: 'oslo.lege' })).status).toBe(429);
    const oslo = [];
    for (let i = 0; i < 3; i++) oslo.push((await units({ token: inOslo })).status);
    expect(oslo).toEqual([200, 200, 429]);
    const last = await units({ token: inOslo });
    expect(last.headers.get('ratelimit-policy')).toBe('"vendor";q=2;w=2000');
    // The same vendor in Bergen has its own bucket.
    expect((await units({ token: inBergen })).status).toBe(200);
  });

  it('puts a newly provisioned municipality in the tier of its population', async () => {
    const created = await stack.call('/ops/v1/tenants', {
      method: 'POST',
      as: 'drift',
      json: { id: '3905', name: 'Tønsberg', orgnr: demoOrgnr('3905'), population: 8_000, region: 'eu-north-1', admin: { id: 'tonsberg.admin', name: 'Tove Admin', pid: syntheticPidFor('tonsberg.admin') } },
    });
    expect(created.status).toBe(201);
    expect(await readJson(created)).toMatchObject({ tenant: { tier: 'small', usageKeyId: 'local:tenant-3905' } });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await stack.call('/v1/tenant', { as: 'tonsberg.admin' })).status);
    expect(statuses).toEqual([200, 200, 429]);
  });
});

describe('the gateway’s own refusals speak FHIR under /fhir', () => {
  it('429 (a spent bucket), 405 (a method the path does not take) and 413 (too large) are OperationOutcomes under /fhir, problem+json under /v1', async () => {
    const patient = '/fhir/R4/Patient/00000000-0000-4000-8000-000000000000';
    let refused: Response | undefined;
    for (let i = 0; i < 10 && !refused; i++) {
      const res = await stack.call(patient, { as: 'bodo.lege' });
      if (res.status === 429) refused = res;
    }
    expect(refused?.status).toBe(429);
    expect(refused!.headers.get('content-type')).toBe('application/fhir+json');
    expect(Number(refused!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refused!.headers.get('ratelimit')).toMatch(/^"tenant-large";r=0;t=\d+$/);
    const outcome = await readJson<{ resourceType: string; issue: { code: string }[] }>(refused!);
    expectValidFhir(outcome);
    expect(outcome.issue[0]!.code).toBe('throttled');

    const wrongMethod = await stack.call(patient, { method: 'DELETE', as: 'oslo.lege' });
    expect([wrongMethod.status, wrongMethod.headers.get('content-type')]).toEqual([405, 'application/fhir+json']);
    expectValidFhir(await readJson(wrongMethod));
    const v1WrongMethod = await stack.call('/v1/units', { method: 'DELETE', as: 'oslo.lege' });
    expect([v1WrongMethod.status, v1WrongMethod.headers.get('content-type')]).toEqual([405, 'application/problem+json']);

    const big = 'x'.repeat(1_100_000);
    const tooLarge = await stack.call('/fhir/R4', { method: 'POST', as: 'oslo.lege', body: big, headers: { 'content-type': 'application/fhir+json' } });
    expect([tooLarge.status, tooLarge.headers.get('content-type')]).toEqual([413, 'application/fhir+json']);
    const tooLargeOutcome = await readJson<{ issue: { code: string }[] }>(tooLarge);
    expectValidFhir(tooLargeOutcome);
    expect(tooLargeOutcome.issue[0]!.code).toBe('too-costly');
    const v1TooLarge = await stack.call('/v1/patients', { method: 'POST', as: 'oslo.lege', body: big, headers: { 'content-type': 'application/json' } });
    expect([v1TooLarge.status, v1TooLarge.headers.get('content-type')]).toEqual([413, 'application/problem+json']);
  });
});
