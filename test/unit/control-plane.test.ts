import { describe, expect, it } from 'vitest';
import type { KMSClient } from '@aws-sdk/client-kms';
import { generateClientSecret, hashClientSecret, verifyClientSecret } from '../../functions/vendors/client-secret';
import { keyDeletionDate } from '../../functions/tenants/tenant-service';
import { unitIdFor } from '../../shared/tenancy/tenant-store';
import { KmsTenantKeyAdmin } from '../../shared/crypto/key-admin';
import { tenantKeyPolicy, type TenantKeyPolicyRoles } from '../../shared/crypto/key-policy';
import { AwsApiKeyAdmin } from '../../functions/vendors/api-key-admin';
import { createTenantBodySchema } from '../../shared/contracts/tenants';
import { registerVendorBodySchema, grantVendorBodySchema } from '../../shared/contracts/vendors';
import { createUserBodySchema } from '../../shared/contracts/admin';
import { formatTable, problemLine, run as runOps, UsageError } from '../../local/ops-cli';

// scrypt at N = 2^15 is ~100 ms a call on a quiet core and many times that on a loaded one;
// these tests make up to six calls, so they get room beyond vitest's 5 s default.
describe('client secrets', { timeout: 60_000 }, () => {
  it('verifies the right secret and refuses a wrong or altered one', async () => {
    const secret = generateClientSecret();
    const stored = await hashClientSecret(secret);
    expect(stored).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(stored).not.toContain(secret);
    expect(await verifyClientSecret(secret, stored)).toBe(true);
    expect(await verifyClientSecret(`${secret}x`, stored)).toBe(false);
    // The hash's first character: all six of its bits are data (the last one's low bits are padding,
    // so changing it can leave the decoded hash as it was).
    const altered = stored.replace(/\$([A-Za-z0-9_-])([A-Za-z0-9_-]{42})$/, (_m, c: string, rest: string) => `$${c === 'A' ? 'B' : 'A'}${rest}`);
    expect(altered).not.toBe(stored);
    expect(await verifyClientSecret(secret, altered)).toBe(false);
    expect(await verifyClientSecret(secret, 'plain-text')).toBe(false);
    expect(await verifyClientSecret('', stored)).toBe(false);
  });

  it('salts every hash', async () => {
    const secret = generateClientSecret();
    expect(await hashClientSecret(secret)).not.toBe(await hashClientSecret(secret));
  });
});

describe('retention and key deletion date', () => {
  const at = new Date('2026-03-01T12:00:00Z');
  it('waits for the longest finite retention (default: 10 years)', () => {
    expect(keyDeletionDate(at, {}).toISOString()).toBe('2036-03-01T12:00:00.000Z');
    expect(keyDeletionDate(at, { journal: 12, 'audit-log': 20 }).toISOString()).toBe('2046-03-01T12:00:00.000Z');
  });
  it('treats permanent categories as delivered to the archive depot, never as "keep the key forever"', () => {
    const allPermanent = { journal: 'permanent', helsestasjon: 'permanent', skolehelse: 'permanent', tannhelse: 'permanent', 'rus-psykososial': 'permanent', 'audit-log': 'permanent' } as const;
    expect(keyDeletionDate(at, allPermanent).getUTCFullYear()).toBe(2036);
  });
});

describe('input contracts', () => {
  it('accepts a kommunenummer only with a known county prefix', () => {
    const base = { name: 'Bergen', orgnr: '123456785', region: 'eu-north-1' };
    expect(createTenantBodySchema.safeParse({ ...base, id: '4601' }).success).toBe(true);
    for (const id of ['9901', '460', '46011', 'abcd', '0001']) expect(createTenantBodySchema.safeParse({ ...base, id }).success).toBe(false);
    expect(createTenantBodySchema.safeParse({ ...base, id: '4601', region: 'norway' }).success).toBe(false);
    // The municipality's organisasjonsnummer is required and checked with mod 11.
    for (const orgnr of [undefined, '123456789', '12345678']) expect(createTenantBodySchema.safeParse({ ...base, id: '4601', orgnr }).success).toBe(false);
  });

  it('checks the organisation number with mod 11', () => {
    const base = { name: 'X AS', contact: { name: 'A B', email: 'a@b.example' } };
    for (const orgNumber of ['123456785', '915933149', '994598759']) expect(registerVendorBodySchema.safeParse({ ...base, orgNumber }).success).toBe(true);
    for (const orgNumber of ['123456789', '921592761', '12345678']) expect(registerVendorBodySchema.safeParse({ ...base, orgNumber }).success).toBe(false);
  });

  it('lets a tenant admin give only clinician, tenant-admin and auditor, and vendors only known scopes', () => {
    const user = { id: 'ny.bruker', name: 'Ny Bruker' };
    expect(createUserBodySchema.safeParse({ ...user, roles: ['clinician', 'auditor'] }).success).toBe(true);
    for (const role of ['operator', 'citizen', 'vendor']) expect(createUserBodySchema.safeParse({ ...user, roles: [role] }).success).toBe(false);
    expect(grantVendorBodySchema.safeParse({ scopes: ['journal.read', 'audit.read'] }).success).toBe(true);
    expect(grantVendorBodySchema.safeParse({ scopes: ['admin'] }).success).toBe(false);
    expect(grantVendorBodySchema.safeParse({ scopes: ['journal.read', 'journal.read'] }).success).toBe(false);
    expect(grantVendorBodySchema.safeParse({ scopes: [] }).success).toBe(false);
  });

  it('derives readable unit ids', () => {
    expect(unitIdFor('4601', 'Hjemmesykepleien Åsane Sør')).toBe('4601-hjemmesykepleien-asane-sor');
    expect(unitIdFor('1804', '!!!')).toBe('1804-enhet');
  });
});

describe('KMS key admin', () => {
  const POLICY_ROLES: TenantKeyPolicyRoles = {
    tenantRoleArn: 'arn:aws:iam::111111111111:role/fj-test-tenant',
    exportRoleArn: 'arn:aws:iam::111111111111:role/fj-test-export',
    offboardingRoleArn: 'arn:aws:iam::111111111111:role/fj-test-export',
  };
  // Records the commands it is sent; checks the requests we build, not KMS itself.
  function recordingKms(responses: Record<string, unknown>) {
    const sent: { name: string; input: Record<string, unknown> }[] = [];
    const client = {
      send: async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
        const name = command.constructor.name;
        sent.push({ name, input: command.input });
        const response = responses[name];
        if (response instanceof Error) throw response;
        return response ?? {};
      },
    } as unknown as KMSClient;
    return { client, sent };
  }

  it('creates a tagged key with rotation and the tenant alias', async () => {
    const { NotFoundException } = await import('@aws-sdk/client-kms');
    const { client, sent } = recordingKms({
      DescribeKeyCommand: new NotFoundException({ message: 'Alias not found', $metadata: {} }),
      CreateKeyCommand: { KeyMetadata: { KeyId: 'k-1', Arn: 'arn:aws:kms:eu-north-1:1:key/k-1' } },
    });
    const out = await new KmsTenantKeyAdmin(async () => client, 'alias/fellesjournal/tenant/', POLICY_ROLES).ensureKey('4601');
    expect(out).toEqual({ keyRef: 'arn:aws:kms:eu-north-1:1:key/k-1', created: true });
    expect(sent.map((s) => s.name)).toEqual(['DescribeKeyCommand', 'CreateKeyCommand', 'EnableKeyRotationCommand', 'CreateAliasCommand']);
    expect(sent[1]?.input.Tags).toContainEqual({ TagKey: 'tenant', TagValue: '4601' });
    // Multi-Region from the start: only such a key can get a replica in a DR region, now or later.
    expect(sent[1]?.input.MultiRegion).toBe(true);
    // Its own key policy, never KMS's default (account root kms:*).
    expect(JSON.parse(String(sent[1]?.input.Policy))).toEqual(tenantKeyPolicy('4601', POLICY_ROLES));
    expect(sent[3]?.input).toEqual({ AliasName: 'alias/fellesjournal/tenant/4601', TargetKeyId: 'k-1' });
  });

  it('replicates a new key into the DR region with the same policy and tags, and gives the replica the tenant alias there', async () => {
    const { NotFoundException } = await import('@aws-sdk/client-kms');
    const notFound = new NotFoundException({ message: 'Alias not found', $metadata: {} });
    const primary = recordingKms({
      DescribeKeyCommand: notFound,
      CreateKeyCommand: { KeyMetadata: { KeyId: 'mrk-1', Arn: 'arn:aws:kms:eu-north-1:1:key/mrk-1', MultiRegion: true } },
    });
    const dr = recordingKms({ DescribeKeyCommand: notFound });
    const admin = new KmsTenantKeyAdmin(async () => primary.client, 'alias/fellesjournal/tenant/', POLICY_ROLES, { region: 'eu-west-1', client: async () => dr.client });
    expect(await admin.ensureKey('4601')).toEqual({ keyRef: 'arn:aws:kms:eu-north-1:1:key/mrk-1', created: true });
    expect(primary.sent.map((s) => s.name)).toEqual(['DescribeKeyCommand', 'CreateKeyCommand', 'EnableKeyRotationCommand', 'CreateAliasCommand', 'ReplicateKeyCommand']);
    const create = primary.sent[1]!.input;
    const replicate = primary.sent[4]!.input;
    expect(create.MultiRegion).toBe(true);
    expect(replicate).toMatchObject({ KeyId: 'mrk-1', ReplicaRegion: 'eu-west-1', BypassPolicyLockoutSafetyCheck: true, Tags: create.Tags });
    // The replica's policy is the primary's: the same roles, conditions and denies (replicas only in eu-west-1).
    expect(replicate.Policy).toBe(create.Policy);
    expect(JSON.parse(String(replicate.Policy))).toEqual(tenantKeyPolicy('4601', POLICY_ROLES, { replicaRegion: 'eu-west-1' }));
    // In the DR region: looked for first, then the alias the data plane there finds it by.
    expect(dr.sent.map((s) => s.name)).toEqual(['DescribeKeyCommand', 'CreateAliasCommand']);
    expect(dr.sent[1]!.input).toEqual({ AliasName: 'alias/fellesjournal/tenant/4601', TargetKeyId: 'mrk-1' });
  });

  it('a retry after a stop before the replica finishes it; a key replicated already is left as it is', async () => {
    const { NotFoundException } = await import('@aws-sdk/client-kms');
    const notFound = new NotFoundException({ message: 'Alias not found', $metadata: {} });
    const existing = { KeyId: 'mrk-1', Arn: 'arn:aws:kms:eu-north-1:1:key/mrk-1', KeyState: 'Enabled', MultiRegion: true };
    // Stopped after CreateAlias: the key exists here, no replica yet.
    const primary = recordingKms({ DescribeKeyCommand: { KeyMetadata: existing } });
    const dr = recordingKms({ DescribeKeyCommand: notFound });
    const admin = (p: typeof primary, d: typeof dr) => new KmsTenantKeyAdmin(async () => p.client, 'alias/fellesjournal/tenant/', POLICY_ROLES, { region: 'eu-west-1', client: async () => d.client });
    expect(await admin(primary, dr).ensureKey('4601')).toEqual({ keyRef: existing.Arn, created: false });
    expect(primary.sent.map((s) => s.name)).toEqual(['DescribeKeyCommand', 'ReplicateKeyCommand']);
    expect(dr.sent.map((s) => s.name)).toEqual(['DescribeKeyCommand', 'CreateAliasCommand']);
    // Stopped after ReplicateKey: the replica exists (the primary lists it), only the alias is missing.
    const replicated = recordingKms({ DescribeKeyCommand: { KeyMetadata: { ...existing, MultiRegionConfiguration: { ReplicaKeys: [{ Region: 'eu-west-1', Arn: 'arn:aws:kms:eu-west-1:1:key/mrk-1' }] } } } });
    const dr2 = recordingKms({ DescribeKeyCommand: notFound });
    await admin(replicated, dr2).ensureKey('4601');
    expect(replicated.sent.map((s) => s.name)).toEqual(['DescribeKeyCommand']);
    expect(dr2.sent.map((s) => s.name)).toEqual(['DescribeKeyCommand', 'CreateAliasCommand']);
    // All done: nothing is made twice.
    const done = recordingKms({ DescribeKeyCommand: { KeyMetadata: existing } });
    const dr3 = recordingKms({ DescribeKeyCommand: { KeyMetadata: { ...existing, Arn: 'arn:aws:kms:eu-west-1:1:key/mrk-1' } } });
    await admin(done, dr3).ensureKey('4601');
    expect(done.sent.map((s) => s.name)).toEqual(['DescribeKeyCommand']);
    expect(dr3.sent.map((s) => s.name)).toEqual(['DescribeKeyCommand']);
  });

  it('prints the key policy for another set of roles (the DR stack\'s), the same the control plane writes', async () => {
    const dr = { tenant: 'arn:aws:iam::111111111111:role/dr-tenant', export: 'arn:aws:iam::111111111111:role/dr-export', reader: 'arn:aws:iam::111111111111:role/dr-reader' };
    const out = await runOps(['keys', 'policy', '4601', '--tenant-role', dr.tenant, '--export-role', dr.export, '--offboarding-role', dr.export, '--reader-role', dr.reader]);
    expect(JSON.parse(out)).toEqual(tenantKeyPolicy('4601', { tenantRoleArn: dr.tenant, exportRoleArn: dr.export, offboardingRoleArn: dr.export, readerRoleArns: [dr.reader] }));
    await expect(runOps(['keys', 'policy', '4601', '--tenant-role', dr.tenant, '--export-role', 'arn:aws:iam::222222222222:role/x', '--offboarding-role', dr.export])).rejects.toThrow(UsageError);
  });

  it('finds an existing key instead of making a second one', async () => {
    const { client, sent } = recordingKms({ DescribeKeyCommand: { KeyMetadata: { KeyId: 'k-1', Arn: 'arn:k-1', KeyState: 'Enabled' } } });
    expect(await new KmsTenantKeyAdmin(async () => client, 'alias/fellesjournal/tenant/', POLICY_ROLES).ensureKey('4601')).toEqual({ keyRef: 'arn:k-1', created: false });
    expect(sent.map((s) => s.name)).toEqual(['DescribeKeyCommand']);
  });

  it('creates no key when the key policy roles are not configured (never the default key policy)', async () => {
    const { NotFoundException } = await import('@aws-sdk/client-kms');
    const { client, sent } = recordingKms({ DescribeKeyCommand: new NotFoundException({ message: 'Alias not found', $metadata: {} }) });
    await expect(new KmsTenantKeyAdmin(async () => client, 'alias/fellesjournal/tenant/', undefined).ensureKey('4601')).rejects.toThrow(/default key policy/);
    expect(sent.map((s) => s.name)).toEqual(['DescribeKeyCommand']);
  });

  it('disables and tags a key whose retention runs for years, and schedules the 30-day deletion when due', async () => {
    const now = new Date('2026-01-01T00:00:00Z');
    const { client, sent } = recordingKms({ ScheduleKeyDeletionCommand: { DeletionDate: new Date('2036-01-31T00:00:00Z') } });
    const admin = new KmsTenantKeyAdmin(async () => client, 'alias/fellesjournal/tenant/', POLICY_ROLES);
    const state = await admin.scheduleDeletion('4601', 'arn:k-1', new Date('2036-01-01T00:00:00Z'), now);
    expect(state).toMatchObject({ state: 'disabled-until-due', deleteAfter: '2036-01-01T00:00:00.000Z' });
    expect(sent.map((s) => s.name)).toEqual(['TagResourceCommand', 'DisableKeyCommand']);

    expect(await admin.destroyDue('4601', state, now)).toBe(state);
    const destroyed = await admin.destroyDue('4601', state, new Date('2036-01-02T00:00:00Z'));
    expect(destroyed).toMatchObject({ state: 'pending-deletion', kmsDeletionDate: '2036-01-31T00:00:00.000Z' });
    expect(sent.at(-1)).toEqual({ name: 'ScheduleKeyDeletionCommand', input: { KeyId: 'arn:k-1', PendingWindowInDays: 30 } });
  });
});

describe('API Gateway key admin', () => {
  function recordingApiGateway() {
    const sent: { name: string; input: Record<string, unknown> }[] = [];
    const client = {
      send: async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
        sent.push({ name: command.constructor.name, input: command.input });
        if (command.constructor.name === 'GetUsagePlansCommand') return { items: [{ id: 'plan-web', name: 'fj-prod-web' }, { id: 'plan-std', name: 'fj-prod-vendor-standard' }] };
        if (command.constructor.name === 'CreateApiKeyCommand') return { id: 'key-1' };
        return {};
      },
    };
    return { client: client as never, sent };
  }

  it('creates a key with a value it can show once and puts it on the named plan', async () => {
    const { client, sent } = recordingApiGateway();
    const out = await new AwsApiKeyAdmin(client, { standard: 'fj-prod-vendor-standard' }).createKey('vnd-0123456789abcdef', 'Journalsystem AS', 'standard');
    expect(out).toMatchObject({ apiKeyId: 'key-1', plan: 'standard', usagePlanId: 'plan-std' });
    expect(out.value.length).toBeGreaterThanOrEqual(20);
    expect(sent.map((s) => s.name)).toEqual(['GetUsagePlansCommand', 'CreateApiKeyCommand', 'CreateUsagePlanKeyCommand']);
    expect(sent[1]?.input).toMatchObject({ name: 'vendor-vnd-0123456789abcdef', enabled: true, value: out.value });
    expect(sent[2]?.input).toEqual({ usagePlanId: 'plan-std', keyId: 'key-1', keyType: 'API_KEY' });
  });

  it('refuses an unknown plan before creating anything', async () => {
    const { client, sent } = recordingApiGateway();
    await expect(new AwsApiKeyAdmin(client, { standard: 'fj-prod-vendor-standard' }).createKey('vnd-0123456789abcdef', 'X', 'gold')).rejects.toThrow(/bruksplan/);
    expect(sent).toEqual([]);
  });
});

describe('CLI output', () => {
  it('pads columns to the widest cell and marks empty cells', () => {
    expect(formatTable(['ID', 'NAME'], [['0301', 'Oslo'], ['4601', undefined]])).toBe('ID    NAME\n----  ----\n0301  Oslo\n4601  -');
    expect(formatTable(['ID'], [])).toBe('ID\n(none)');
  });

  it('turns a problem into one line with every bad field', () => {
    const line = problemLine(400, { title: 'Ugyldig forespørsel', detail: 'Forespørselen har ugyldige felt.', errors: [{ field: 'body.id', message: 'Ugyldig' }, { field: 'body.name', message: 'For kort' }] });
    expect(line).toBe('Ugyldig forespørsel (HTTP 400): Forespørselen har ugyldige felt. [body.id: Ugyldig; body.name: For kort]');
    expect(line).not.toContain('\n');
  });
});
