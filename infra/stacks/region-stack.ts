import { CfnOutput, Duration, RemovalPolicy, Stack, Tags, type StackProps } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import { ENV } from '../../shared/config/env-names';
import type { RouteSpec } from '../../shared/http/route';
import { functionSettings, type InfraConfig, type RegionConfig } from '../config';
import { Api, tenantPlanName, vendorPlanName } from '../constructs/api';
import { USAGE_ENV } from '../../shared/auth/usage-key-admin';
import { usageKeySeed } from '../../shared/auth/usage-keys';
import { AuditAnchor } from '../constructs/audit-anchor';
import { StatsAggregator } from '../constructs/stats-aggregator';
import type { KeyTrail } from '../constructs/key-trail';
import { PlatformKeys, TENANT_KEY_ALIAS_PREFIX } from '../constructs/keys';
import { acknowledge, arnRef } from '../constructs/nag';
import type { Operations } from '../constructs/operations';
import {
  adminStatements,
  anchorPlaneStatements,
  authorizerStatements,
  dataPlaneStatements,
  exportStatements,
  keyReplicaStatements,
  operatorStatements,
  outboxJobStatements,
  SharingReadRole,
  TenantScopedRole,
  vendingStatements,
} from '../constructs/permissions';
import { ServiceFunction } from '../constructs/service-function';
import { Tables } from '../constructs/tables';
import { WebHosting } from '../constructs/web';
import { MonitoringStack } from './monitoring-stack';
import { MessagingAdapterStack } from './messaging-adapter-stack';
import { AUTHORIZER_ENV, webUsageKeyValue } from '../functions/usage-keys';
import { OperationsWorkflowsStack } from './operations-workflows-stack';
import { FhirApiStack, isFhirRoute } from './fhir-api-stack';
import { constructId, type FunctionGroup } from '../route-groups';

/** Bundles made before the stacks (infra/app-builder.ts): one directory per function. */
export interface PreparedBundles {
  groups: FunctionGroup[];
  /** Bundle directory by group name, plus `authorizer`. */
  dirs: Record<string, string>;
}

export interface RegionStackProps extends StackProps {
  config: InfraConfig;
  region: RegionConfig;
  routes: readonly RouteSpec[];
  bundles: PreparedBundles;
  /** Web client directory to deploy (default: web/dist, else web/public). */
  webSourceDir?: string;
  /** ARN of the CLOUDFRONT-scope web ACL (infra/stacks/edge-stack.ts, us-east-1). */
  edgeWebAclArn: string;
}

const PLANE_LABEL = { data: 'Data plane', admin: 'Tenant-admin control plane', operator: 'Operator control plane', export: 'Offboarding export', anchor: 'Audit anchoring on request' } as const;

const ORIGIN_SECRET_REASON =
  'Not a credential of a person or service: a shared value CloudFront adds to API origin requests so the regional WAF can refuse requests that bypass CloudFront. CloudFormation writes it into both at deploy; rotating means a redeploy (docs/operations/rollout.md), which a rotation Lambda could not do consistently.';

/** Environment variables that tell the vendor-registration code which usage plans exist (by name). */
export const VENDOR_PLANS_ENV = 'FJ_VENDOR_USAGE_PLANS';

/**
 * Everything Fellesjournal needs in one region, and nothing from any other region: tables, keys,
 * functions, API, web hosting, alarms. Regions are independent by construction: no reference to
 * another region's stack, no shared data, each its own tenant role and keys. The one global piece
 * is the edge web ACL (us-east-1, infra/stacks/edge-stack.ts) the distribution names.
 */
export class RegionStack extends Stack {
  readonly tables: Tables;
  readonly keys: PlatformKeys;
  readonly tenantRole: TenantScopedRole;
  readonly sharingReadRole: SharingReadRole;
  readonly functions: Record<string, ServiceFunction> = {};
  readonly authorizer: ServiceFunction;
  readonly api: Api;
  readonly fhirApi: FhirApiStack;
  readonly web: WebHosting;
  readonly operations: Operations;
  readonly exportBucket: s3.Bucket;
  readonly anchor: AuditAnchor;
  readonly keyTrail: KeyTrail;
  readonly monitoring: MonitoringStack;
  readonly messaging: MessagingAdapterStack;

  constructor(scope: Construct, id: string, props: RegionStackProps) {
    super(scope, id, props);
    const { config } = props;
    const stage = config.stage;
    Tags.of(this).add('app', 'fellesjournal');
    Tags.of(this).add('stage', stage);

    this.keys = new PlatformKeys(this, 'Keys', { stage });
    this.tables = new Tables(this, 'Tables', { stage, key: this.keys.data, ...(props.region.dr ? { dr: props.region.dr } : {}) });
    const t = this.tables.byId;
    const logRetention = config.logRetentionDays as logs.RetentionDays;

    const commonEnv: Record<string, string> = {
      [ENV.stage]: stage,
      [ENV.runtime]: 'aws',
      [ENV.tableJournal]: t.journal.tableName,
      [ENV.tableAudit]: t.audit.tableName,
      [ENV.tableControl]: t.control.tableName,
      [ENV.tableSharing]: t.sharing.tableName,
      [ENV.oidcIssuer]: config.oidc.issuer,
      [ENV.oidcJwksUrl]: config.oidc.jwksUrl,
      ...(config.oidc.audience ? { [ENV.oidcAudience]: config.oidc.audience } : {}),
      [ENV.keyProvider]: 'kms',
      [ENV.tenantKeyAliasPrefix]: TENANT_KEY_ALIAS_PREFIX,
      [ENV.auditSigningKeyId]: this.keys.auditSigning.keyArn,
      [ENV.lookupKeyId]: this.keys.lookup.keyArn,
      [ENV.cursorKeyId]: this.keys.cursor.keyArn,
      // No plane signs checkpoints: the anchoring function's signed tree heads replace them.
      [ENV.auditCheckpoints]: 'off',
    };
    const fnCommon = {
      stage,
      logLevel: config.logLevel,
      traceAwsCalls: config.traceAwsCalls,
      metricsNamespace: config.metricsNamespace,
      logsKey: this.keys.logs,
      logRetention,
    };
    const bundleDir = (name: string) => {
      const dir = props.bundles.dirs[name];
      if (!dir) throw new Error(`No bundle prepared for function ${name}`);
      return dir;
    };
    const makeFunction = (group: FunctionGroup, extraEnv: Record<string, string>, wildcardResourceReason?: string) =>
      new ServiceFunction(this, constructId(group.name), {
        ...(wildcardResourceReason ? { wildcardResourceReason } : {}),
        ...fnCommon,
        name: group.name,
        service: group.service,
        description: `${PLANE_LABEL[group.plane]}: ${group.routes.map((r) => r.id).join(', ')}`.slice(0, 256),
        bundleDir: bundleDir(group.name),
        settings: functionSettings(config, group.plane, group.service),
        environment: { ...commonEnv, ...extraEnv },
        statements: [],
      });

    const dataGroups = props.bundles.groups.filter((g) => g.plane === 'data');
    const adminGroups = props.bundles.groups.filter((g) => g.plane === 'admin');
    const operatorGroups = props.bundles.groups.filter((g) => g.plane === 'operator');
    const exportGroups = props.bundles.groups.filter((g) => g.plane === 'export');
    const anchorGroups = props.bundles.groups.filter((g) => g.plane === 'anchor');
    for (const group of dataGroups) this.functions[group.name] = makeFunction(group, {});
    // The data plane's scheduled job: audit events a citizen's change still owes other municipalities.
    this.functions['audit-outbox'] = new ServiceFunction(this, 'AuditOutbox', {
      ...fnCommon,
      name: 'audit-outbox',
      service: 'sharing',
      description: 'Scheduled: delivers audit events a citizen\'s block or consent still owes other municipalities',
      bundleDir: bundleDir('audit-outbox'),
      settings: { ...functionSettings(config, 'data', 'sharing'), timeoutSeconds: 120, reservedConcurrency: 1 },
      environment: commonEnv,
      statements: [],
      asyncInvocation: { queueKey: this.keys.ops },
    });
    const dataPlane = [...dataGroups.map((g) => g.name), 'audit-outbox'];

    // Token vending: the only principal the tenant and sharing-read roles trust (see
    // infra/functions/session-vendor.ts). It verifies the caller's token itself and takes the
    // session tags from the registry; the data plane may only invoke it.
    const vending = new ServiceFunction(this, 'SessionVendor', {
      ...fnCommon,
      name: 'session-vendor',
      service: 'authorizer',
      description: 'Token vending: verifies the caller\'s token, maps it through the registry, assumes the tenant or sharing-read role with tags from that mapping',
      bundleDir: bundleDir('session-vendor'),
      settings: functionSettings(config, 'authorizer', 'session-vendor'),
      environment: commonEnv,
      statements: [],
    });
    this.functions['session-vendor'] = vending;
    this.tenantRole = new TenantScopedRole(this, 'TenantScoped', { stage, tables: t, vendingRole: vending.role });
    this.sharingReadRole = new SharingReadRole(this, 'SharingRead', { stage, tables: t, vendingRole: vending.role });
    vending.policy.addStatements(...vendingStatements({ tables: t, tenantRole: this.tenantRole.role, sharingReadRole: this.sharingReadRole.role }));
    vending.fn.addEnvironment(ENV.tenantRoleArn, this.tenantRole.role.roleArn);
    vending.fn.addEnvironment(ENV.sharingReadRoleArn, this.sharingReadRole.role.roleArn);
    for (const name of dataPlane) {
      const f = this.functions[name]!;
      f.policy.addStatements(
        ...dataPlaneStatements(this, { tables: t, tenantRole: this.tenantRole.role, sharingReadRole: this.sharingReadRole.role, vendingFunctionArn: vending.fn.functionArn, keys: this.keys }),
      );
      // The scheduled outbox job has no caller: its job sessions run under its own role (append-only audit).
      if (name === 'audit-outbox') f.policy.addStatements(...outboxJobStatements(t));
      else f.fn.addEnvironment(ENV.vendingFunction, vending.fn.functionName);
      ackIndexes(f.policy, name === 'audit-outbox' ? [t.control, t.sharing, t.audit] : [t.control, t.sharing]);
    }
    new events.Rule(this, 'AuditOutboxSchedule', {
      description: 'Delivers owed audit events every 5 minutes',
      schedule: events.Schedule.rate(Duration.minutes(5)),
      targets: [new targets.LambdaFunction(this.functions['audit-outbox'].fn, { retryAttempts: 2 })],
    });
    this.messaging = new MessagingAdapterStack(this, 'MessagingAdapter', { config, tables: t, keys: this.keys, fnCommon, commonEnv, bundleDir });
    ackIndexes(this.tenantRole.policy, [t.journal, t.audit]);
    ackIndexes(this.sharingReadRole.policy, [t.audit]);
    ackTenantKeys(this.sharingReadRole.policy, 'kms:Decrypt only where the key carries the tag tenant = the session\'s origin tag and the encryption context names that origin and the one document of the session; tenant keys are created at runtime, so they can only be named by this condition, not by ARN.');
    ackTenantKeys(this.tenantRole.policy, 'GenerateDataKey/Decrypt are allowed only where the key carries the tag tenant = the session\'s tenant tag and the encryption context tenant is the same value; tenant keys are created at runtime, so they can only be named by this condition, not by ARN.');

    const vendorPlans = JSON.stringify(Object.fromEntries(Object.keys(config.api.vendorPlans).map((p) => [p, vendorPlanName(stage, p)])));
    const tenantPlans = JSON.stringify(Object.fromEntries(Object.keys(config.api.tenantPlans).map((t) => [t, tenantPlanName(stage, t)])));
    const usageSeed = usageKeySeed(this.account, stage, this.region);
    for (const group of adminGroups) {
      // A vendor grant makes the vendor's usage bucket in the municipality.
      const f = makeFunction(group, { [VENDOR_PLANS_ENV]: vendorPlans, [USAGE_ENV.keySeed]: usageSeed });
      f.policy.addStatements(...adminStatements(this, { tables: t, tenantRole: this.tenantRole.role, keys: this.keys }));
      ackIndexes(f.policy, [t.control, t.audit]);
      for (const path of ['/apikeys/*', '/usageplans/*', '/usageplans/*/keys', '/usageplans/*/keys/*', '/tags/*']) {
        acknowledge(
          f.policy,
          `AwsSolutions-IAM5[Resource::arn:aws:apigateway:${this.region}::${path}]`,
          'A vendor grant makes the vendor\'s usage bucket in the granting municipality: an API key created at runtime, put in a usage plan found by name (key and plan ids exist only then). Create and read only; no change or removal of keys.',
        );
      }
      this.functions[group.name] = f;
    }

    for (const group of operatorGroups) {
      const f = makeFunction(
        group,
        { [VENDOR_PLANS_ENV]: vendorPlans, [USAGE_ENV.tenantPlans]: tenantPlans, [USAGE_ENV.keySeed]: usageSeed },
        'kms:CreateKey has no resource (the key does not exist yet); it is conditioned on a symmetric encrypt/decrypt key carrying the tenant tag.',
      );
      f.policy.addStatements(...operatorStatements(this, { tables: t, tenantRole: this.tenantRole.role, keys: this.keys }));
      ackIndexes(f.policy, [t.control, t.audit]);
      ackTenantKeys(
        f.policy,
        'Key management (describe, rotation, disable, schedule deletion, alias, tagging) on tenant keys created at runtime, conditioned on the tenant tag; no statement allows a plaintext data key, and an explicit deny covers every key-material operation outside DynamoDB.',
      );
      acknowledge(
        f.policy,
        `AwsSolutions-IAM5[Resource::arn:aws:kms:${this.region}:${this.account}:alias/fellesjournal/tenant/*]`,
        'CreateAlias for the per-tenant aliases alias/fellesjournal/tenant/<kommunenummer>, made when a tenant is provisioned; the prefix confines it to tenant key aliases.',
      );
      for (const path of ['/apikeys/*', '/usageplans/*', '/usageplans/*/keys', '/usageplans/*/keys/*', '/tags/*']) {
        acknowledge(
          f.policy,
          `AwsSolutions-IAM5[Resource::arn:aws:apigateway:${this.region}::${path}]`,
          'Vendor registration creates an API key per vendor client at runtime and adds it to a usage plan found by name; key and plan ids exist only then (naming the plans here would make the function depend on the API that invokes it). Usage plans themselves can only be read.',
        );
      }
      this.functions[group.name] = f;
    }

    for (const group of exportGroups) {
      const f = makeFunction(
        group,
        {},
        'kms:Decrypt is conditioned on a tenant-tagged key and a tenant encryption context (tenant keys are created at runtime); the other * statements are explicit Deny statements.',
      );
      this.functions[group.name] = f;
    }

    // The anchoring job's rights, granted once the anchoring construct exists (below).
    for (const group of anchorGroups) this.functions[group.name] = makeFunction(group, {});

    const usageKey = webUsageKeyValue(this.account, stage, this.region);
    this.authorizer = new ServiceFunction(this, 'Authorizer', {
      ...fnCommon,
      name: 'authorizer',
      service: 'authorizer',
      description: 'API Gateway authorizer: verifies OIDC tokens, checks a vendor client\'s API key, picks the usage-plan key',
      bundleDir: bundleDir('authorizer'),
      settings: functionSettings(config, 'authorizer'),
      environment: {
        [ENV.oidcIssuer]: config.oidc.issuer,
        [ENV.oidcJwksUrl]: config.oidc.jwksUrl,
        ...(config.oidc.audience ? { [ENV.oidcAudience]: config.oidc.audience } : {}),
        [AUTHORIZER_ENV.webUsageKey]: usageKey,
        [AUTHORIZER_ENV.usageKeySeed]: usageSeed,
        [ENV.lookupKeyId]: this.keys.lookup.keyArn,
        [ENV.tableControl]: t.control.tableName,
      },
      statements: authorizerStatements(t, this.keys),
    });

    // Monitoring and rollout live in a nested stack; the data functions' live aliases come first (the API invokes them).
    this.monitoring = new MonitoringStack(this, 'Monitoring', {
      stage,
      rollout: { deploymentConfig: config.rollout.deploymentConfig, functions: dataGroups.map((g) => ({ name: constructId(g.name), fn: this.functions[g.name]!.fn })) },
    });
    // CloudFront sends this value to the API origin; the regional WAF refuses requests without it.
    const originSecret = new secretsmanager.Secret(this, 'OriginVerify', {
      description: 'Header value CloudFront adds to API requests; execute-api requests without it are refused by WAF',
      encryptionKey: this.keys.ops,
      generateSecretString: { excludePunctuation: true, passwordLength: 48 },
    });
    acknowledge(originSecret, 'AwsSolutions-SMG4', ORIGIN_SECRET_REASON);
    acknowledge(originSecret, 'HIPAA.Security-SecretsManagerRotationEnabled', ORIGIN_SECRET_REASON);
    const originSecretValue = originSecret.secretValue.unsafeUnwrap();
    const groupOf = new Map(props.bundles.groups.flatMap((g) => g.routes.map((r) => [r.id, g.name] as const)));
    const functionFor = (route: RouteSpec) => {
      const name = groupOf.get(route.id)!;
      return this.monitoring.rollout.aliases[constructId(name)] ?? this.functions[name]!.fn;
    };
    this.api = new Api(this, 'Api', {
      config,
      routes: props.routes.filter((r) => !isFhirRoute(r)),
      functionFor,
      authorizer: this.authorizer.fn,
      logsKey: this.keys.logs,
      logRetention,
      webUsageKeyValue: usageKey,
      originSecret: originSecretValue,
    });
    // /fhir is a REST API of its own (OperationOutcome gateway responses), metered by the same plans.
    this.fhirApi = new FhirApiStack(this, 'FhirApi', { config, routes: props.routes.filter(isFhirRoute), functionFor, authorizer: this.authorizer.fn, accessLogs: this.api.accessLogs, webAclArn: this.api.webAcl.attrArn, after: this.api.restApi.deploymentStage });
    this.api.meterStage(this.fhirApi.restApi);

    this.web = new WebHosting(this, 'Web', {
      config,
      region: props.region,
      api: this.api.restApi,
      fhirApi: this.fhirApi.restApi,
      routes: props.routes,
      key: this.keys.ops,
      logRetentionDays: config.logRetentionDays,
      webAclArn: props.edgeWebAclArn,
      originSecret: originSecretValue,
      ...(props.webSourceDir ? { sourceDir: props.webSourceDir } : {}),
    });

    // Offboarding exports: decrypted journal data handed over to a leaving municipality. Private,
    // KMS-encrypted, versioned, kept when the stack goes; only the export function may write.
    this.exportBucket = new s3.Bucket(this, 'Exports', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.keys.exports,
      bucketKeyEnabled: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      serverAccessLogsBucket: this.web.logBucket,
      serverAccessLogsPrefix: 'exports-bucket/',
      removalPolicy: RemovalPolicy.RETAIN,
      // Disaster recovery: replicated into the DR region's bucket, encrypted there under its own key.
      ...(drReplication(this, props.region.dr) ?? {}),
    });
    if (props.region.dr) {
      const dr = props.region.dr;
      const why = `S3 replication into the DR bucket in ${dr.region} (docs/operations/restore.md): CDK derives the role's grants from the rule`;
      acknowledge(this.exportBucket, `AwsSolutions-IAM5[Resource::${arnRef(this.exportBucket)}/*]`, `${why}: read object versions for replication, in this bucket only.`);
      acknowledge(this.exportBucket, `AwsSolutions-IAM5[Resource::${dr.exportReplicaBucketArn}/*]`, `${why}: replicate objects into the one DR bucket.`);
      acknowledge(this.exportBucket, 'AwsSolutions-IAM5[Action::kms:ReEncrypt*]', `${why}: re-encrypt replicas under the DR region's key, on that key only.`);
      acknowledge(this.exportBucket, 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]', `${why}: data keys of the DR region's key for the replicas, on that key only.`);
      acknowledge(this.exportBucket, 'HIPAA.Security-IAMNoInlinePolicy', `${why}; the role is assumable only by S3 and its policy names only the two buckets and their keys.`);
    } else {
      acknowledge(
        this.exportBucket,
        'HIPAA.Security-S3BucketReplicationEnabled',
        'No DR region is configured for this region (config regions[].dr): the bucket is versioned, KMS-encrypted and retained, and an export can be run again from the journal until the tenant key is deleted. Production configures dr (docs/operations/restore.md).',
      );
    }
    for (const group of exportGroups) {
      const f = this.functions[group.name]!;
      f.policy.addStatements(...exportStatements(this, { tables: t, tenantRole: this.tenantRole.role, keys: this.keys, exportBucketArn: this.exportBucket.bucketArn }));
      ackIndexes(f.policy, [t.control, t.audit, t.journal]);
      ackTenantKeys(
        f.policy,
        'The offboarding export decrypts the journal records of the municipality being offboarded (kms:Decrypt only where the key carries a tenant tag and the request a tenant encryption context) and retires its key afterwards (describe, disable, schedule deletion, tag delete-after); tenant keys are created at runtime, so they can only be named by condition.',
      );
      acknowledge(
        f.policy,
        `AwsSolutions-IAM5[Resource::${arnRef(this.exportBucket)}/*]`,
        'Export objects are named per offboarding run at runtime (<tenant>/<timestamp>/<file>.ndjson); the grant is PutObject and multipart upload into this one bucket, no read, list or delete.',
      );
    }
    new CfnOutput(this, 'ExportBucketName', { value: this.exportBucket.bucketName });
    // Offboarding workflow (Step Functions), its worker under the offboarding role, the destroy-due schedule: a nested stack.
    const workflows = new OperationsWorkflowsStack(this, 'OperationsWorkflows', { stage, offboardingRole: this.functions[exportGroups[0]!.name]!.role, bundleDir: bundleDir('offboard-worker'), environment: commonEnv, logsKey: this.keys.logs, queueKey: this.keys.ops, logRetention, logLevel: config.logLevel, metricsNamespace: config.metricsNamespace });
    for (const group of exportGroups) this.functions[group.name]!.fn.addEnvironment(ENV.offboardStateMachineArn, workflows.stateMachine.stateMachineArn);

    // Signed tree heads on a fixed beat, in a write-once bucket; the data plane reads them for verify.
    const beatMinutes = config.auditAnchor.beatMinutes;
    this.anchor = new AuditAnchor(this, 'AuditAnchor', {
      stage,
      retentionDays: config.auditAnchor.retentionDays,
      beatMinutes,
      auditTable: t.audit,
      controlTable: t.control,
      accessLogs: this.web.logBucket,
      fn: {
        ...fnCommon,
        bundleDir: bundleDir('audit-anchor'),
        settings: { ...functionSettings(config, 'data', 'audit'), timeoutSeconds: Math.min(900, beatMinutes * 60 - 5), reservedConcurrency: 1 },
        environment: commonEnv,
        asyncInvocation: { queueKey: this.keys.ops },
      },
    });
    this.functions['audit-anchor'] = this.anchor.function;
    for (const name of dataPlane) {
      const f = this.functions[name]!;
      f.policy.addStatements(...this.anchor.readStatements());
      for (const [k, v] of Object.entries(this.anchor.readEnvironment(beatMinutes))) f.fn.addEnvironment(k, v);
      for (const prefix of ['tree-heads', 'leaves']) {
        acknowledge(
          f.policy,
          `AwsSolutions-IAM5[Resource::${arnRef(this.anchor.bucket)}/${prefix}/*]`,
          'verify reads the signed tree heads and leaf sets, named per municipality, day and index at runtime; read only, in this one bucket.',
        );
      }
    }
    for (const group of anchorGroups) {
      const f = this.functions[group.name]!;
      this.anchor.grantAnchoring(f);
      f.policy.addStatements(...anchorPlaneStatements({ tables: t, tenantRole: this.tenantRole.role }));
    }
    // Statistics from the change streams (functions/stats): counts only, in statistics partitions only.
    this.functions['stats-aggregator'] = new StatsAggregator(this, 'StatsAggregator', {
      journalTable: t.journal,
      auditTable: t.audit,
      controlTable: t.control,
      queueKey: this.keys.ops,
      fn: { ...fnCommon, bundleDir: bundleDir('stats-aggregator'), settings: { ...functionSettings(config, 'data', 'stats'), timeoutSeconds: 60 }, environment: commonEnv },
    }).function;
    new CfnOutput(this, 'AuditAnchorBucketName', { value: this.anchor.bucket.bucketName });
    new CfnOutput(this, 'AuditAnchorKeyArn', { value: this.anchor.signingKey.keyArn });


    // Tenant keys: the control plane writes each new key's policy (shared/crypto/key-policy.ts) from
    // these roles. The offboarding function (export plane) is both the export and the offboarding role.
    if (exportGroups.length !== 1) throw new Error(`Expected one offboarding function, found ${exportGroups.length}`);
    const offboardingRole = this.functions[exportGroups[0]!.name]!.role;
    for (const group of operatorGroups) {
      const fn = this.functions[group.name]!.fn;
      fn.addEnvironment(ENV.keyPolicyTenantRoleArn, this.tenantRole.role.roleArn);
      fn.addEnvironment(ENV.keyPolicyExportRoleArn, offboardingRole.roleArn);
      fn.addEnvironment(ENV.keyPolicyOffboardingRoleArn, offboardingRole.roleArn);
      fn.addEnvironment(ENV.keyPolicyReaderRoleArns, this.sharingReadRole.role.roleArn);
      // DR: each new tenant key gets its multi-Region replica in the DR region (restore.md).
      if (props.region.dr) {
        const dr = props.region.dr.region;
        fn.addEnvironment(ENV.keyReplicaRegion, dr);
        const policy = this.functions[group.name]!.policy;
        policy.addStatements(...keyReplicaStatements(this, dr));
        for (const resource of [`arn:aws:kms:${dr}:${this.account}:key/*`, `arn:aws:kms:${dr}:${this.account}:${TENANT_KEY_ALIAS_PREFIX}*`]) {
          acknowledge(policy, `AwsSolutions-IAM5[Resource::${resource}]`, `Replicas of the tenant keys (created at provisioning, so not nameable here) in the DR region ${dr}: describe, alias and tag-on-create only; the keys' own policy denies replication to any other region.`);
        }
        acknowledge(policy, 'AwsSolutions-IAM5[Resource::*]', 'kms:CreateKey has no resource (the key does not exist yet): for new tenant keys, conditioned on the tenant tag, and for their DR replicas, conditioned on the DR region.');
      }
    }
    // Alarms, dashboard, metric filters and the key trail: a nested stack, so this one keeps headroom.
    this.monitoring.watch({
      operations: {
        stage,
        region: this.region,
        apiNames: [`fellesjournal-${stage}`, this.fhirApi.restApi.restApiName],
        apiStage: stage,
        functions: [...Object.entries(this.functions), ['authorizer', this.authorizer] as const].map(([name, f]) => ({ name: constructId(name), fn: f.fn, logGroup: f.logGroup })),
        tables: t,
        metricsNamespace: config.metricsNamespace,
        topicKey: this.keys.ops,
        ...(config.alarmEmail ? { alarmEmail: config.alarmEmail } : {}),
        deadLetterQueues: deadLetterQueues(this),
        accessLogs: this.api.accessLogs,
        webAclName: this.api.webAcl.name!,
        thresholds: config.alarms,
      },
      anchor: { construct: this.anchor, metricsNamespace: config.metricsNamespace, beatMinutes },
      keyTrail: {
        stage,
        logsKey: this.keys.logs,
        logRetention,
        accessLogs: this.web.logBucket,
        applicationRoleArns: [this.tenantRole.role.roleArn, offboardingRole.roleArn, this.sharingReadRole.role.roleArn],
        tenantRoleName: this.tenantRole.role.roleName,
        tenantRolePolicyArns: [this.tenantRole.policy.managedPolicyArn],
      },
    });
    this.operations = this.monitoring.operations;
    this.keyTrail = this.monitoring.keyTrail;

    new CfnOutput(this, 'Url', { value: `https://${props.region.domainName ?? this.web.distribution.distributionDomainName}` });
    new CfnOutput(this, 'ApiUrl', { value: this.api.restApi.url });
    // CloudFront (Url) is the entry; the stage URL is for testing the FHIR API behind it directly.
    new CfnOutput(this, 'FhirApiUrl', { value: this.fhirApi.restApi.url, description: 'FHIR API stage URL (FHIR base: <FhirApiUrl>fhir/R4); the regional WAF refuses requests without the origin header' });
    new CfnOutput(this, 'TenantRoleArn', { value: this.tenantRole.role.roleArn });
    new CfnOutput(this, 'SharingReadRoleArn', { value: this.sharingReadRole.role.roleArn });
    new CfnOutput(this, 'WebUsagePlanId', { value: this.api.webPlan.usagePlanId });

  }
}

/** The export bucket's replication into the DR region (S3 makes the replication role and its policy). */
function drReplication(scope: Construct, dr: RegionConfig['dr']): Pick<s3.BucketProps, 'replicationRules'> | undefined {
  if (!dr) return undefined;
  return {
    replicationRules: [
      {
        destination: s3.Bucket.fromBucketArn(scope, 'ExportReplica', dr.exportReplicaBucketArn),
        kmsKey: kms.Key.fromKeyArn(scope, 'ExportReplicaKey', dr.exportReplicaKeyArn),
        sseKmsEncryptedObjects: true,
        priority: 1,
        deleteMarkerReplication: false,
      },
    ],
  };
}

/**
 * Every dead-letter queue in the region (its own or a nested stack's made before the monitoring):
 * a queue whose construct id says so (`DeadLetters`, `...Dlq`), or a function's dead-letter target.
 */
function deadLetterQueues(root: Construct): { name: string; queue: sqs.IQueue }[] {
  const found = root.node.findAll().filter((c): c is sqs.Queue => c instanceof sqs.Queue && /dead|dlq/i.test(c.node.id));
  return found.map((queue) => ({ name: queue.node.path.split('/').slice(1).filter((p) => !/^(DeadLetters|Resource)$/.test(p)).join('').replace(/[^A-Za-z0-9]/g, ''), queue }));
}

/** Index ARNs (`<table>/index/*`): access to a table's indexes is no wider than to the table. */
function ackIndexes(policy: Construct, tables: ITable[]): void {
  for (const table of tables) {
    acknowledge(
      policy,
      `AwsSolutions-IAM5[Resource::${arnRef(table)}/index/*]`,
      'The table\'s own global secondary indexes (named in shared/db/tables.ts); the same actions and conditions as on the table itself apply, so the index wildcard adds no access to other data.',
    );
  }
}

function ackTenantKeys(policy: Construct, reason: string): void {
  const { region, account } = Stack.of(policy);
  acknowledge(policy, `AwsSolutions-IAM5[Resource::arn:aws:kms:${region}:${account}:key/*]`, reason);
}
