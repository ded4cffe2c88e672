import { Duration, Lazy, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { ENV } from '../../shared/config/env-names';
import { METRICS } from '../../shared/metric-names';
import { acknowledge, arnRef } from './nag';
import { ServiceFunction, type ServiceFunctionProps } from './service-function';

export interface AuditAnchorProps {
  stage: string;
  /** Compliance-mode Object Lock retention of every tree head, in days. */
  retentionDays: number;
  /** Minutes between tree heads. */
  beatMinutes: number;
  auditTable: ITable;
  controlTable: ITable;
  accessLogs: s3.IBucket;
  /** The anchoring function, less what this construct decides (name, statements, environment additions). */
  fn: Omit<ServiceFunctionProps, 'name' | 'service' | 'description' | 'statements'>;
}

/**
 * Externally anchored audit (functions/anchor): a function of its own that, every beat, signs a
 * Merkle root over every municipality's stream heads with an asymmetric KMS key only its role may
 * use for Sign, and writes it to a bucket with Object Lock in compliance mode. The data plane can
 * read tree heads and the public key (verify), never sign or delete them.
 */
export class AuditAnchor extends Construct {
  readonly signingKey: kms.Key;
  readonly storeKey: kms.Key;
  readonly bucket: s3.Bucket;
  readonly function: ServiceFunction;
  readonly beat: events.Rule;
  private readonly props: AuditAnchorProps;
  private readonly signers: iam.IRole[] = [];

  constructor(scope: Construct, id: string, props: AuditAnchorProps) {
    super(scope, id);
    this.props = props;
    const alias = (name: string) => `alias/fellesjournal/${props.stage}/${name}`;

    this.signingKey = new kms.Key(this, 'SigningKey', {
      alias: alias('audit-anchor'),
      description: 'Fellesjournal audit tree heads (signed Merkle roots); only the anchoring role may Sign',
      keySpec: kms.KeySpec.ECC_NIST_P256,
      keyUsage: kms.KeyUsage.SIGN_VERIFY,
      removalPolicy: RemovalPolicy.RETAIN,
      pendingWindow: Duration.days(30),
    });
    this.storeKey = new kms.Key(this, 'StoreKey', {
      alias: alias('audit-anchors'),
      description: 'Fellesjournal audit anchor bucket (tree heads and leaf sets)',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
      pendingWindow: Duration.days(30),
    });

    // Write once: compliance mode means no one, the account root included, can delete an object or
    // shorten its retention before it ends. Versioning is what Object Lock is built on.
    this.bucket = new s3.Bucket(this, 'Store', {
      objectLockEnabled: true,
      objectLockDefaultRetention: s3.ObjectLockRetention.compliance(Duration.days(props.retentionDays)),
      versioned: true,
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.storeKey,
      bucketKeyEnabled: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      serverAccessLogsBucket: props.accessLogs,
      serverAccessLogsPrefix: 'audit-anchors/',
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledge(
      this.bucket,
      'HIPAA.Security-S3BucketReplicationEnabled',
      'Regions are isolated by design (no data leaves its region); the anchors are write-once under Object Lock in compliance mode, and an auditor keeps copies of the tree heads they verified.',
    );

    this.function = new ServiceFunction(this, 'Function', {
      ...props.fn,
      name: 'audit-anchor',
      service: 'audit-anchor',
      description: 'Scheduled: signs a Merkle root over every municipality\'s audit stream heads and writes it to the Object Lock bucket',
      environment: { ...props.fn.environment, ...this.anchorEnvironment() },
      statements: [],
    });
    this.grantAnchoring(this.function, { environment: false });

    // Only the anchoring roles may Sign, whatever IAM policy anyone else is given.
    this.signingKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'OnlyTheAnchoringRoleSigns',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['kms:Sign'],
        resources: ['*'],
        // The job's role and those of the functions granted anchoring later (route plane `anchor`).
        conditions: { ArnNotEquals: { 'aws:PrincipalArn': Lazy.list({ produce: () => this.signers.map((r) => r.roleArn) }) } },
      }),
    );

    this.beat = new events.Rule(this, 'Beat', {
      description: 'Signs audit tree heads on a fixed beat',
      schedule: events.Schedule.rate(Duration.minutes(props.beatMinutes)),
      targets: [new targets.LambdaFunction(this.function.fn, { retryAttempts: 0 })],
    });
  }

  /**
   * The anchoring job's rights, as fresh statements: read the audit stream heads, list the
   * municipalities, Sign with the anchor key, write tree heads and leaf sets once. The job has
   * them, and so has the function of the route plane `anchor` (the auditor's "anchor now").
   */
  statements(): iam.PolicyStatement[] {
    const props = this.props;
    const { region } = Stack.of(this);
    return [
      new iam.PolicyStatement({
        sid: 'ReadAuditStreamHeads',
        actions: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'],
        resources: [props.auditTable.tableArn],
      }),
      new iam.PolicyStatement({
        sid: 'ListMunicipalities',
        actions: ['dynamodb:Query'],
        resources: [`${props.controlTable.tableArn}/index/gsi1`],
      }),
      new iam.PolicyStatement({
        sid: 'SignTreeHeads',
        actions: ['kms:Sign', 'kms:GetPublicKey'],
        resources: [this.signingKey.keyArn],
      }),
      new iam.PolicyStatement({
        sid: 'WriteOnceAnchors',
        actions: ['s3:PutObject', 's3:PutObjectRetention', 's3:GetObject'],
        resources: [this.bucket.arnForObjects('tree-heads/*'), this.bucket.arnForObjects('leaves/*')],
      }),
      new iam.PolicyStatement({ sid: 'ListAnchors', actions: ['s3:ListBucket'], resources: [this.bucket.bucketArn] }),
      new iam.PolicyStatement({
        sid: 'AnchorStoreEncryption',
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: [this.storeKey.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `s3.${region}.amazonaws.com` } },
      }),
    ];
  }

  /**
   * Gives a function the anchoring job's rights: its statements, the anchor key's Sign (the key
   * policy's deny spares its role) and, unless told otherwise, the environment the anchor store
   * and signer are built from.
   */
  grantAnchoring(f: ServiceFunction, opts: { environment?: boolean } = {}): void {
    f.policy.addStatements(...this.statements());
    this.signers.push(f.role);
    if (opts.environment !== false) for (const [k, v] of Object.entries(this.anchorEnvironment())) f.fn.addEnvironment(k, v);
    for (const prefix of ['tree-heads', 'leaves']) {
      acknowledge(
        f.policy,
        `AwsSolutions-IAM5[Resource::${arnRef(this.bucket)}/${prefix}/*]`,
        'Tree heads and leaf sets are named per municipality, day and index at runtime; the grant is put (never overwrite: If-None-Match and Object Lock) and read in this one bucket, no delete.',
      );
    }
  }

  /** The environment the anchor store and signer are built from (functions/core/anchor-deps.ts). */
  private anchorEnvironment(): Record<string, string> {
    return {
      [ENV.anchorBucket]: this.bucket.bucketName,
      [ENV.anchorKeyId]: this.signingKey.keyArn,
      [ENV.anchorRetentionDays]: String(this.props.retentionDays),
      [ENV.anchorBeatSeconds]: String(this.props.beatMinutes * 60),
    };
  }

  /** What verify (the data plane's audit function) needs: read tree heads, the public key. */
  readStatements(): iam.PolicyStatement[] {
    const { region } = Stack.of(this);
    return [
      new iam.PolicyStatement({ sid: 'AnchorPublicKey', actions: ['kms:GetPublicKey'], resources: [this.signingKey.keyArn] }),
      new iam.PolicyStatement({ sid: 'ReadAnchors', actions: ['s3:GetObject'], resources: [this.bucket.arnForObjects('tree-heads/*'), this.bucket.arnForObjects('leaves/*')] }),
      new iam.PolicyStatement({ sid: 'ListAnchorsForVerify', actions: ['s3:ListBucket'], resources: [this.bucket.bucketArn] }),
      new iam.PolicyStatement({
        sid: 'DecryptAnchors',
        actions: ['kms:Decrypt'],
        resources: [this.storeKey.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `s3.${region}.amazonaws.com` } },
      }),
    ];
  }

  /** The environment verify reads the anchors with. */
  readEnvironment(beatMinutes: number): Record<string, string> {
    return { [ENV.anchorBucket]: this.bucket.bucketName, [ENV.anchorKeyId]: this.signingKey.keyArn, [ENV.anchorBeatSeconds]: String(beatMinutes * 60) };
  }

  /** Alarms: a beat that failed, no tree head for two beats, stream heads behind their anchors, failed verifies. */
  alarms(topic: sns.ITopic, namespace: string, stage: string, beatMinutes: number, scope: Construct = this): cloudwatch.Alarm[] {
    const period = Duration.minutes(beatMinutes);
    const metric = (name: string, service: string, statistic = 'Sum') => new cloudwatch.Metric({ namespace, metricName: name, dimensionsMap: { service }, statistic, period });
    const made = [
      new cloudwatch.Alarm(scope, 'AnchorFailed', {
        alarmName: `fellesjournal-${stage}-audit-anchor-failed`,
        alarmDescription: `A municipality's tree head was not written on an anchoring beat (${METRICS.auditAnchorFailed})`,
        metric: metric(METRICS.auditAnchorFailed, 'audit-anchor'),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
      new cloudwatch.Alarm(scope, 'NoTreeHead', {
        alarmName: `fellesjournal-${stage}-audit-anchor-missing`,
        alarmDescription: `No tree head written for two beats (${METRICS.auditAnchorWritten}); verify fails a chain with a gap over two beats`,
        metric: metric(METRICS.auditAnchorWritten, 'audit-anchor'),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        evaluationPeriods: 2,
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      }),
      new cloudwatch.Alarm(scope, 'AnchorRegression', {
        alarmName: `fellesjournal-${stage}-audit-anchor-regression`,
        alarmDescription: `Stream heads behind or off their anchored chain: audit items rewritten (${METRICS.auditAnchorRegression})`,
        metric: metric(METRICS.auditAnchorRegression, 'audit-anchor'),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
      new cloudwatch.Alarm(scope, 'VerifyFailed', {
        alarmName: `fellesjournal-${stage}-audit-verify-failed`,
        alarmDescription: `An audit verify found a broken chain or a fault in the tree heads (${METRICS.auditVerifyFailed})`,
        metric: metric(METRICS.auditVerifyFailed, 'audit'),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    ];
    for (const a of made) {
      a.addAlarmAction(new actions.SnsAction(topic));
      a.addOkAction(new actions.SnsAction(topic));
    }
    return made;
  }
}
