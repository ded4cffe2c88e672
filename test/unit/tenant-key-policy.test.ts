import { describe, expect, it } from 'vitest';
import { KEY_ADMIN_ACTIONS, tenantKeyPolicy, type KeyPolicyDocument, type TenantKeyPolicyRoles } from '../../shared/crypto/key-policy';
import { evaluateKeyPolicy, type KeyRequest } from '../support/key-policy-eval';

// The policies are evaluated (test/support/key-policy-eval.ts: KMS's same-account rules, explicit
// denies, the conditions), not read as text.

const ACCOUNT = '111111111111';
const role = (name: string) => `arn:aws:iam::${ACCOUNT}:role/${name}`;
const ROLES: TenantKeyPolicyRoles = {
  tenantRoleArn: role('fj-test-tenant-scoped'),
  exportRoleArn: role('fj-test-tenants-export'),
  offboardingRoleArn: role('fj-test-tenants-offboarding'),
};
const KEY_0301 = `arn:aws:kms:eu-north-1:${ACCOUNT}:key/0a1b2c3d-0000-4000-8000-000000000301`;
const KEY_4601 = `arn:aws:kms:eu-north-1:${ACCOUNT}:key/0a1b2c3d-0000-4000-8000-000000004601`;
const POLICY: Record<string, KeyPolicyDocument> = { [KEY_0301]: tenantKeyPolicy('0301', ROLES), [KEY_4601]: tenantKeyPolicy('4601', ROLES) };

/** An administrator: AdministratorAccess, the broadest IAM policy there is. */
const ADMINISTRATOR_ACCESS: KeyRequest['iam'] = [{ Effect: 'Allow', Action: '*' }];
/** An IAM policy that allows a role every KMS call on every key (the broadest a role could be given). */
const ALL_KMS: KeyRequest['iam'] = [{ Effect: 'Allow', Action: 'kms:*' }];

interface Call {
  /** Role name the caller's session belongs to. */
  as: string;
  action: string;
  key?: string;
  /** The session's `tenant` tag. */
  tag?: string;
  /** The request's encryption context `tenant`. */
  context?: string;
  /** The caller's IAM policy (default: kms:* on every key). */
  identity?: KeyRequest['iam'];
  extra?: Record<string, string | string[]>;
  policy?: KeyPolicyDocument;
}

function decide(c: Call): string {
  const policy = c.policy ?? POLICY[c.key ?? KEY_0301]!;
  return evaluateKeyPolicy(policy, {
    roleArn: role(c.as),
    action: c.action,
    ...(c.tag ? { principalTags: { tenant: c.tag } } : {}),
    context: { ...(c.context ? { 'kms:EncryptionContext:tenant': c.context } : {}), ...c.extra },
    iam: c.identity ?? ALL_KMS,
  });
}

const tenantRole = 'fj-test-tenant-scoped';
const exportRole = 'fj-test-tenants-export';
const offboardingRole = 'fj-test-tenants-offboarding';

describe('tenant key policy: keys no person can use', () => {
  it('the default key policy it replaces (account root kms:*) lets an administrator decrypt: what this policy closes', () => {
    const defaultPolicy: KeyPolicyDocument = {
      Version: '2012-10-17',
      Statement: [{ Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: ['kms:*'], Resource: '*' }],
    };
    expect(decide({ as: 'Admin', action: 'kms:Decrypt', context: '0301', identity: ADMINISTRATOR_ACCESS, policy: defaultPolicy })).toBe('allow');
    expect(decide({ as: 'Admin', action: 'kms:Decrypt', context: '0301', identity: ADMINISTRATOR_ACCESS })).toBe('explicit-deny');
  });

  it('an administrator (AdministratorAccess, even the account root) cannot Decrypt, GenerateDataKey, Encrypt or ReEncrypt', () => {
    for (const as of ['Admin', 'AWSReservedSSO_AdministratorAccess_0123456789abcdef']) {
      for (const action of ['kms:Decrypt', 'kms:GenerateDataKey', 'kms:GenerateDataKeyWithoutPlaintext', 'kms:Encrypt', 'kms:ReEncryptFrom', 'kms:ReEncryptTo', 'kms:CreateGrant']) {
        // With the tenant's context and even a forged tenant tag: no statement lets a person use the key.
        expect(decide({ as, action, tag: '0301', context: '0301', identity: ADMINISTRATOR_ACCESS }), `${as} ${action}`).toBe('explicit-deny');
      }
    }
  });

  it('an administrator may administer the key, and keeps PutKeyPolicy (the key never becomes unmanageable)', () => {
    for (const action of KEY_ADMIN_ACTIONS) {
      // (A replica only ever in the DR region: see the test of its own below.)
      const extra = action === 'kms:ReplicateKey' ? { 'kms:ReplicaRegion': 'eu-west-1' } : undefined;
      expect(decide({ as: 'Admin', action, identity: ADMINISTRATOR_ACCESS, ...(extra ? { extra, policy: tenantKeyPolicy('0301', ROLES, { replicaRegion: 'eu-west-1' }) } : {}) }), action).toBe('allow');
    }
    expect(decide({ as: 'Admin', action: 'kms:PutKeyPolicy', identity: ADMINISTRATOR_ACCESS })).toBe('allow');
    // The key policy alone gives no role administration: it delegates it to the account's IAM policies.
    expect(decide({ as: 'SomeDeveloper', action: 'kms:PutKeyPolicy', identity: [] })).toBe('implicit-deny');
  });

  it('the tenant role with tag 0301 uses the 0301 key only with the 0301 encryption context', () => {
    for (const action of ['kms:GenerateDataKey', 'kms:Decrypt']) {
      expect(decide({ as: tenantRole, action, tag: '0301', context: '0301', identity: [] }), action).toBe('allow');
      expect(decide({ as: tenantRole, action, tag: '0301', context: '4601', identity: [] }), action).toBe('implicit-deny');
      expect(decide({ as: tenantRole, action, tag: '0301', identity: [] }), action).toBe('implicit-deny');
      // A session for Bergen cannot use Oslo's key, whatever context it asks for.
      expect(decide({ as: tenantRole, action, tag: '4601', context: '0301', identity: [] }), action).toBe('implicit-deny');
      expect(decide({ as: tenantRole, action, tag: '4601', context: '4601', identity: [] }), action).toBe('implicit-deny');
      expect(decide({ as: tenantRole, action, context: '0301', identity: [] }), action).toBe('implicit-deny');
      // Bergen's own key, for Bergen's session.
      expect(decide({ as: tenantRole, action, key: KEY_4601, tag: '4601', context: '4601', identity: [] }), action).toBe('allow');
      expect(decide({ as: tenantRole, action, key: KEY_4601, tag: '0301', context: '0301', identity: [] }), action).toBe('implicit-deny');
    }
    // Not its key to manage, not even with kms:* in IAM.
    for (const action of ['kms:ScheduleKeyDeletion', 'kms:CreateGrant']) {
      expect(decide({ as: tenantRole, action, tag: '0301', context: '0301' }), action).toBe('explicit-deny');
    }
    // Administration is delegated to IAM, and the tenant role's IAM policy grants none of it.
    expect(decide({ as: tenantRole, action: 'kms:PutKeyPolicy', tag: '0301', identity: [] })).toBe('implicit-deny');
  });

  it('the export role opens records of the key\'s tenant, and never seals', () => {
    expect(decide({ as: exportRole, action: 'kms:Decrypt', context: '0301', identity: [] })).toBe('allow');
    expect(decide({ as: exportRole, action: 'kms:Decrypt', context: '4601', identity: [] })).toBe('implicit-deny');
    expect(decide({ as: exportRole, action: 'kms:Decrypt', key: KEY_4601, context: '4601', identity: [] })).toBe('allow');
    for (const action of ['kms:GenerateDataKey', 'kms:Encrypt', 'kms:ReEncryptTo']) {
      expect(decide({ as: exportRole, action, context: '0301' }), action).toBe('explicit-deny');
    }
  });

  it('only the offboarding role may schedule the key\'s deletion', () => {
    expect(decide({ as: offboardingRole, action: 'kms:ScheduleKeyDeletion', identity: [] })).toBe('allow');
    expect(decide({ as: offboardingRole, action: 'kms:DisableKey', identity: [] })).toBe('allow');
    expect(decide({ as: offboardingRole, action: 'kms:TagResource', identity: [], extra: { 'aws:TagKeys': ['delete-after'] } })).toBe('allow');
    expect(decide({ as: offboardingRole, action: 'kms:TagResource', identity: [], extra: { 'aws:TagKeys': ['tenant'] } })).toBe('implicit-deny');
    expect(decide({ as: offboardingRole, action: 'kms:Decrypt', context: '0301', identity: [] })).toBe('explicit-deny');
    for (const as of ['Admin', tenantRole, exportRole, 'fj-test-tenants-operator']) {
      expect(decide({ as, action: 'kms:ScheduleKeyDeletion', identity: ADMINISTRATOR_ACCESS }), as).toBe('explicit-deny');
    }
  });

  it('a narrow reader role (sharing) may open single records of the tenant when named, nothing more', () => {
    const reader = 'fj-test-sharing-read';
    const withReader = tenantKeyPolicy('0301', { ...ROLES, readerRoleArns: [role(reader)] });
    const run = (action: string, context: string) => decide({ as: reader, action, context, identity: [], policy: withReader });
    expect(run('kms:Decrypt', '0301')).toBe('allow');
    expect(run('kms:Decrypt', '4601')).toBe('implicit-deny');
    expect(run('kms:GenerateDataKey', '0301')).toBe('explicit-deny');
    // Without being named it is just another principal.
    expect(decide({ as: reader, action: 'kms:Decrypt', context: '0301' })).toBe('explicit-deny');
  });

  it('refuses roles of another account and a malformed tenant id', () => {
    expect(() => tenantKeyPolicy('0301', { ...ROLES, exportRoleArn: 'arn:aws:iam::222222222222:role/x' })).toThrow(/account/);
    expect(() => tenantKeyPolicy('0301', { ...ROLES, tenantRoleArn: 'arn:aws:iam::111111111111:user/x' })).toThrow(/role ARN/);
    expect(() => tenantKeyPolicy('03011', ROLES)).toThrow();
  });

  it('a multi-Region replica only in the configured DR region, none at all without one; its policy is the same', () => {
    const withDr = tenantKeyPolicy('0301', ROLES, { replicaRegion: 'eu-west-1' });
    const replicate = (region: string, policy: KeyPolicyDocument) => decide({ as: 'fj-test-tenants-ops', action: 'kms:ReplicateKey', identity: ALL_KMS, extra: { 'kms:ReplicaRegion': region }, policy });
    expect(replicate('eu-west-1', withDr)).toBe('allow');
    for (const region of ['us-east-1', 'eu-central-1', 'eu-north-1']) expect(replicate(region, withDr), region).toBe('explicit-deny');
    expect(decide({ as: 'Admin', action: 'kms:ReplicateKey', identity: ADMINISTRATOR_ACCESS, policy: withDr })).toBe('explicit-deny');
    expect(replicate('eu-west-1', tenantKeyPolicy('0301', ROLES))).toBe('explicit-deny');
    // Everything else of the policy is the same with or without a DR region (the replica gets it as it is).
    const others = (p: KeyPolicyDocument) => p.Statement.filter((st) => st.Sid !== 'ReplicasOnlyInDrRegion');
    expect(others(withDr)).toEqual(others(tenantKeyPolicy('0301', ROLES)));
    for (const action of ['kms:Decrypt', 'kms:GenerateDataKey']) expect(decide({ as: 'Admin', action, context: '0301', identity: ADMINISTRATOR_ACCESS, policy: withDr }), action).toBe('explicit-deny');
  });
});
