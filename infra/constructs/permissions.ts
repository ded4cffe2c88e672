import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { INDEX_ATTRIBUTES, VENDOR_ATTRIBUTES } from '../functions/usage-keys';
import { PlatformKeys, TENANT_KEY_ALIAS_PREFIX } from './keys';

/** The session tag the tenant-scoped role requires; its value is the kommunenummer. */
export const TENANT_TAG = 'tenant';
/** Tags of a sharing-read session: the origin municipality, the one document (entry id) it may read. */
export const ORIGIN_TAG = 'origin';
export const DOCUMENT_TAG = 'document';
const principalTenant = `\${aws:PrincipalTag/${TENANT_TAG}}`;
const principalOrigin = `\${aws:PrincipalTag/${ORIGIN_TAG}}`;
const principalDocument = `\${aws:PrincipalTag/${DOCUMENT_TAG}}`;
/** DynamoDB partition keys (and index partition keys) the tenant role may touch. */
export const TENANT_LEADING_KEYS = `T#${principalTenant}#*`;
/** The audit partitions of a sharing-read session's origin, and of the caller's own municipality. */
export const ORIGIN_AUDIT_LEADING_KEYS = `T#${principalOrigin}#AUDIT#*`;
export const OWN_AUDIT_LEADING_KEYS = `T#${principalTenant}#AUDIT#*`;
/** The one shared document's index item (sharing table, functions/core/sharing-record.ts). */
export const DOCUMENT_LEADING_KEY = `T#${principalOrigin}#DOC#${principalDocument}`;

export const SHARING_READ_ROLE_DESCRIPTION = 'Fellesjournal sharing-read access: one shared document of another municipality and appending to its audit log (tags origin, document, tenant)';
export const TENANT_ROLE_DESCRIPTION = 'Fellesjournal tenant-scoped access: assumed only by the session vending function, with session tag tenant=<kommunenummer> from the registry';

/** Sharing-table partitions of a citizen (blocks, consents, emergency grants): functions/sharing/sharing-store.ts. */
export const SHARING_CITIZEN_KEYS = 'CIT#*';

/** DynamoDB actions, by what they are allowed to do. No DeleteItem, BatchWriteItem or Scan anywhere. */
export const DDB = {
  read: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'],
  append: ['dynamodb:PutItem', 'dynamodb:ConditionCheckItem'],
  change: ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:ConditionCheckItem'],
} as const;

/** The KMS operations that reveal or make plaintext data keys. */
const KEY_MATERIAL_ACTIONS = [
  'kms:Decrypt',
  'kms:Encrypt',
  'kms:ReEncryptFrom',
  'kms:ReEncryptTo',
  'kms:GenerateDataKey',
  'kms:GenerateDataKeyWithoutPlaintext',
  'kms:GenerateDataKeyPair',
  'kms:GenerateDataKeyPairWithoutPlaintext',
];

export function tableResources(table: dynamodb.ITable): string[] {
  return [table.tableArn, `${table.tableArn}/index/*`];
}

export interface Tables {
  journal: dynamodb.ITable;
  audit: dynamodb.ITable;
  control: dynamodb.ITable;
  sharing: dynamodb.ITable;
}

/**
 * The tenant-scoped role. Only the session vending function (infra/functions/session-vendor.ts)
 * may assume it, with the session tag `tenant` taken from the registry mapping of a caller whose
 * token it verified; data-plane functions get the credentials from it (cached per container and
 * caller, shared/auth/tenant-credentials.ts) and cannot assume the role themselves. A session
 * reaches one municipality, whatever the code asks for:
 * - DynamoDB only where every partition key (`dynamodb:LeadingKeys`, also on index queries)
 *   starts with `T#<tenant>#`; journal items may change, audit items may only be added;
 * - KMS only on keys tagged with the tenant, and only with encryption context `tenant` = the tag;
 * - writes (put, update, condition check; never delete) to the sharing table where they belong in
 *   a transaction with the tenant's own journal or audit items, which runs under this role (one
 *   client per transaction, shared/db/tenant-db.ts): the tenant's own document index entries
 *   (`T#<tenant>#DOC#...`) and citizens' blocks, consents and emergency grants (`CIT#<keyed hash>`,
 *   region-wide by design: a block holds in every municipality). Reads of the sharing table run
 *   under the function's own role, except a citizen's facts item, read by key with the tenant's own
 *   items in one BatchGetItem; nothing here is beyond what the assuming roles may do already.
 */
export class TenantScopedRole extends Construct {
  readonly role: iam.Role;
  readonly policy: iam.ManagedPolicy;

  constructor(scope: Construct, id: string, props: { stage: string; tables: Tables; vendingRole: iam.IRole }) {
    super(scope, id);
    const region = Stack.of(this).region;
    this.role = new iam.Role(this, 'Role', {
      // Replaced below: only the vending function's role, only with exactly the `tenant` session tag.
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: TENANT_ROLE_DESCRIPTION,
    });
    const trust = new iam.PolicyDocument({
      statements: [
        new iam.PolicyStatement({
          sid: 'VendingFunctionWithTenantTag',
          principals: [new iam.ArnPrincipal(props.vendingRole.roleArn)],
          actions: ['sts:AssumeRole', 'sts:TagSession'],
          conditions: {
            Null: { [`aws:RequestTag/${TENANT_TAG}`]: 'false' },
            // Four characters: a kommunenummer. Tag values cannot hold IAM wildcards.
            StringLike: { [`aws:RequestTag/${TENANT_TAG}`]: '????' },
            'ForAllValues:StringEquals': { 'aws:TagKeys': [TENANT_TAG] },
          },
        }),
      ],
    });
    (this.role.node.defaultChild as iam.CfnRole).assumeRolePolicyDocument = trust;

    const leadingKeys = {
      'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [TENANT_LEADING_KEYS] },
      // ForAllValues is true for a request without keys; require them.
      Null: { 'dynamodb:LeadingKeys': 'false' },
    };
    this.policy = new iam.ManagedPolicy(this, 'Policy', {
      description: `Tenant-scoped data access (${props.stage}, ${region})`,
      roles: [this.role],
      statements: [
        new iam.PolicyStatement({
          sid: 'JournalOfOwnTenant',
          actions: [...DDB.read, ...DDB.change],
          resources: tableResources(props.tables.journal),
          conditions: leadingKeys,
        }),
        new iam.PolicyStatement({
          sid: 'AuditOfOwnTenantAppendOnly',
          actions: [...DDB.read, ...DDB.append],
          resources: tableResources(props.tables.audit),
          conditions: leadingKeys,
        }),
        new iam.PolicyStatement({
          sid: 'SharingWritesInTenantTransactions',
          actions: [...DDB.change],
          resources: [props.tables.sharing.tableArn],
          conditions: {
            'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [TENANT_LEADING_KEYS, SHARING_CITIZEN_KEYS] },
            Null: { 'dynamodb:LeadingKeys': 'false' },
          },
        }),
        // The access decision reads the citizen's facts item (CIT#<keyed hash> / FACTS) in the
        // BatchGetItem that fetches the tenant's own patient, record and audit head (issue 18).
        new iam.PolicyStatement({
          sid: 'CitizenFactsReadWithTenantData',
          actions: ['dynamodb:GetItem', 'dynamodb:BatchGetItem'],
          resources: [props.tables.sharing.tableArn],
          conditions: {
            'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [SHARING_CITIZEN_KEYS] },
            Null: { 'dynamodb:LeadingKeys': 'false' },
          },
        }),
        new iam.PolicyStatement({
          sid: 'OwnTenantKeyOwnContext',
          actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
          resources: [PlatformKeys.anyKeyArn(this)],
          conditions: {
            StringEquals: {
              [`aws:ResourceTag/${TENANT_TAG}`]: principalTenant,
              [`kms:EncryptionContext:${TENANT_TAG}`]: principalTenant,
            },
          },
        }),
      ],
    });
  }
}

/**
 * What every data-plane function's own role may do. Tenant data only through sessions the vending
 * function hands out for the caller's verified token (invoke only); it can never assume the tenant
 * or sharing-read role itself (explicit deny, whatever a trust policy might say).
 */
export function dataPlaneStatements(scope: Construct, p: { tables: Tables; tenantRole: iam.IRole; sharingReadRole: iam.IRole; vendingFunctionArn: string; keys: PlatformKeys }): iam.PolicyStatement[] {
  return [
    new iam.PolicyStatement({
      sid: 'AskVendingFunctionForSessions',
      actions: ['lambda:InvokeFunction'],
      resources: [p.vendingFunctionArn],
    }),
    neverTenantRole(p.tenantRole, p.sharingReadRole),
    new iam.PolicyStatement({
      sid: 'ReadControlRegistry',
      actions: [...DDB.read],
      resources: tableResources(p.tables.control),
    }),
    sharingIndexStatement(p.tables),
    new iam.PolicyStatement({
      sid: 'NationalIdLookupHash',
      actions: ['kms:GenerateMac'],
      resources: [p.keys.lookup.keyArn],
    }),
    auditSigningStatement(p.keys.auditSigning),
    cursorKeyStatement(p.keys),
    new iam.PolicyStatement({
      sid: 'NoTenantKeyOutsideTenantRole',
      effect: iam.Effect.DENY,
      actions: KEY_MATERIAL_ACTIONS,
      resources: ['*'],
      conditions: { Null: { [`aws:ResourceTag/${TENANT_TAG}`]: 'false' } },
    }),
  ];
}

/** Read, add and change entries of the sharing index (documents, blocks, consents); never delete. */
function sharingIndexStatement(tables: Tables): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'RegionWideSharingIndex',
    actions: [...DDB.read, ...DDB.change],
    resources: tableResources(tables.sharing),
  });
}

/**
 * The API authorizer reads, of the registry, only the status and API key hash of vendor clients
 * (`VENDOR#<clientId>` / `PROFILE`): not their secret hashes, not users, tenants or grants.
 */
export function authorizerStatements(tables: Tables, keys: PlatformKeys): iam.PolicyStatement[] {
  return [
    new iam.PolicyStatement({
      // The caller's municipality for its usage bucket: the tenant of the pid index entry or the
      // orgnr index entry, and no other attribute (not the user id) of any other item.
      sid: 'IndexTenantOnly',
      actions: ['dynamodb:GetItem'],
      resources: [tables.control.tableArn],
      conditions: {
        'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['PID#*', 'ORGNR#*'] },
        'ForAllValues:StringEquals': { 'dynamodb:Attributes': ['pk', 'sk', ...INDEX_ATTRIBUTES] },
        StringEqualsIfExists: { 'dynamodb:Select': 'SPECIFIC_ATTRIBUTES' },
        Null: { 'dynamodb:LeadingKeys': 'false', 'dynamodb:Attributes': 'false' },
      },
    }),
    new iam.PolicyStatement({
      // The pid index is keyed by the region's keyed hash of the pid.
      sid: 'PidLookupHash',
      actions: ['kms:GenerateMac'],
      resources: [keys.lookup.keyArn],
    }),
    new iam.PolicyStatement({
      sid: 'VendorStatusAndKeyHashOnly',
      actions: ['dynamodb:GetItem'],
      resources: [tables.control.tableArn],
      conditions: {
        'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['VENDOR#*'] },
        'ForAllValues:StringEquals': { 'dynamodb:Attributes': ['pk', 'sk', ...VENDOR_ATTRIBUTES] },
        StringEqualsIfExists: { 'dynamodb:Select': 'SPECIFIC_ATTRIBUTES' },
        // ForAllValues holds for a request without keys or without a projection; require both.
        Null: { 'dynamodb:LeadingKeys': 'false', 'dynamodb:Attributes': 'false' },
      },
    }),
  ];
}

/** Seals and opens list cursors: one GenerateMac per container derives the cursor key. */
function cursorKeyStatement(keys: PlatformKeys): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'ListCursorKey',
    actions: ['kms:GenerateMac'],
    resources: [keys.cursor.keyArn],
  });
}

/**
 * Checking the checkpoints signed before anchoring existed. No plane may Sign with this key any
 * more: a writer that can sign can vouch for what it rewrote. Signed tree heads (the anchoring
 * function's own key, infra/constructs/audit-anchor.ts) replace checkpoints (FJ_AUDIT_CHECKPOINTS=off).
 */
function auditSigningStatement(key: kms.IKey): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'AuditCheckpointSignatures',
    actions: ['kms:Verify', 'kms:GetPublicKey'],
    resources: [key.keyArn],
  });
}

/**
 * The tenant admins' control plane: users, units and vendor grants in the control table, with their
 * audit events, under its own role. No tenant-scoped role and an explicit deny on key material, so
 * no patient data; IAM cannot confine it to the admin's own tenant (registry keys are not
 * tenant-prefixed), the code's tenant checks do.
 */
export function adminStatements(scope: Construct, p: { tables: Tables; tenantRole: iam.IRole; keys: PlatformKeys }): iam.PolicyStatement[] {
  const { region } = Stack.of(scope);
  return [
    registryStatement(p.tables),
    auditAppendStatement(p.tables),
    auditSigningStatement(p.keys.auditSigning),
    cursorKeyStatement(p.keys),
    // A grant makes the vendor's usage bucket in the municipality (shared/auth/usage-key-admin.ts).
    ...usageBucketStatements(region),
    neverKeyMaterial(region),
    neverTenantRole(p.tenantRole),
  ];
}

/**
 * Making usage buckets: create (or find) an API key and put it in a usage plan found by name. No
 * change or removal of existing keys (PATCH, DELETE): that stays with the control plane.
 */
function usageBucketStatements(region: string): iam.PolicyStatement[] {
  const apigw = (path: string) => `arn:aws:apigateway:${region}::${path}`;
  return [
    new iam.PolicyStatement({
      sid: 'UsageBucketKeys',
      actions: ['apigateway:POST', 'apigateway:GET'],
      resources: [apigw('/apikeys'), apigw('/apikeys/*'), apigw('/usageplans/*/keys'), apigw('/usageplans/*/keys/*')],
    }),
    new iam.PolicyStatement({
      sid: 'TagUsageBucketKeys',
      actions: ['apigateway:PUT'],
      resources: [apigw('/tags/*')],
      conditions: { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['bucket'] } },
    }),
    new iam.PolicyStatement({
      sid: 'FindUsagePlansForBuckets',
      actions: ['apigateway:GET'],
      resources: [apigw('/usageplans'), apigw('/usageplans/*')],
    }),
  ];
}

function registryStatement(tables: Tables): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'ControlRegistry',
    actions: [...DDB.read, ...DDB.change],
    resources: tableResources(tables.control),
  });
}

function auditAppendStatement(tables: Tables): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'AuditAppendOnly',
    actions: [...DDB.read, ...DDB.append],
    resources: tableResources(tables.audit),
    conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['T#*'] }, Null: { 'dynamodb:LeadingKeys': 'false' } },
  });
}

function neverKeyMaterial(region: string): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'NeverKeyMaterial',
    effect: iam.Effect.DENY,
    actions: [...KEY_MATERIAL_ACTIONS, 'kms:CreateGrant', 'kms:PutKeyPolicy'],
    resources: ['*'],
    // DynamoDB decrypts the registry table for it; nothing else may.
    conditions: { StringNotEquals: { 'kms:ViaService': `dynamodb.${region}.amazonaws.com` } },
  });
}

function neverTenantRole(...roles: iam.IRole[]): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'NeverTenantRole',
    effect: iam.Effect.DENY,
    actions: ['sts:AssumeRole', 'sts:TagSession'],
    resources: roles.map((r) => r.roleArn),
  });
}

/**
 * The control plane: tenant registry, tenant keys (create, tag, alias, rotate, disable, schedule
 * deletion), vendor API keys, and its own audit events. It can never produce or read a plaintext
 * data key (explicit deny, which beats any key policy it might write at CreateKey), and it is not
 * trusted by the tenant-scoped role.
 */
/** Keys that carry a tenant tag: tenant keys, created at runtime, so named by condition. */
const TENANT_TAG_PRESENT = { Null: { [`aws:ResourceTag/${TENANT_TAG}`]: 'false' } };

/** Tagging a tenant key with the date its retention ends (offboarding), and no other tag. */
function markKeysForDeletion(scope: Construct): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'MarkTenantKeysForDeletion',
    actions: ['kms:TagResource'],
    resources: [PlatformKeys.anyKeyArn(scope)],
    conditions: { ...TENANT_TAG_PRESENT, 'ForAllValues:StringEquals': { 'aws:TagKeys': ['delete-after'] } },
  });
}

/**
 * What provisioning needs in the DR region (config regions[].dr): replicate a tenant key there
 * (only there: the key policy denies any other region too), and give the replica the tenant's
 * alias and tags. The replica's policy is the primary's (shared/crypto/key-admin.ts).
 */
export function keyReplicaStatements(scope: Construct, drRegion: string): iam.PolicyStatement[] {
  const { account } = Stack.of(scope);
  const drKeys = `arn:aws:kms:${drRegion}:${account}:key/*`;
  return [
    new iam.PolicyStatement({
      sid: 'ReplicateTenantKeysToDr',
      actions: ['kms:ReplicateKey'],
      resources: [PlatformKeys.anyKeyArn(scope)],
      conditions: { ...TENANT_TAG_PRESENT, StringEquals: { 'kms:ReplicaRegion': drRegion } },
    }),
    new iam.PolicyStatement({
      sid: 'CreateTenantKeyReplicasInDr',
      // ReplicateKey is authorised as CreateKey in the replica's region (no resource yet).
      actions: ['kms:CreateKey'],
      resources: ['*'],
      conditions: { StringEquals: { 'aws:RequestedRegion': drRegion } },
    }),
    new iam.PolicyStatement({
      sid: 'TagTenantKeyReplicas',
      actions: ['kms:TagResource'],
      resources: [drKeys],
      // Tag-on-create of the replica; a key already carrying a tenant tag is never re-tagged.
      conditions: { Null: { [`aws:ResourceTag/${TENANT_TAG}`]: 'true' }, 'ForAllValues:StringEquals': { 'aws:TagKeys': ['tenant', 'app'] } },
    }),
    new iam.PolicyStatement({
      sid: 'TenantKeyReplicaAliases',
      actions: ['kms:DescribeKey', 'kms:CreateAlias'],
      resources: [drKeys, `arn:aws:kms:${drRegion}:${account}:${TENANT_KEY_ALIAS_PREFIX}*`],
    }),
  ];
}

export function operatorStatements(scope: Construct, p: { tables: Tables; tenantRole: iam.IRole; keys: PlatformKeys }): iam.PolicyStatement[] {
  const { region } = Stack.of(scope);
  const keyTags = ['tenant', 'app', 'delete-after'];
  const apigw = (path: string) => `arn:aws:apigateway:${region}::${path}`;
  return [
    registryStatement(p.tables),
    auditAppendStatement(p.tables),
    auditSigningStatement(p.keys.auditSigning),
    new iam.PolicyStatement({
      sid: 'CreateTaggedTenantKeys',
      actions: ['kms:CreateKey'],
      resources: ['*'],
      conditions: {
        StringEquals: { 'kms:KeySpec': 'SYMMETRIC_DEFAULT', 'kms:KeyUsage': 'ENCRYPT_DECRYPT' },
        Null: { [`aws:RequestTag/${TENANT_TAG}`]: 'false' },
        'ForAllValues:StringEquals': { 'aws:TagKeys': keyTags },
      },
    }),
    new iam.PolicyStatement({
      sid: 'TagNewTenantKeys',
      actions: ['kms:TagResource'],
      resources: [PlatformKeys.anyKeyArn(scope)],
      // A key that already belongs to a tenant can never be re-tagged to another one.
      conditions: { Null: { [`aws:ResourceTag/${TENANT_TAG}`]: 'true' }, 'ForAllValues:StringEquals': { 'aws:TagKeys': keyTags } },
    }),
    markKeysForDeletion(scope),
    new iam.PolicyStatement({
      sid: 'ManageTenantKeys',
      actions: [
        'kms:DescribeKey',
        'kms:EnableKeyRotation',
        'kms:GetKeyRotationStatus',
        'kms:ListResourceTags',
        'kms:DisableKey',
        'kms:ScheduleKeyDeletion',
        'kms:CreateAlias',
      ],
      resources: [PlatformKeys.anyKeyArn(scope)],
      conditions: TENANT_TAG_PRESENT,
    }),
    new iam.PolicyStatement({
      sid: 'TenantKeyAliases',
      actions: ['kms:CreateAlias'],
      resources: [PlatformKeys.tenantAliasArnPattern(scope)],
    }),
    new iam.PolicyStatement({
      sid: 'VendorApiKeys',
      actions: ['apigateway:POST', 'apigateway:GET', 'apigateway:PATCH', 'apigateway:DELETE'],
      resources: [apigw('/apikeys'), apigw('/apikeys/*'), apigw('/usageplans/*/keys'), apigw('/usageplans/*/keys/*')],
    }),
    new iam.PolicyStatement({
      sid: 'TagVendorApiKeys',
      // Tag-on-create of a vendor's API key (tag clientId) and of a municipality's usage bucket (tag bucket).
      actions: ['apigateway:PUT'],
      resources: [apigw('/tags/*')],
      conditions: { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['clientId', 'bucket'] } },
    }),
    new iam.PolicyStatement({
      sid: 'FindUsagePlans',
      actions: ['apigateway:GET'],
      resources: [apigw('/usageplans'), apigw('/usageplans/*')],
    }),
    neverKeyMaterial(region),
    neverTenantRole(p.tenantRole),
  ];
}

/**
 * The route plane `anchor` (the auditor's "anchor now"): the anchoring job's own statements
 * (AuditAnchor.statements(), granted with AuditAnchor.grantAnchoring) plus what the request
 * pipeline reads before the handler runs: the caller's tenant and user entries in the registry.
 * No tenant role and no tenant key: it reads stream heads and event hashes, never patient data.
 */
export function anchorPlaneStatements(p: { tables: Tables; tenantRole: iam.IRole }): iam.PolicyStatement[] {
  return [
    new iam.PolicyStatement({
      sid: 'CallerTenantAndUserEntries',
      actions: ['dynamodb:GetItem', 'dynamodb:BatchGetItem'],
      resources: [p.tables.control.tableArn],
      conditions: {
        'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['TENANT#*', 'USER#*'] },
        Null: { 'dynamodb:LeadingKeys': 'false' },
      },
    }),
    new iam.PolicyStatement({
      sid: 'NoTenantKey',
      effect: iam.Effect.DENY,
      actions: KEY_MATERIAL_ACTIONS,
      resources: ['*'],
      conditions: { Null: { [`aws:ResourceTag/${TENANT_TAG}`]: 'false' } },
    }),
    neverTenantRole(p.tenantRole),
  ];
}

/**
 * The offboarding export (route plane `export`): reads a municipality's journal and decrypts its
 * records to write them, as the data handover, into the region's export bucket; records the
 * registry state and audit events of the offboarding, and schedules the tenant key's deletion.
 * It acts for whichever municipality is being offboarded, so its journal read and decrypt are not
 * tied to one tenant, but it writes no journal item, appends audit events only, never makes a data key
 * (explicit deny: it can open records, never seal new ones), never uses the tenant role, and can
 * write decrypted data only into the export bucket.
 */
export function exportStatements(
  scope: Construct,
  p: { tables: Tables; tenantRole: iam.IRole; keys: PlatformKeys; exportBucketArn: string },
): iam.PolicyStatement[] {
  const { region } = Stack.of(scope);
  return [
    registryStatement(p.tables),
    auditAppendStatement(p.tables),
    auditSigningStatement(p.keys.auditSigning),
    new iam.PolicyStatement({
      sid: 'ReadJournalOfTenants',
      actions: [...DDB.read],
      resources: tableResources(p.tables.journal),
      conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['T#*'] }, Null: { 'dynamodb:LeadingKeys': 'false' } },
    }),
    new iam.PolicyStatement({
      sid: 'OpenTenantRecords',
      actions: ['kms:Decrypt'],
      resources: [PlatformKeys.anyKeyArn(scope)],
      conditions: { Null: { [`aws:ResourceTag/${TENANT_TAG}`]: 'false', [`kms:EncryptionContext:${TENANT_TAG}`]: 'false' } },
    }),
    markKeysForDeletion(scope),
    new iam.PolicyStatement({
      sid: 'RetireTenantKeys',
      actions: ['kms:DescribeKey', 'kms:ListResourceTags', 'kms:DisableKey', 'kms:ScheduleKeyDeletion'],
      resources: [PlatformKeys.anyKeyArn(scope)],
      conditions: TENANT_TAG_PRESENT,
    }),
    new iam.PolicyStatement({
      sid: 'WriteExports',
      actions: ['s3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
      resources: [`${p.exportBucketArn}/*`],
    }),
    new iam.PolicyStatement({
      sid: 'ExportBucketKeyThroughS3',
      actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
      resources: [p.keys.exports.keyArn],
      conditions: { StringEquals: { 'kms:ViaService': `s3.${region}.amazonaws.com` } },
    }),
    new iam.PolicyStatement({
      sid: 'NeverSealOrGrant',
      effect: iam.Effect.DENY,
      actions: KEY_MATERIAL_ACTIONS.filter((a) => a !== 'kms:Decrypt').concat(['kms:CreateGrant', 'kms:PutKeyPolicy', 'kms:CreateKey']),
      resources: ['*'],
      conditions: { StringNotEquals: { 'kms:ViaService': `s3.${region}.amazonaws.com` } },
    }),
    neverTenantRole(p.tenantRole),
  ];
}

/**
 * The narrow sharing-read role: a clinician (or citizen) reading one shared document of another
 * municipality. Only the vending function may assume it, with tags `origin` (that municipality),
 * `document` (the entry id; absent for a session that only records accesses) and `tenant` (the
 * caller's own municipality, from the registry; absent for a citizen). It may:
 * - read (GetItem, or BatchGetItem beside its audit heads) the document's own index item in the
 *   sharing table (`T#<origin>#DOC#<document>`, which holds its sealed title and content) and
 *   nothing else there: no patient, relationship or other entry item of the origin (those are in
 *   the journal table, which it cannot touch), no citizen's items;
 * - kms:Decrypt with the origin's key only where the encryption context names the origin and
 *   that document (`document` = the tag): the document's own data keys; never GenerateDataKey;
 * - read and add items of the origin's audit log and the caller's own (one transaction records
 *   the access in both), never update or delete them.
 */
export class SharingReadRole extends Construct {
  readonly role: iam.Role;
  readonly policy: iam.ManagedPolicy;

  constructor(scope: Construct, id: string, props: { stage: string; tables: Tables; vendingRole: iam.IRole }) {
    super(scope, id);
    const region = Stack.of(this).region;
    this.role = new iam.Role(this, 'Role', {
      // Replaced below: only the vending function's role, only with these session tags.
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: SHARING_READ_ROLE_DESCRIPTION,
    });
    (this.role.node.defaultChild as iam.CfnRole).assumeRolePolicyDocument = new iam.PolicyDocument({
      statements: [
        new iam.PolicyStatement({
          sid: 'VendingFunctionWithOriginTag',
          principals: [new iam.ArnPrincipal(props.vendingRole.roleArn)],
          actions: ['sts:AssumeRole', 'sts:TagSession'],
          conditions: {
            Null: { [`aws:RequestTag/${ORIGIN_TAG}`]: 'false' },
            StringLike: { [`aws:RequestTag/${ORIGIN_TAG}`]: '????' },
            StringLikeIfExists: { [`aws:RequestTag/${TENANT_TAG}`]: '????' },
            'ForAllValues:StringEquals': { 'aws:TagKeys': [ORIGIN_TAG, DOCUMENT_TAG, TENANT_TAG] },
          },
        }),
      ],
    });
    const audit = tableResources(props.tables.audit);
    this.policy = new iam.ManagedPolicy(this, 'Policy', {
      description: `Sharing-read access (${props.stage}, ${region})`,
      roles: [this.role],
      statements: [
        new iam.PolicyStatement({
          sid: 'OriginAuditAppendOnly',
          actions: [...DDB.read, ...DDB.append],
          resources: audit,
          conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [ORIGIN_AUDIT_LEADING_KEYS] }, Null: { 'dynamodb:LeadingKeys': 'false' } },
        }),
        new iam.PolicyStatement({
          // One transaction records the access in both logs (both heads in one read).
          sid: 'OwnAndOriginAuditAppendOnly',
          actions: [...DDB.read, ...DDB.append],
          resources: audit,
          conditions: {
            'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [ORIGIN_AUDIT_LEADING_KEYS, OWN_AUDIT_LEADING_KEYS] },
            Null: { 'dynamodb:LeadingKeys': 'false', [`aws:PrincipalTag/${TENANT_TAG}`]: 'false' },
          },
        }),
        new iam.PolicyStatement({
          // BatchGetItem too, so a retrieval reads the document beside the origin log's head in one
          // call. It reaches no further than GetItem: IAM authorizes a batch per table and holds
          // dynamodb:LeadingKeys over every key asked of that table, so a batch naming any other
          // partition of the sharing table is refused whole.
          sid: 'OneSharedDocumentItem',
          actions: ['dynamodb:GetItem', 'dynamodb:BatchGetItem'],
          resources: [props.tables.sharing.tableArn],
          conditions: {
            'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [DOCUMENT_LEADING_KEY] },
            Null: { 'dynamodb:LeadingKeys': 'false', [`aws:PrincipalTag/${DOCUMENT_TAG}`]: 'false' },
          },
        }),
        new iam.PolicyStatement({
          sid: 'OneDocumentKeyContext',
          actions: ['kms:Decrypt'],
          resources: [PlatformKeys.anyKeyArn(this)],
          conditions: {
            StringEquals: {
              [`aws:ResourceTag/${TENANT_TAG}`]: principalOrigin,
              [`kms:EncryptionContext:${TENANT_TAG}`]: principalOrigin,
              [`kms:EncryptionContext:${DOCUMENT_TAG}`]: principalDocument,
            },
          },
        }),
      ],
    });
  }
}

/**
 * The session vending function's role: reads the registry entries that map a verified caller
 * (tenants, users, vendor clients and grants) and assumes the tenant and sharing-read roles with
 * tags from that mapping. Nothing else: no table data, no key.
 */
export function vendingStatements(p: { tables: Tables; tenantRole: iam.IRole; sharingReadRole: iam.IRole }): iam.PolicyStatement[] {
  return [
    new iam.PolicyStatement({
      sid: 'RegistryEntriesOfCallers',
      actions: ['dynamodb:GetItem', 'dynamodb:BatchGetItem'],
      resources: [p.tables.control.tableArn],
      conditions: {
        'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['TENANT#*', 'USER#*', 'VENDOR#*'] },
        Null: { 'dynamodb:LeadingKeys': 'false' },
      },
    }),
    new iam.PolicyStatement({
      sid: 'VendTenantSessions',
      actions: ['sts:AssumeRole', 'sts:TagSession'],
      resources: [p.tenantRole.roleArn],
      conditions: { Null: { [`aws:RequestTag/${TENANT_TAG}`]: 'false' }, 'ForAllValues:StringEquals': { 'aws:TagKeys': [TENANT_TAG] } },
    }),
    new iam.PolicyStatement({
      sid: 'VendSharingReadSessions',
      actions: ['sts:AssumeRole', 'sts:TagSession'],
      resources: [p.sharingReadRole.roleArn],
      conditions: { Null: { [`aws:RequestTag/${ORIGIN_TAG}`]: 'false' }, 'ForAllValues:StringEquals': { 'aws:TagKeys': [ORIGIN_TAG, DOCUMENT_TAG, TENANT_TAG] } },
    }),
  ];
}

/** The scheduled audit-outbox job's own rights: it appends owed audit events to any municipality's log (job sessions). */
export function outboxJobStatements(tables: Tables): iam.PolicyStatement[] {
  return [auditAppendStatement(tables)];
}

export { TENANT_KEY_ALIAS_PREFIX };
