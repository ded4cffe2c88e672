import { assertTenantId } from '../db/keys';

/**
 * The key policy of a tenant's master key, written at CreateKey by the control plane. It replaces
 * KMS's default policy (account root `kms:*`, which lets any IAM principal with broad KMS rights
 * decrypt): the application roles may use the key, the account's administrators may manage it
 * but never use it, and only the offboarding role may schedule its deletion.
 *
 * What it does not stop: an administrator may rewrite this policy (PutKeyPolicy stays with them so
 * the key can never become unmanageable, KMS's lock-out rule); that call is logged by CloudTrail
 * and alarmed (infra/constructs/key-trail.ts).
 */

/** The roles a tenant key policy names; all in the key's account. */
export interface TenantKeyPolicyRoles {
  /** The tenant-scoped role (data plane): seals and opens its own tenant's data keys. */
  tenantRoleArn: string;
  /** The offboarding export: opens every record of the municipality being offboarded. */
  exportRoleArn: string;
  /** The offboarding flow: disables the key and schedules its deletion (crypto-shredding). */
  offboardingRoleArn: string;
  /** Roles that may open single records of the tenant (e.g. a narrow sharing-read role). */
  readerRoleArns?: readonly string[];
}

export interface KeyPolicyStatement {
  Sid: string;
  Effect: 'Allow' | 'Deny';
  Principal: { AWS: string | string[] } | '*';
  Action: string[];
  Resource: '*';
  Condition?: Record<string, Record<string, string | string[]>>;
}

export interface KeyPolicyDocument {
  Version: '2012-10-17';
  Statement: KeyPolicyStatement[];
}

/**
 * What the account's administrators may do with a tenant key: describe, tag, alias, rotate,
 * enable and disable, cancel a deletion, change the policy. Nothing here reveals or makes key
 * material, and no grant can be made (a grant could hand out Decrypt).
 */
export const KEY_ADMIN_ACTIONS = [
  'kms:DescribeKey',
  'kms:GetKeyPolicy',
  'kms:GetKeyRotationStatus',
  'kms:ListKeyPolicies',
  'kms:ListKeyRotations',
  'kms:ListResourceTags',
  'kms:ListGrants',
  'kms:PutKeyPolicy',
  'kms:EnableKey',
  'kms:DisableKey',
  'kms:EnableKeyRotation',
  'kms:DisableKeyRotation',
  'kms:RotateKeyOnDemand',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:CreateAlias',
  'kms:UpdateAlias',
  'kms:DeleteAlias',
  'kms:UpdateKeyDescription',
  'kms:CancelKeyDeletion',
  'kms:RevokeGrant',
  'kms:RetireGrant',
  // Multi-Region keys: a replica in the DR region only (the ReplicasOnlyInDrRegion deny below),
  // and promoting it when the home region is lost (docs/operations/restore.md).
  'kms:ReplicateKey',
  'kms:UpdatePrimaryRegion',
] as const;

/** Where a tenant key may have its multi-Region replica. */
export interface TenantKeyReplication {
  /** The DR region (config `regions[].dr.region`); without it the key may not be replicated anywhere. */
  replicaRegion?: string;
}

/** Operations that reveal, make or move key material: only ever for the application roles. */
const SEAL_ACTIONS = [
  'kms:Encrypt',
  'kms:GenerateDataKey',
  'kms:GenerateDataKeyWithoutPlaintext',
  'kms:GenerateDataKeyPair',
  'kms:GenerateDataKeyPairWithoutPlaintext',
  'kms:ReEncryptFrom',
  'kms:ReEncryptTo',
];

const ROLE_ARN = /^arn:aws[a-z-]*:iam::(\d{12}):role\/[\w+=,.@/-]+$/;

/** The account of a role ARN; throws on anything that is not one. */
export function accountOfRoleArn(arn: string): string {
  const m = ROLE_ARN.exec(arn);
  if (!m?.[1]) throw new Error(`Not an IAM role ARN: ${arn}`);
  return m[1];
}

/**
 * The explicit key policy of tenant `tenant`'s master key (and of its replica in the DR region, which
 * gets the same). Pure: the same input, the same policy.
 */
export function tenantKeyPolicy(tenant: string, roles: TenantKeyPolicyRoles, replication: TenantKeyReplication = {}): KeyPolicyDocument {
  assertTenantId(tenant);
  const readers = roles.readerRoleArns ?? [];
  const all = [roles.tenantRoleArn, roles.exportRoleArn, roles.offboardingRoleArn, ...readers];
  const account = accountOfRoleArn(roles.tenantRoleArn);
  for (const arn of all) {
    if (accountOfRoleArn(arn) !== account) throw new Error(`Role ${arn} is not in the key's account ${account}`);
  }
  const partition = roles.tenantRoleArn.split(':')[1]!;
  const openers = [roles.tenantRoleArn, roles.exportRoleArn, ...readers];
  const ownContext = { 'kms:EncryptionContext:tenant': tenant };
  return {
    Version: '2012-10-17',
    Statement: [
      {
        // The account root as principal delegates to IAM: whoever the account's IAM policies make a
        // key administrator. The lock-out rule: PutKeyPolicy stays here, so the key stays manageable.
        Sid: 'AdministratorsManageNeverUse',
        Effect: 'Allow',
        Principal: { AWS: `arn:${partition}:iam::${account}:root` },
        Action: [...KEY_ADMIN_ACTIONS],
        Resource: '*',
      },
      {
        // The session tag is set by whoever mints the tenant session; the context is bound into
        // every data key, so a record of another tenant can neither be sealed nor opened here.
        Sid: 'TenantRoleOwnTenantOwnContext',
        Effect: 'Allow',
        Principal: { AWS: roles.tenantRoleArn },
        Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
        Resource: '*',
        Condition: { StringEquals: { 'aws:PrincipalTag/tenant': tenant, ...ownContext } },
      },
      {
        Sid: 'ExportOpensOwnContext',
        Effect: 'Allow',
        Principal: { AWS: roles.exportRoleArn },
        Action: ['kms:Decrypt'],
        Resource: '*',
        Condition: { StringEquals: ownContext },
      },
      ...(readers.length > 0
        ? [
            {
              Sid: 'ReadersOpenOwnContext',
              Effect: 'Allow' as const,
              Principal: { AWS: [...readers] },
              Action: ['kms:Decrypt'],
              Resource: '*' as const,
              Condition: { StringEquals: ownContext },
            },
          ]
        : []),
      {
        Sid: 'OffboardingRetiresKey',
        Effect: 'Allow',
        Principal: { AWS: roles.offboardingRoleArn },
        Action: ['kms:DescribeKey', 'kms:ListResourceTags', 'kms:DisableKey', 'kms:ScheduleKeyDeletion'],
        Resource: '*',
      },
      {
        // Offboarding marks the key with the date its retention ends, and no other tag.
        Sid: 'OffboardingMarksDeletionDate',
        Effect: 'Allow',
        Principal: { AWS: roles.offboardingRoleArn },
        Action: ['kms:TagResource'],
        Resource: '*',
        Condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['delete-after'] } },
      },
      // Explicit denies: they hold even against a grant or an IAM policy that would allow, and
      // they name what the allows above only imply.
      {
        Sid: 'NobodyElseOpens',
        Effect: 'Deny',
        Principal: '*',
        Action: ['kms:Decrypt'],
        Resource: '*',
        Condition: { ArnNotEquals: { 'aws:PrincipalArn': openers } },
      },
      {
        Sid: 'NobodyElseSeals',
        Effect: 'Deny',
        Principal: '*',
        Action: [...SEAL_ACTIONS],
        Resource: '*',
        Condition: { ArnNotEquals: { 'aws:PrincipalArn': [roles.tenantRoleArn] } },
      },
      {
        Sid: 'NoGrants',
        Effect: 'Deny',
        Principal: '*',
        Action: ['kms:CreateGrant'],
        Resource: '*',
      },
      {
        // A replica shares the key material: one in any other region would be a copy of the
        // tenant's key outside the platform's two regions. Only the configured DR region, or none.
        Sid: 'ReplicasOnlyInDrRegion',
        Effect: 'Deny',
        Principal: '*',
        Action: ['kms:ReplicateKey'],
        Resource: '*',
        ...(replication.replicaRegion ? { Condition: { StringNotEquals: { 'kms:ReplicaRegion': replication.replicaRegion } } } : {}),
      },
      {
        Sid: 'DeletionOnlyByOffboarding',
        Effect: 'Deny',
        Principal: '*',
        Action: ['kms:ScheduleKeyDeletion'],
        Resource: '*',
        Condition: { ArnNotEquals: { 'aws:PrincipalArn': roles.offboardingRoleArn } },
      },
    ],
  };
}
