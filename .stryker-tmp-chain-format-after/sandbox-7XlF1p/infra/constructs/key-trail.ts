// @ts-nocheck
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { acknowledge } from './nag';

/** Key operations that reveal, make or move key material. */
export const KEY_MATERIAL_EVENTS = ['Decrypt', 'GenerateDataKey*', 'Encrypt', 'ReEncrypt'];

/** IAM calls that change what a role may do or who may assume it. */
export const ROLE_CHANGE_EVENTS = [
  'PutRolePolicy',
  'DeleteRolePolicy',
  'AttachRolePolicy',
  'DetachRolePolicy',
  'UpdateAssumeRolePolicy',
  'PutRolePermissionsBoundary',
  'DeleteRolePermissionsBoundary',
  'UpdateRole',
  'DeleteRole',
  'TagRole',
  'UntagRole',
];

/** IAM calls that change a managed policy's effective document. */
export const POLICY_CHANGE_EVENTS = ['CreatePolicyVersion', 'SetDefaultPolicyVersion', 'DeletePolicyVersion'];

export interface KeyTrailProps {
  stage: string;
  /** The operations alarm topic and dashboard (infra/constructs/operations.ts). */
  topic: sns.ITopic;
  dashboard: cloudwatch.Dashboard;
  /** Namespace of metrics made from log lines (operations.ts `opsNamespace`). */
  metricNamespace: string;
  /** Encrypts the trail's CloudWatch log group (the region's logs key). */
  logsKey: kms.IKey;
  logRetention: logs.RetentionDays;
  /** Server access logs of the trail bucket. */
  accessLogs: s3.IBucket;
  /** The roles whose direct use of a key is the application's own (tenant role, export, readers). */
  applicationRoleArns: string[];
  /** The tenant-scoped role: its name, and the managed policies that give it its rights. */
  tenantRoleName: string;
  tenantRolePolicyArns: string[];
}

const or = (parts: string[]) => `(${parts.join(' || ')})`;
const eventNames = (names: string[]) => or(names.map((n) => `($.eventName = "${n}")`));

/**
 * Who used or changed a key, and who changed the tenant role: a CloudTrail trail of its own (own
 * KMS key, log file validation, private versioned bucket, CloudWatch Logs) and alarms to the
 * operations topic, made from the trail's log group by metric filters.
 *
 * One isolated stack per region: each region's trail is its own. It is multi-region because IAM
 * is global (its events reach only multi-region trails and trails in us-east-1), so every region's
 * trail also records the others' events; the key alarms look at their own region only, the IAM
 * alarm at this region's tenant role only.
 */
export class KeyTrail extends Construct {
  readonly trail: cloudtrail.Trail;
  readonly key: kms.Key;
  readonly bucket: s3.Bucket;
  readonly logGroup: logs.LogGroup;
  /** Alarms by name: keyUseOutsideApplication, disableKey, scheduleKeyDeletion, putKeyPolicy, tenantRoleChange. */
  readonly alarms: Record<string, cloudwatch.Alarm> = {};

  constructor(scope: Construct, id: string, props: KeyTrailProps) {
    super(scope, id);
    const { account, region } = Stack.of(this);
    const trailName = `fellesjournal-${props.stage}-${region}`;
    const trailArn = `arn:aws:cloudtrail:${region}:${account}:trail/${trailName}`;

    this.key = new kms.Key(this, 'Key', {
      alias: `alias/fellesjournal/${props.stage}/trail`,
      description: 'Fellesjournal CloudTrail log files',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
      pendingWindow: Duration.days(30),
    });
    // The documented key policy for CloudTrail: it encrypts this trail's log files only.
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudTrailEncryptsThisTrail',
        principals: [new iam.ServicePrincipal('cloudtrail.amazonaws.com')],
        actions: ['kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: {
          StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': `arn:aws:cloudtrail:*:${account}:trail/*` },
          StringEquals: { 'aws:SourceArn': trailArn },
        },
      }),
    );
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudTrailDescribesKey',
        principals: [new iam.ServicePrincipal('cloudtrail.amazonaws.com')],
        actions: ['kms:DescribeKey'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceArn': trailArn } },
      }),
    );

    this.bucket = new s3.Bucket(this, 'Bucket', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.key,
      bucketKeyEnabled: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      serverAccessLogsBucket: props.accessLogs,
      serverAccessLogsPrefix: 'cloudtrail-bucket/',
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledge(
      this.bucket,
      'HIPAA.Security-S3BucketReplicationEnabled',
      'Regions are isolated by design; the trail\'s log files are versioned, KMS-encrypted, retained with the stack removed, and validated by CloudTrail\'s signed digest files (log file validation), so a changed or removed file is detected.',
    );

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      encryptionKey: props.logsKey,
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.trail = new cloudtrail.Trail(this, 'Trail', {
      trailName,
      bucket: this.bucket,
      encryptionKey: this.key,
      enableFileValidation: true,
      isMultiRegionTrail: true,
      includeGlobalServiceEvents: true,
      // Decrypt and GenerateDataKey are read events: record read and write management events.
      managementEvents: cloudtrail.ReadWriteType.ALL,
      sendToCloudWatchLogs: true,
      cloudWatchLogGroup: this.logGroup,
    });

    acknowledge(
      this.trail.node.findChild('LogsRole'),
      'HIPAA.Security-IAMNoInlinePolicy',
      'CloudTrail\'s delivery role, made by the Trail construct, which takes no role of ours: its one inline policy allows logs:CreateLogStream and logs:PutLogEvents on this trail\'s log group only, and only cloudtrail.amazonaws.com may assume it.',
    );

    const kmsHere = `($.eventSource = "kms.amazonaws.com") && ($.awsRegion = "${region}")`;
    const issuer = '$.userIdentity.sessionContext.sessionIssuer.arn';
    const notApplication = or([
      // IAM users and the root user have no session issuer.
      `(${issuer} NOT EXISTS)`,
      `(${props.applicationRoleArns.map((arn) => `(${issuer} != "${arn}")`).join(' && ')})`,
    ]);
    const roleChange = `(${eventNames(ROLE_CHANGE_EVENTS)} && ($.requestParameters.roleName = "${props.tenantRoleName}"))`;
    const policyChanges = props.tenantRolePolicyArns.map((arn) => `(${eventNames(POLICY_CHANGE_EVENTS)} && ($.requestParameters.policyArn = "${arn}"))`);

    const watch = (name: string, metricName: string, pattern: string, description: string) => {
      new logs.MetricFilter(this, `${metricName}Filter`, {
        logGroup: this.logGroup,
        filterPattern: logs.FilterPattern.literal(`{ ${pattern} }`),
        metricNamespace: props.metricNamespace,
        metricName,
        metricValue: '1',
      });
      const alarm = new cloudwatch.Alarm(this, `${metricName}Alarm`, {
        alarmName: `fellesjournal-${props.stage}-${name}`,
        alarmDescription: description,
        metric: new cloudwatch.Metric({ namespace: props.metricNamespace, metricName, statistic: 'Sum', period: Duration.minutes(5) }),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      const action = new actions.SnsAction(props.topic);
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
      this.alarms[metricName] = alarm;
    };

    watch(
      'key-use-outside-application',
      'KeyUseOutsideApplication',
      // Direct calls only: AWS services using their own keys on a caller's behalf (DynamoDB, S3,
      // Logs, SNS, CloudTrail) are not key use by a person. Tenant keys are made at runtime, so no
      // ARN can name them here: any direct key-material call by another principal alarms, which no
      // role or person of this application makes on any key.
      `${kmsHere} && ${eventNames(KEY_MATERIAL_EVENTS)} && ($.userIdentity.invokedBy NOT EXISTS) && ($.userIdentity.type != "AWSService") && ${notApplication}`,
      'A principal other than the application roles (tenant role, offboarding export) called Decrypt/GenerateDataKey/Encrypt/ReEncrypt on a KMS key directly (allowed or refused): a person or foreign role reaching for patient data keys',
    );
    watch('kms-disable-key', 'KmsDisableKey', `${kmsHere} && ($.eventName = "DisableKey")`, 'A KMS key was disabled (expected once per offboarded municipality; otherwise a municipality just lost access to its records)');
    watch(
      'kms-schedule-key-deletion',
      'KmsScheduleKeyDeletion',
      `${kmsHere} && ($.eventName = "ScheduleKeyDeletion")`,
      'A KMS key deletion was scheduled or attempted (only the offboarding flow may; its data becomes unreadable when the window ends)',
    );
    watch('kms-put-key-policy', 'KmsPutKeyPolicy', `${kmsHere} && ($.eventName = "PutKeyPolicy")`, 'A KMS key policy was changed: an administrator could give themselves use of a tenant key this way');
    watch(
      'tenant-role-changed',
      'TenantRoleChanged',
      `($.eventSource = "iam.amazonaws.com") && ${or([roleChange, ...policyChanges])}`,
      'The tenant-scoped role or its policy was changed (inline or attached policies, trust policy, boundary, tags): expected only during a deployment',
    );
    props.dashboard.addWidgets(new cloudwatch.AlarmStatusWidget({ title: 'Keys and the tenant role (CloudTrail)', alarms: Object.values(this.alarms), width: 24, height: 3 }));
  }
}
