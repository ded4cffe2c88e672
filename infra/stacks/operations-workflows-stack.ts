import { Duration, NestedStack, RemovalPolicy, Stack, type NestedStackProps } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import { LAMBDA_HANDLER } from '../constructs/bundling';
import { acknowledge, arnRef, REASONS } from '../constructs/nag';

/** The worker's module (Step Functions tasks and the destroy-due schedule), relative to the repository root. */
export const OFFBOARD_WORKER_MODULE = 'functions/tenants/jobs/offboard-step.ts';

/** The error the worker throws for a failure worth retrying (functions/tenants/jobs/offboard-step.ts). */
const RETRYABLE = 'RetryableStepError';

export interface OperationsWorkflowsProps extends NestedStackProps {
  stage: string;
  /**
   * The offboarding role (the export plane function's): the tenant keys' policies name it, so the
   * worker acts under it to decrypt an export and to schedule and destroy keys.
   */
  offboardingRole: iam.Role;
  bundleDir: string;
  environment: Record<string, string>;
  logsKey: kms.IKey;
  queueKey: kms.IKey;
  logRetention: logs.RetentionDays;
  logLevel: string;
  metricsNamespace: string;
}

/**
 * The operating company's workflows, in a nested stack of their own (the region stack is near
 * CloudFormation's 500-resource limit): the offboarding state machine, whose every step is a task
 * of one worker function with retries and the export's cursor carried in its state, and the daily
 * schedule that destroys tenant keys whose retention has ended.
 */
export class OperationsWorkflowsStack extends NestedStack {
  readonly worker: lambda.Function;
  readonly stateMachine: sfn.StateMachine;
  readonly destroyDueSchedule: events.Rule;

  constructor(scope: Construct, id: string, props: OperationsWorkflowsProps) {
    super(scope, id, { ...props, description: 'Fellesjournal operations workflows: offboarding state machine, destroy-due schedule' });
    const name = `fj-${props.stage}-offboard-worker`;

    // Retained log groups get generated names, so a rolled-back first deploy can be retried.
    const logGroup = new logs.LogGroup(this, 'WorkerLogs', {
      encryptionKey: props.logsKey,
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const deadLetters = new sqs.Queue(this, 'WorkerDeadLetters', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: props.queueKey,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.worker = new lambda.Function(this, 'Worker', {
      description: 'Offboarding workflow steps (paged export, verify, key deletion scheduling) and the daily destroy-due run',
      code: lambda.Code.fromAsset(props.bundleDir),
      handler: LAMBDA_HANDLER,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 1024,
      // One export page per invocation: well inside the limit even for long histories.
      timeout: Duration.minutes(10),
      // Offboardings are rare: two at once at most, so an export never crowds out the data plane.
      reservedConcurrentExecutions: 2,
      tracing: lambda.Tracing.ACTIVE,
      role: props.offboardingRole.withoutPolicyUpdates(),
      logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      applicationLogLevelV2: lambda.ApplicationLogLevel[props.logLevel as keyof typeof lambda.ApplicationLogLevel],
      systemLogLevelV2: lambda.SystemLogLevel.INFO,
      environment: {
        POWERTOOLS_SERVICE_NAME: 'tenants',
        POWERTOOLS_LOG_LEVEL: props.logLevel,
        POWERTOOLS_METRICS_NAMESPACE: props.metricsNamespace,
        POWERTOOLS_TRACER_CAPTURE_RESPONSE: 'false',
        ...props.environment,
      },
      deadLetterQueue: deadLetters,
      retryAttempts: 2,
      maxEventAge: Duration.hours(6),
    });

    const workflowLogs = new logs.LogGroup(this, 'StateMachineLogs', {
      encryptionKey: props.logsKey,
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // No fixed name (nor for the worker): the tenants-export functions are told the ARN (environment).
    this.stateMachine = new sfn.StateMachine(this, 'Offboarding', {
      comment: 'Offboards one municipality: export page by page (cursor in the state), verify counts, schedule key deletion, finish',
      definitionBody: sfn.DefinitionBody.fromChainable(offboardingDefinition(this, this.worker)),
      timeout: Duration.days(2),
      tracingEnabled: true,
      // Every state transition is logged, without execution data: the cursor is a table key that
      // names a patient's (pseudonymous) id, which has no place in operations logs.
      logs: { destination: workflowLogs, level: sfn.LogLevel.ALL, includeExecutionData: false },
    });

    // The worker acts under the offboarding role: its own logs, dead letters and traces are added
    // to that role here, and the export function (same role) may start the state machine.
    const policy = new iam.ManagedPolicy(this, 'WorkerPolicy', {
      description: `What ${name} adds to the offboarding role: its logs and dead letters`,
      roles: [props.offboardingRole],
      statements: [
        new iam.PolicyStatement({ sid: 'WorkerLogs', actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [`${logGroup.logGroupArn}:log-stream:*`] }),
        new iam.PolicyStatement({ sid: 'WorkerDeadLetters', actions: ['sqs:SendMessage'], resources: [deadLetters.queueArn] }),
        new iam.PolicyStatement({
          sid: 'WorkerDeadLetterEncryption',
          actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
          resources: [props.queueKey.keyArn],
          conditions: { StringEquals: { 'kms:ViaService': `sqs.${Stack.of(this).region}.amazonaws.com` } },
        }),
      ],
    });
    this.worker.node.addDependency(policy);
    // Apart from the worker's policy: the state machine names the worker, so the worker cannot wait for this one.
    new iam.ManagedPolicy(this, 'StartPolicy', {
      description: 'The offboarding role (the export function) may start the offboarding workflow',
      roles: [props.offboardingRole],
      statements: [new iam.PolicyStatement({ sid: 'StartOffboarding', actions: ['states:StartExecution'], resources: [this.stateMachine.stateMachineArn] })],
    });

    // destroy-due: daily, after the night's backups. Keys are destroyed only once their retention ended.
    this.destroyDueSchedule = new events.Rule(this, 'DestroyDueSchedule', {
      description: 'Daily: destroys the keys of offboarded municipalities whose retention period has ended',
      schedule: events.Schedule.cron({ hour: '4', minute: '30' }),
      targets: [new targets.LambdaFunction(this.worker, { event: events.RuleTargetInput.fromObject({ action: 'destroy-due' }), retryAttempts: 2, deadLetterQueue: deadLetters })],
    });

    acknowledge(policy, `AwsSolutions-IAM5[Resource::${arnRef(logGroup)}:log-stream:*]`, REASONS.ownLogStreams);
    acknowledge(this.worker, 'AwsSolutions-L1', REASONS.l1);
    acknowledge(this.worker, 'HIPAA.Security-LambdaInsideVPC', REASONS.vpc);
    // The state machine's role is CDK's own (its grants follow the definition): invoke the worker, deliver logs, trace.
    acknowledge(this.stateMachine, `AwsSolutions-IAM5[Resource::${arnRef(this.worker)}:*]`, 'lambda:InvokeFunction on the one worker function and its versions/aliases (<arn>:*), as CDK grants it for a LambdaInvoke task; no other function.');
    acknowledge(
      this.stateMachine,
      'AwsSolutions-IAM5[Resource::*]',
      'CloudWatch Logs log delivery (CreateLogDelivery, DescribeLogGroups, ...) and X-Ray (PutTraceSegments, GetSamplingRules, ...) support no resource-level permissions; Step Functions needs them to log every transition and to trace.',
    );
    acknowledge(
      this.stateMachine,
      'HIPAA.Security-IAMNoInlinePolicy',
      'The state machine role is made by CDK with its grants derived from the definition (invoke the worker, log delivery, tracing); it is assumable only by Step Functions and holds no data access.',
    );
  }
}

/**
 * Export → (more pages? export again) → verify → schedule key deletion → finish. Each task invokes
 * the worker with the step and gets back the job's outcome (next step, cursor, pages): the cursor
 * rides in the state from one export task to the next, and the registry holds the same cursor, so a
 * retried or resumed task continues from the last page recorded, never from the start.
 */
function offboardingDefinition(scope: Construct, worker: lambda.IFunction): sfn.IChainable {
  const step = (id: string, name: 'export' | 'verify' | 'key' | 'finish') =>
    new tasks.LambdaInvoke(scope, id, {
      lambdaFunction: worker,
      payload: sfn.TaskInput.fromObject({ action: 'offboard-step', step: name, 'tenant.$': '$.tenant', 'jobId.$': '$.jobId', 'cursor.$': '$.cursor' }),
      payloadResponseOnly: true,
      // The step's outcome replaces the state: { tenant, jobId, next, cursor, pages }.
      resultPath: '$',
      retryOnServiceExceptions: true,
    }).addRetry({ errors: [RETRYABLE], interval: Duration.seconds(10), backoffRate: 2, maxAttempts: 6, maxDelay: Duration.minutes(5), jitterStrategy: sfn.JitterType.FULL });

  // The first task has no cursor yet: the input is only { tenant, jobId }.
  const start = new sfn.Pass(scope, 'Start', { parameters: { 'tenant.$': '$.tenant', 'jobId.$': '$.jobId', cursor: '' } });
  const exportPage = step('ExportPage', 'export');
  const verify = step('VerifyCounts', 'verify');
  const key = step('ScheduleKeyDeletion', 'key');
  const finish = step('Finish', 'finish');
  const done = new sfn.Succeed(scope, 'Offboarded');
  const afterExport = new sfn.Choice(scope, 'MorePages')
    .when(sfn.Condition.stringEquals('$.next', 'export'), exportPage)
    .when(sfn.Condition.stringEquals('$.next', 'done'), done)
    .otherwise(verify.next(key).next(finish).next(done));
  return start.next(exportPage).next(afterExport);
}
