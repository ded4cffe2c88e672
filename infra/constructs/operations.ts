import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { TableId } from '../../shared/db/tables';
import { METRICS, TENANT_DIMENSION } from '../../shared/metric-names';

/** Namespace of metrics made from log lines (metric filters), apart from the functions' own. */
export function opsNamespace(stage: string): string {
  return `Fellesjournal/Ops/${stage}`;
}
/** The audit write path counts appends that finally failed under this Powertools metric name. */
export const AUDIT_WRITE_FAILED_METRIC = METRICS.auditWriteFailed;

/** Error names (Powertools logs `error.name`) that mean KMS refused or failed. */
export const KMS_ERROR_NAMES = [
  'KMS*',
  'DisabledException',
  'KeyUnavailableException',
  'InvalidCiphertextException',
  'IncorrectKeyException',
  'InvalidKeyUsageException',
  'DependencyTimeoutException',
  'DecryptionFailedError',
];

function errorNamePattern(names: string[]): logs.IFilterPattern {
  // Handlers log `error` as an object ({ name, message, ... }); some code logs the bare name.
  return logs.FilterPattern.any(...names.flatMap((n) => [logs.FilterPattern.stringValue('$.error.name', '=', n), logs.FilterPattern.stringValue('$.error', '=', n)]));
}

export interface MonitoredFunction {
  name: string;
  fn: lambda.IFunction;
  logGroup: logs.ILogGroup;
}

export interface OperationsProps {
  stage: string;
  region: string;
  /**
   * The REST APIs' names (the route API's, the FHIR API's) and their stage, as literals: a reference
   * to a stage would make this nested stack wait for the API's deployment. The API alarms count them together.
   */
  apiNames: string[];
  apiStage: string;
  functions: MonitoredFunction[];
  tables: Record<TableId, dynamodb.ITable>;
  metricsNamespace: string;
  topicKey: kms.IKey;
  alarmEmail?: string;
  /** Every dead-letter queue of the region: a message there is an event nothing processed. */
  deadLetterQueues: { name: string; queue: sqs.IQueue }[];
  /** The API's access log group (429s are counted from it). */
  accessLogs: logs.ILogGroup;
  /** Name of the regional web ACL in front of the API stage. */
  webAclName: string;
  thresholds: AlarmThresholds;
}

export interface AlarmThresholds {
  /** p99 of the API's latency (ms) over 5 minutes, three periods running. */
  apiP99LatencyMs: number;
  /** Share (%) of API requests answered 429, three 5-minute periods running. */
  throttledPercent: number;
  /** Requests the regional web ACL blocked in 5 minutes. */
  wafBlockedPer5Min: number;
}

/** Alarms on what hurts users or the audit trail, all to one encrypted topic, and a dashboard. */
export class Operations extends Construct {
  readonly topic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[] = [];
  readonly dashboard: cloudwatch.Dashboard;
  /** Each function's own errors alarm, by the name it was given (rollback alarms of its canary). */
  readonly functionErrors: Record<string, cloudwatch.Alarm> = {};
  /** API-wide alarms a canary of any API function rolls back on: 5xx rate and p99 latency. */
  readonly apiAlarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: OperationsProps) {
    super(scope, id);
    const period = Duration.minutes(5);
    const minute = Duration.minutes(1);
    this.topic = new sns.Topic(this, 'Alarms', {
      masterKey: props.topicKey,
      enforceSSL: true,
    });
    if (props.alarmEmail) this.topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
    const action = new actions.SnsAction(this.topic);
    const alarm = (id: string, a: cloudwatch.AlarmProps) => {
      const made = new cloudwatch.Alarm(this, id, { treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING, ...a });
      made.addAlarmAction(action);
      made.addOkAction(action);
      this.alarms.push(made);
      return made;
    };

    // API: share of 5xx among all requests, of both APIs together.
    const apiMetrics = (name: string, statistic = 'Sum') =>
      props.apiNames.map((api) => new cloudwatch.Metric({ namespace: 'AWS/ApiGateway', metricName: name, dimensionsMap: { ApiName: api, Stage: props.apiStage }, statistic, period, label: `${api} ${name}` }));
    // A sum over the APIs (an API without traffic in a period counts 0), or the larger of a statistic.
    const overApis = (id: string, name: string, statistic = 'Sum', combine: 'sum' | 'max' = 'sum') => {
      const ids = props.apiNames.map((_, i) => `${id}${i}`);
      const filled = ids.map((x) => `FILL(${x}, 0)`);
      return new cloudwatch.MathExpression({
        expression: combine === 'sum' ? filled.join(' + ') : `MAX([${filled.join(', ')}])`,
        usingMetrics: Object.fromEntries(apiMetrics(name, statistic).map((m, i) => [ids[i]!, m])),
        label: `${name} ${statistic}`,
        period,
      });
    };
    const serverErrorRate = new cloudwatch.MathExpression({
      expression: 'IF(requests > 0, 100 * errors / requests, 0)',
      usingMetrics: { errors: overApis('errors', '5XXError'), requests: overApis('requests', 'Count') },
      label: '5xx %',
      period,
    });
    const api5xx = alarm('Api5xxRate', {
      alarmName: `fellesjournal-${props.stage}-api-5xx-rate`,
      alarmDescription: 'More than 1% of API requests answered 5xx for 15 minutes',
      metric: serverErrorRate,
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
    });

    const latencyP99 = alarm('ApiLatencyP99', {
      alarmName: `fellesjournal-${props.stage}-api-latency-p99`,
      alarmDescription: `p99 of API latency above ${props.thresholds.apiP99LatencyMs} ms for 15 minutes: users wait, or a function is near its timeout`,
      metric: overApis('latency', 'Latency', 'p99', 'max'),
      threshold: props.thresholds.apiP99LatencyMs,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
    });
    this.apiAlarms.push(api5xx, latencyP99);

    // 429s: API Gateway counts them only inside 4XXError, so they are counted from the access log.
    const namespace = opsNamespace(props.stage);
    new logs.MetricFilter(this, 'Api429Filter', {
      logGroup: props.accessLogs,
      filterPattern: logs.FilterPattern.stringValue('$.status', '=', '429'),
      metricNamespace: namespace,
      metricName: 'Api429',
      metricValue: '1',
    });
    const throttledRate = new cloudwatch.MathExpression({
      expression: 'IF(requests > 0, 100 * throttled / requests, 0)',
      // The access log holds both APIs' requests (one log group), so the 429s are counted against both.
      usingMetrics: { throttled: new cloudwatch.Metric({ namespace, metricName: 'Api429', statistic: 'Sum', period }), requests: overApis('requests', 'Count') },
      label: '429 %',
      period,
    });
    alarm('Api429Rate', {
      alarmName: `fellesjournal-${props.stage}-api-429-rate`,
      alarmDescription: `More than ${props.thresholds.throttledPercent}% of API requests answered 429 for 15 minutes: a municipality or vendor at its plan's limit, or the stage limit reached (runbook: noisy municipality)`,
      metric: throttledRate,
      threshold: props.thresholds.throttledPercent,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
    });

    // Errors of each function on its own: also what a canary of that function rolls back on.
    for (const f of props.functions) {
      this.functionErrors[f.name] = alarm(`FunctionErrors${f.name}`, {
        alarmName: `fellesjournal-${props.stage}-fn-${f.name}-errors`,
        alarmDescription: `${f.name}: invocations that failed (unhandled error, timeout, out of memory) in 2 of 3 minutes`,
        metric: f.fn.metricErrors({ period: minute, statistic: 'Sum' }),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 3,
        datapointsToAlarm: 2,
      });
    }

    // A message in a dead-letter queue is an event (schedule, stream batch) that was never processed.
    for (const { name, queue } of props.deadLetterQueues) {
      alarm(`DeadLetters${name}`, {
        alarmName: `fellesjournal-${props.stage}-dlq-${name}`,
        alarmDescription: `Dead-letter queue of ${name} holds messages: events that failed after retries (inspect, fix, redrive)`,
        metric: queue.metricApproximateNumberOfMessagesVisible({ period: minute, statistic: 'Maximum' }),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
      });
    }

    // AWS Backup jobs (backups, copies to the recovery region, restores) that failed, were aborted or expired.
    const backupFailures = new events.Rule(this, 'BackupJobFailedRule', {
      description: 'AWS Backup job, copy job or restore job that did not complete',
      eventPattern: {
        source: ['aws.backup'],
        detailType: ['Backup Job State Change', 'Copy Job State Change', 'Restore Job State Change'],
        detail: { state: ['FAILED', 'ABORTED', 'EXPIRED'] },
      },
      // The event itself (job id, resource, reason) goes to the alarm topic too.
      targets: [new targets.SnsTopic(this.topic)],
    });
    alarm('BackupJobFailed', {
      alarmName: `fellesjournal-${props.stage}-backup-job-failed`,
      alarmDescription: 'An AWS Backup job, copy job or restore job failed, was aborted or expired: a recovery point may be missing',
      metric: new cloudwatch.Metric({ namespace: 'AWS/Events', metricName: 'MatchedEvents', dimensionsMap: { RuleName: backupFailures.ruleName }, statistic: 'Sum', period }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
    });

    const wafBlocked = new cloudwatch.Metric({
      namespace: 'AWS/WAFV2',
      metricName: 'BlockedRequests',
      dimensionsMap: { WebACL: props.webAclName, Region: props.region, Rule: 'ALL' },
      statistic: 'Sum',
      period,
    });
    alarm('WafBlocked', {
      alarmName: `fellesjournal-${props.stage}-waf-blocked`,
      alarmDescription: `The regional web ACL blocked more than ${props.thresholds.wafBlockedPer5Min} requests in 5 minutes: an attack, requests around CloudFront, or a rule blocking real users`,
      metric: wafBlocked,
      threshold: props.thresholds.wafBlockedPer5Min,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
    });

    // Functions refused for lack of (reserved) concurrency: users see 429/5xx. One alarm over every
    // function (a Metrics Insights query naming each), not one per function: a region's stack stays
    // under CloudFormation's 500 resources as services are added.
    alarm('FunctionThrottles', {
      alarmName: `fellesjournal-${props.stage}-function-throttles`,
      alarmDescription: 'Invocations throttled (reserved concurrency reached) in any of the platform\'s functions',
      metric: new cloudwatch.MathExpression({
        expression: `SELECT SUM(Throttles) FROM SCHEMA("AWS/Lambda", FunctionName) WHERE ${props.functions.map((f) => `FunctionName = '${f.fn.functionName}'`).join(' OR ')}`,
        usingMetrics: {},
        label: 'throttled invocations',
        period,
      }),
      threshold: 5,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
    });

    // DynamoDB's own failures, per table.
    const operations = [
      dynamodb.Operation.GET_ITEM,
      dynamodb.Operation.PUT_ITEM,
      dynamodb.Operation.UPDATE_ITEM,
      dynamodb.Operation.QUERY,
      dynamodb.Operation.BATCH_GET_ITEM,
      dynamodb.Operation.TRANSACT_WRITE_ITEMS,
      dynamodb.Operation.TRANSACT_GET_ITEMS,
    ];
    for (const [id, table] of Object.entries(props.tables)) {
      alarm(`DynamoSystemErrors${id}`, {
        alarmName: `fellesjournal-${props.stage}-dynamodb-${id}-system-errors`,
        alarmDescription: `DynamoDB system errors on the ${id} table`,
        metric: table.metricSystemErrorsForOperations({ operations, period }),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
      });
    }

    // Audit: a read is answered only after its event is stored, so a failing append is an outage
    // and possibly a gap in the trail. Two sources: the table refusing writes (throttles, system
    // errors) and the audit write path's own count of appends that finally failed.
    const audit = props.tables.audit;
    const auditTableMetric = (name: string, operation: string) =>
      new cloudwatch.Metric({ namespace: 'AWS/DynamoDB', metricName: name, dimensionsMap: { TableName: audit.tableName, Operation: operation }, statistic: 'Sum', period });
    alarm('AuditTableWriteErrors', {
      alarmName: `fellesjournal-${props.stage}-audit-table-write-errors`,
      alarmDescription: 'Audit table refused or failed writes (throttled or system errors)',
      metric: new cloudwatch.MathExpression({
        expression: 'put5 + tx5 + putT + txT',
        usingMetrics: {
          put5: auditTableMetric('SystemErrors', 'PutItem'),
          tx5: auditTableMetric('SystemErrors', 'TransactWriteItems'),
          putT: auditTableMetric('ThrottledRequests', 'PutItem'),
          txT: auditTableMetric('ThrottledRequests', 'TransactWriteItems'),
        },
        label: 'audit write errors',
        period,
      }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
    });
    alarm('AuditWriteFailures', {
      alarmName: `fellesjournal-${props.stage}-audit-write-failures`,
      alarmDescription: `Audit appends that failed after retries (${AUDIT_WRITE_FAILED_METRIC}, any service)`,
      metric: new cloudwatch.MathExpression({
        expression: `SELECT SUM(${AUDIT_WRITE_FAILED_METRIC}) FROM SCHEMA("${props.metricsNamespace}", service)`,
        usingMetrics: {},
        label: 'audit write failures',
        period,
      }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
    });

    // A citizen's change owes other municipalities audit events the scheduled sweep could not deliver.
    alarm('AuditOutboxPending', {
      alarmName: `fellesjournal-${props.stage}-audit-outbox-pending`,
      alarmDescription: `Audit events owed to a municipality for 30 minutes after the sweeps (${METRICS.auditOutboxPending})`,
      metric: new cloudwatch.Metric({ namespace: props.metricsNamespace, metricName: METRICS.auditOutboxPending, dimensionsMap: { service: 'sharing' }, statistic: 'Minimum', period }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 6,
      datapointsToAlarm: 6,
      // Every run reports what stays owed (0 included): no data means the job is not running.
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    });

    // KMS refusals and failures, and AccessDenied (the tenant role refusing another tenant's keys
    // or items), counted from every function's JSON logs.
    const kmsErrors = new cloudwatch.Metric({ namespace, metricName: 'KmsErrors', statistic: 'Sum', period });
    const denials = new cloudwatch.Metric({ namespace, metricName: 'AccessDenied', statistic: 'Sum', period });
    for (const f of props.functions) {
      new logs.MetricFilter(this, `KmsErrorFilter${f.name}`, {
        logGroup: f.logGroup,
        filterPattern: errorNamePattern(KMS_ERROR_NAMES),
        metricNamespace: namespace,
        metricName: 'KmsErrors',
        metricValue: '1',
      });
      new logs.MetricFilter(this, `AccessDeniedFilter${f.name}`, {
        logGroup: f.logGroup,
        filterPattern: errorNamePattern(['AccessDeniedException', 'AccessDenied']),
        metricNamespace: namespace,
        metricName: 'AccessDenied',
        metricValue: '1',
      });
    }
    alarm('KmsErrors', {
      alarmName: `fellesjournal-${props.stage}-kms-errors`,
      alarmDescription: 'KMS refused or failed a request (disabled or missing tenant key, wrong context, throttling)',
      metric: kmsErrors,
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
    });
    alarm('AccessDenied', {
      alarmName: `fellesjournal-${props.stage}-access-denied`,
      alarmDescription: 'IAM refused a function (e.g. the tenant role refusing another tenant\'s data): a bug or an attack',
      metric: denials,
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
    });

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: `fellesjournal-${props.stage}-${props.region}`,
      defaultInterval: Duration.hours(3),
    });
    this.dashboard.addWidgets(
      new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24, height: 4 }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({ title: 'API requests', left: [...apiMetrics('Count'), ...apiMetrics('4XXError'), ...apiMetrics('5XXError')], width: 8 }),
      new cloudwatch.GraphWidget({ title: 'API 5xx % and 429 %', left: [serverErrorRate, throttledRate], width: 8 }),
      new cloudwatch.GraphWidget({ title: 'API latency', left: [...apiMetrics('Latency', 'p50'), ...apiMetrics('Latency', 'p99'), ...apiMetrics('IntegrationLatency', 'p99')], width: 8 }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({ title: 'Function errors', left: props.functions.map((f) => f.fn.metricErrors({ period, label: f.name })), width: 8 }),
      new cloudwatch.GraphWidget({ title: 'Function throttles', left: props.functions.map((f) => f.fn.metricThrottles({ period, label: f.name })), width: 8 }),
      new cloudwatch.GraphWidget({ title: 'Function duration p99', left: props.functions.map((f) => f.fn.metricDuration({ period, statistic: 'p99', label: f.name })), width: 8 }),
    );
    const tables = Object.entries(props.tables);
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'DynamoDB consumed capacity',
        left: tables.map(([id, t]) => t.metricConsumedReadCapacityUnits({ period, label: `${id} read` })),
        right: tables.map(([id, t]) => t.metricConsumedWriteCapacityUnits({ period, label: `${id} write` })),
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Audit, KMS and IAM refusals; WAF blocks',
        left: [kmsErrors.with({ label: 'KMS errors' }), denials.with({ label: 'AccessDenied' }), wafBlocked.with({ label: 'WAF blocked (regional)' })],
        // 401/403 answers: a rise means a misconfigured client or someone probing.
        right: [
          new cloudwatch.MathExpression({
            expression: `SELECT SUM(${METRICS.accessRefused}) FROM SCHEMA("${props.metricsNamespace}", service)`,
            usingMetrics: {},
            label: 'refused requests (401/403)',
            period,
          }),
        ],
        width: 12,
      }),
    );
    // The municipalities with the most requests (EMF metric with a tenant dimension, shared/http/handler.ts):
    // who is near its tier's limit, and which municipality is noisy (runbook: docs/operations/noisy-municipality.md).
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Top municipalities by requests',
        left: [
          new cloudwatch.MathExpression({
            expression: `SELECT SUM(${METRICS.tenantRequests}) FROM SCHEMA("${props.metricsNamespace}", service, ${TENANT_DIMENSION}) GROUP BY ${TENANT_DIMENSION} ORDER BY SUM() DESC LIMIT 10`,
            usingMetrics: {},
            label: 'requests',
            period,
          }),
        ],
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Top municipalities by 429s',
        left: [
          new cloudwatch.MathExpression({
            expression: `SELECT SUM(${METRICS.tenantThrottled}) FROM SCHEMA("${props.metricsNamespace}", service, ${TENANT_DIMENSION}) GROUP BY ${TENANT_DIMENSION} ORDER BY SUM() DESC LIMIT 10`,
            usingMetrics: {},
            label: '429s',
            period,
          }),
        ],
        width: 12,
      }),
    );
  }
}
