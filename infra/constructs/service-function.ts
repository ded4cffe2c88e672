import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { FunctionSettings } from '../config';
import { LAMBDA_HANDLER } from './bundling';
import { acknowledge, arnRef, REASONS } from './nag';

export interface ServiceFunctionProps {
  stage: string;
  /** Function group name (`platform`, `tenants-ops`, `authorizer`). */
  name: string;
  /** Powertools service name. */
  service: string;
  description: string;
  /** Directory holding the bundle (infra/constructs/bundling.ts). */
  bundleDir: string;
  settings: FunctionSettings;
  environment: Record<string, string>;
  logLevel: string;
  /** Powertools Tracer subsegments for AWS SDK calls (infra/config.ts traceAwsCalls). */
  traceAwsCalls: boolean;
  metricsNamespace: string;
  logsKey: kms.IKey;
  logRetention: logs.RetentionDays;
  /** Everything the function may do besides writing its own logs and traces. */
  statements: iam.PolicyStatement[];
  /** Invoked asynchronously (events, schedules): failed events go to an encrypted dead-letter queue. */
  asyncInvocation?: { queueKey: kms.IKey };
  /** Why this function's policy has `Resource: *` statements beyond X-Ray and denies. */
  wildcardResourceReason?: string;
}

/**
 * One Lambda function: NodejsFunction on nodejs22.x / arm64 with a prebuilt bundle, X-Ray active,
 * reserved concurrency, JSON logs in its own encrypted log group, Powertools configured by
 * environment. Its role has no AWS-managed policies and no inline policy: everything it may do is
 * in one customer-managed policy, so tests (and reviewers) find the whole grant in one place.
 */
export class ServiceFunction extends Construct {
  readonly fn: NodejsFunction;
  readonly role: iam.Role;
  readonly policy: iam.ManagedPolicy;
  readonly logGroup: logs.LogGroup;
  readonly deadLetterQueue?: sqs.Queue;
  /** The function's name in the project (route group or job), e.g. `journal`; not its AWS name. */
  readonly name: string;

  constructor(scope: Construct, id: string, props: ServiceFunctionProps) {
    super(scope, id);
    this.name = props.name;
    // A label for descriptions only. The function, its queue and its log group have no fixed
    // names (CloudFormation names them): a fixed name blocks a replacing update and the retry of a
    // rolled-back first deploy. Whoever calls a function is told its name (environment).
    const functionName = `fj-${props.stage}-${props.name}`;
    // No fixed name: the group is retained, and a retained group with a fixed name would make a
    // retry of a rolled-back first deploy fail ("already exists"). Lambda is told the group.
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      encryptionKey: props.logsKey,
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${functionName}`,
    });
    const statements = [
      new iam.PolicyStatement({
        sid: 'OwnLogs',
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [`${this.logGroup.logGroupArn}:log-stream:*`],
      }),
      new iam.PolicyStatement({
        sid: 'XRayTraces',
        // X-Ray's write APIs have no resource-level permissions.
        actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'],
        resources: ['*'],
      }),
      ...props.statements,
    ];
    if (props.asyncInvocation) {
      this.deadLetterQueue = new sqs.Queue(this, 'DeadLetters', {
        encryption: sqs.QueueEncryption.KMS,
        encryptionMasterKey: props.asyncInvocation.queueKey,
        enforceSSL: true,
        retentionPeriod: Duration.days(14),
      });
      statements.push(
        new iam.PolicyStatement({ sid: 'DeadLetters', actions: ['sqs:SendMessage'], resources: [this.deadLetterQueue.queueArn] }),
        new iam.PolicyStatement({
          sid: 'DeadLetterEncryption',
          actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
          resources: [props.asyncInvocation.queueKey.keyArn],
          conditions: { StringEquals: { 'kms:ViaService': `sqs.${Stack.of(this).region}.amazonaws.com` } },
        }),
      );
    }
    // Attached from the policy's side (AWS::IAM::ManagedPolicy Roles), so a policy may name
    // resources that themselves name this role (the tenant role's trust) without a cycle.
    this.policy = new iam.ManagedPolicy(this, 'Policy', {
      description: `Everything ${functionName} may do`,
      roles: [this.role],
      statements,
    });

    this.fn = new NodejsFunction(this, 'Function', {
      description: props.description,
      code: lambda.Code.fromAsset(props.bundleDir),
      handler: LAMBDA_HANDLER,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.settings.memoryMb,
      timeout: Duration.seconds(props.settings.timeoutSeconds),
      reservedConcurrentExecutions: props.settings.reservedConcurrency,
      tracing: lambda.Tracing.ACTIVE,
      // Grants made by CDK helpers would land in an inline policy; this role only gets the policy above.
      role: this.role.withoutPolicyUpdates(),
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      applicationLogLevelV2: lambda.ApplicationLogLevel[props.logLevel as keyof typeof lambda.ApplicationLogLevel],
      systemLogLevelV2: lambda.SystemLogLevel.INFO,
      environment: sortKeys({
        POWERTOOLS_SERVICE_NAME: props.service,
        POWERTOOLS_LOG_LEVEL: props.logLevel,
        POWERTOOLS_METRICS_NAMESPACE: props.metricsNamespace,
        POWERTOOLS_TRACE_ENABLED: String(props.traceAwsCalls),
        // Responses carry patient data; traces must not.
        POWERTOOLS_TRACER_CAPTURE_RESPONSE: 'false',
        ...props.environment,
      }),
      ...(this.deadLetterQueue
        ? { deadLetterQueue: this.deadLetterQueue, retryAttempts: 2, maxEventAge: Duration.hours(6) }
        : {}),
    });
    this.fn.node.addDependency(this.policy);

    acknowledge(this.policy, `AwsSolutions-IAM5[Resource::${arnRef(this.logGroup)}:log-stream:*]`, REASONS.ownLogStreams);
    acknowledge(this.policy, 'AwsSolutions-IAM5[Resource::*]', [REASONS.xray, props.wildcardResourceReason].filter(Boolean).join(' '));
    acknowledge(this.fn, 'AwsSolutions-L1', REASONS.l1);
    acknowledge(this.fn, 'HIPAA.Security-LambdaInsideVPC', REASONS.vpc);
    if (!props.asyncInvocation) acknowledge(this.fn, 'HIPAA.Security-LambdaDLQ', REASONS.syncDlq);
  }
}

function sortKeys(env: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).sort(([a], [b]) => a.localeCompare(b)));
}
