import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { acknowledge } from './nag';

/** Prefix of the per-tenant keys the control plane creates at runtime (one alias per tenant). */
export const TENANT_KEY_ALIAS_PREFIX = 'alias/fellesjournal/tenant/';

/**
 * The region's platform keys. Tenant keys are not here: the control plane creates one per tenant
 * at runtime (alias `alias/fellesjournal/tenant/<tenant>`, tag `tenant`).
 */
export class PlatformKeys extends Construct {
  /** DynamoDB tables at rest, and their backups. */
  readonly data: kms.Key;
  /** CloudWatch log groups (function, API access, WAF logs). */
  readonly logs: kms.Key;
  /** The web bucket, the alarm topic and dead-letter queues: operational data, no patient data. */
  readonly ops: kms.Key;
  /** Signs audit-chain checkpoints (ECC_NIST_P256, SIGN_VERIFY). */
  readonly auditSigning: kms.Key;
  /** Keyed hashes of national ids (HMAC_256), region-wide so a person hashes alike in every tenant. */
  readonly lookup: kms.Key;
  /** The export bucket: offboarding exports hold decrypted patient data. */
  readonly exports: kms.Key;
  /** List cursors (HMAC_256): the AES key that seals them is derived from it (shared/crypto/cursor-codec.ts). */
  readonly cursor: kms.Key;

  constructor(scope: Construct, id: string, props: { stage: string }) {
    super(scope, id);
    const { account, region } = Stack.of(this);
    const alias = (name: string) => `alias/fellesjournal/${props.stage}/${name}`;
    const common = { removalPolicy: RemovalPolicy.RETAIN, pendingWindow: Duration.days(30) };

    this.data = new kms.Key(this, 'DataKey', {
      ...common,
      alias: alias('data'),
      description: 'Fellesjournal DynamoDB tables at rest',
      enableKeyRotation: true,
    });
    // DynamoDB uses the key on behalf of the table's callers (the documented key policy for
    // customer-managed table keys): only through DynamoDB, only from this account. No role gets
    // this key in an IAM policy, so nobody can use it directly.
    this.data.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'UseThroughDynamoDbOnly',
        principals: [new iam.AnyPrincipal()],
        actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey', 'kms:CreateGrant'],
        resources: ['*'],
        conditions: {
          StringEquals: { 'kms:CallerAccount': account, 'kms:ViaService': `dynamodb.${region}.amazonaws.com` },
        },
      }),
    );

    this.logs = new kms.Key(this, 'LogsKey', {
      ...common,
      alias: alias('logs'),
      description: 'Fellesjournal CloudWatch log groups',
      enableKeyRotation: true,
    });
    this.logs.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchLogsOfThisAccount',
        principals: [new iam.ServicePrincipal(`logs.${region}.amazonaws.com`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:aws:logs:${region}:${account}:log-group:*` } },
      }),
    );

    // S3BucketOrigin adds a statement letting CloudFront use this key through S3 for any
    // distribution of the account (naming ours would be a circular dependency). The site bucket's
    // policy admits only our distribution (AWS:SourceArn), so no other distribution can read it.
    acknowledge(
      this,
      '@aws-cdk/aws-cloudfront-origins:wildcardKeyPolicyForOac',
      'The key policy wildcard covers CloudFront distributions of this account only and is used only through S3; the site bucket policy admits only this stack\'s distribution, and the bucket holds the public web client build.',
    );
    this.ops = new kms.Key(this, 'OpsKey', {
      ...common,
      alias: alias('ops'),
      description: 'Fellesjournal web bucket, alarm topic and dead-letter queues',
      enableKeyRotation: true,
    });
    this.ops.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsPublishToTopic',
        // EventBridge forwards failed AWS Backup jobs to the same topic (infra/constructs/operations.ts).
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com'), new iam.ServicePrincipal('events.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': account } },
      }),
    );

    this.auditSigning = new kms.Key(this, 'AuditSigningKey', {
      ...common,
      alias: alias('audit-signing'),
      description: 'Fellesjournal audit checkpoint signatures',
      keySpec: kms.KeySpec.ECC_NIST_P256,
      keyUsage: kms.KeyUsage.SIGN_VERIFY,
    });

    this.exports = new kms.Key(this, 'ExportsKey', {
      ...common,
      alias: alias('exports'),
      description: 'Fellesjournal offboarding exports (decrypted journal data handed over to a municipality)',
      enableKeyRotation: true,
    });

    this.lookup = new kms.Key(this, 'LookupKey', {
      ...common,
      alias: alias('lookup'),
      description: 'Fellesjournal keyed hashes of national ids',
      keySpec: kms.KeySpec.HMAC_256,
      keyUsage: kms.KeyUsage.GENERATE_VERIFY_MAC,
    });

    // Its own key, so a function that pages lists need not be able to hash national ids.
    this.cursor = new kms.Key(this, 'CursorKey', {
      ...common,
      alias: alias('cursor'),
      description: 'Fellesjournal list cursors (the key that seals them is an HMAC under this key)',
      keySpec: kms.KeySpec.HMAC_256,
      keyUsage: kms.KeyUsage.GENERATE_VERIFY_MAC,
    });
  }

  /** ARN pattern of any key in this account and region (tenant keys are created at runtime). */
  static anyKeyArn(scope: Construct): string {
    const { account, region } = Stack.of(scope);
    return `arn:aws:kms:${region}:${account}:key/*`;
  }

  static tenantAliasArnPattern(scope: Construct): string {
    const { account, region } = Stack.of(scope);
    return `arn:aws:kms:${region}:${account}:${TENANT_KEY_ALIAS_PREFIX}*`;
  }
}
