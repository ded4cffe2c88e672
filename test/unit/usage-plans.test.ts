import { afterEach, describe, expect, it } from 'vitest';
import type { VerifiedIdentity } from '../../shared/auth/caller';
import { AwsUsageKeyAdmin } from '../../shared/auth/usage-key-admin';
import { tenantUsageKeyValue, usageKeySeed, vendorUsageKeyValue } from '../../shared/auth/usage-keys';
import { tierForPopulation, usageBucket, type UsageLookups } from '../../shared/auth/usage-plans';
import { usageKeyFor } from '../../infra/functions/authorizer';
import { AUTHORIZER_ENV } from '../../infra/functions/usage-keys';
import { rateLimitHeaders, TokenBuckets } from '../../local/throttle';

const person = (pid: string, clientId?: string): VerifiedIdentity => ({ sub: 's', kind: 'person', scopes: [], pid, expiresAt: 0, ...(clientId ? { clientId } : {}) });
const client = (clientId: string, orgnr?: string): VerifiedIdentity => ({ sub: clientId, kind: 'client', scopes: [], clientId, expiresAt: 0, ...(orgnr ? { orgnr } : {}) });
const VENDOR = 'vnd-0123456789abcdef';
const lookups: UsageLookups = {
  tenantOfPid: async (pid) => ({ '01010100001': '0301', '02020200002': '4601' })[pid],
  tenantOfOrgnr: async (orgnr) => ({ '990003017': '0301' })[orgnr],
};

describe('size tiers', () => {
  it('puts a municipality in its tier by inhabitants, at the boundaries', () => {
    expect([1, 10_000, 10_001, 50_000, 50_001, 200_000, 200_001, 717_000].map(tierForPopulation)).toEqual(['small', 'small', 'medium', 'medium', 'large', 'large', 'xlarge', 'xlarge']);
    expect(tierForPopulation(undefined)).toBe('medium');
  });
});

describe('the usage bucket of a call', () => {
  it('meters a registered person in their municipality, each municipality apart', async () => {
    expect(await usageBucket(person('01010100001'), lookups)).toEqual({ kind: 'tenant', tenant: '0301' });
    expect(await usageBucket(person('02020200002'), lookups)).toEqual({ kind: 'tenant', tenant: '4601' });
  });

  it('meters a vendor per vendor × municipality: as itself by its token\'s orgnr, on behalf of a person by the person\'s municipality', async () => {
    expect(await usageBucket(client(VENDOR, '990003017'), lookups)).toEqual({ kind: 'vendor', clientId: VENDOR, tenant: '0301' });
    expect(await usageBucket(person('02020200002', VENDOR), lookups)).toEqual({ kind: 'vendor', clientId: VENDOR, tenant: '4601' });
  });

  it('puts citizens, operators and vendors of no known municipality in the web bucket', async () => {
    expect(await usageBucket(person('03030300003'), lookups)).toEqual({ kind: 'web' });
    expect(await usageBucket(client(VENDOR), lookups)).toEqual({ kind: 'web' });
    expect(await usageBucket(client(VENDOR, '123456785'), lookups)).toEqual({ kind: 'web' });
  });
});

describe('usage key values', () => {
  const seed = usageKeySeed('123456789012', 'prod', 'eu-north-1');
  it('are stable, at least 20 characters, and distinct per municipality, vendor, account, stage and region', () => {
    const values = [
      tenantUsageKeyValue(seed, '0301'),
      tenantUsageKeyValue(seed, '4601'),
      vendorUsageKeyValue(seed, VENDOR, '0301'),
      vendorUsageKeyValue(seed, VENDOR, '4601'),
      vendorUsageKeyValue(seed, 'vnd-fedcba9876543210', '0301'),
      tenantUsageKeyValue(usageKeySeed('123456789012', 'prod', 'eu-west-1'), '0301'),
      tenantUsageKeyValue(usageKeySeed('123456789012', 'staging', 'eu-north-1'), '0301'),
    ];
    expect(new Set(values).size).toBe(values.length);
    expect(tenantUsageKeyValue(seed, '0301')).toBe(tenantUsageKeyValue(seed, '0301'));
    for (const v of values) expect(v.length).toBeGreaterThanOrEqual(20);
  });
});

describe('the authorizer names the bucket\'s key', () => {
  const seed = usageKeySeed('123456789012', 'prod', 'eu-north-1');
  afterEach(() => {
    delete process.env[AUTHORIZER_ENV.usageKeySeed];
    delete process.env[AUTHORIZER_ENV.webUsageKey];
  });

  it('the municipality\'s key for its persons, the vendor × municipality key for a vendor, the web key otherwise', async () => {
    process.env[AUTHORIZER_ENV.usageKeySeed] = seed;
    process.env[AUTHORIZER_ENV.webUsageKey] = 'fj-web-prod-0123456789abcdef0123456789abcdef';
    expect(await usageKeyFor(person('01010100001'), undefined, lookups)).toBe(tenantUsageKeyValue(seed, '0301'));
    expect(await usageKeyFor(client(VENDOR, '990003017'), 'presented-key-0123456789', lookups)).toBe(vendorUsageKeyValue(seed, VENDOR, '0301'));
    expect(await usageKeyFor(person('03030300003'), undefined, lookups)).toBe('fj-web-prod-0123456789abcdef0123456789abcdef');
    // A vendor of no known municipality: its own key, so the handler says why it is refused.
    expect(await usageKeyFor(client(VENDOR), 'presented-key-0123456789', lookups)).toBe('presented-key-0123456789');
  });
});

describe('the local gateway\'s token buckets', () => {
  const plan = { rateLimit: 2, burstLimit: 3 };

  it('allows the burst, then refuses until the bucket refills at the rate', () => {
    const b = new TokenBuckets();
    expect([0, 0, 0].map(() => b.take('t:0301', plan, 1000).allowed)).toEqual([true, true, true]);
    const refused = b.take('t:0301', plan, 1000);
    expect(refused).toEqual({ allowed: false, remaining: 0, retryAfter: 1 });
    // Another bucket is not affected.
    expect(b.take('t:4601', plan, 1000).allowed).toBe(true);
    // Half a second later one token (2/s) is back.
    expect(b.take('t:0301', plan, 1500).allowed).toBe(true);
    expect(b.take('t:0301', plan, 1500).allowed).toBe(false);
  });

  it('says the policy, what is left and when to retry (RateLimit, RateLimit-Policy, Retry-After)', () => {
    const metered = { bucket: { kind: 'tenant' as const, tenant: '0301' }, policy: 'tenant-large', throttle: { rateLimit: 5, burstLimit: 20 } };
    expect(rateLimitHeaders(metered, { allowed: true, remaining: 19, retryAfter: 0 })).toEqual({ 'ratelimit-policy': '"tenant-large";q=20;w=4', ratelimit: '"tenant-large";r=19;t=1' });
    expect(rateLimitHeaders(metered, { allowed: false, remaining: 0, retryAfter: 3 })).toEqual({ 'ratelimit-policy': '"tenant-large";q=20;w=4', ratelimit: '"tenant-large";r=0;t=3', 'retry-after': '3' });
  });
});

describe('making usage buckets in API Gateway', () => {
  function recordingApiGateway(existingKey?: string) {
    const sent: { name: string; input: Record<string, unknown> }[] = [];
    const client = {
      send: async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
        sent.push({ name: command.constructor.name, input: command.input });
        if (command.constructor.name === 'GetUsagePlansCommand') return { items: [{ id: 'plan-l', name: 'fj-prod-tenant-large' }, { id: 'plan-v', name: 'fj-prod-vendor-standard' }] };
        if (command.constructor.name === 'GetApiKeysCommand') return { items: existingKey ? [{ id: existingKey, name: command.input.nameQuery }] : [] };
        if (command.constructor.name === 'CreateApiKeyCommand') return { id: 'key-new' };
        if (command.constructor.name === 'CreateUsagePlanKeyCommand' && existingKey) throw Object.assign(new Error('already'), { name: 'ConflictException' });
        return {};
      },
    };
    return { client: client as never, sent };
  }
  const seed = usageKeySeed('123456789012', 'prod', 'eu-north-1');
  const plans = { tenant: { large: 'fj-prod-tenant-large' }, vendor: { standard: 'fj-prod-vendor-standard' } };

  it('creates the municipality\'s key with the value the authorizer names, in its tier\'s plan', async () => {
    const { client, sent } = recordingApiGateway();
    expect(await new AwsUsageKeyAdmin(client, seed, plans).ensureBucket({ bucket: { kind: 'tenant', tenant: '1804' }, tier: 'large' })).toEqual({ apiKeyId: 'key-new' });
    expect(sent.find((s) => s.name === 'CreateApiKeyCommand')?.input).toMatchObject({ name: 'tenant-1804', value: tenantUsageKeyValue(seed, '1804'), enabled: true });
    expect(sent.find((s) => s.name === 'CreateUsagePlanKeyCommand')?.input).toEqual({ usagePlanId: 'plan-l', keyId: 'key-new', keyType: 'API_KEY' });
  });

  it('finds the key a retry already made and leaves it in its plan', async () => {
    const { client, sent } = recordingApiGateway('key-old');
    expect(await new AwsUsageKeyAdmin(client, seed, plans).ensureBucket({ bucket: { kind: 'vendor', clientId: VENDOR, tenant: '1804' }, plan: 'standard' })).toEqual({ apiKeyId: 'key-old' });
    expect(sent.map((s) => s.name)).not.toContain('CreateApiKeyCommand');
  });

  it('refuses a tier without a plan before making anything', async () => {
    const { client, sent } = recordingApiGateway();
    await expect(new AwsUsageKeyAdmin(client, seed, plans).ensureBucket({ bucket: { kind: 'tenant', tenant: '1804' }, tier: 'small' })).rejects.toThrow(/no usage plan/);
    expect(sent).toEqual([]);
  });
});
