import { Duration } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { ServiceFunction, type ServiceFunctionProps } from './service-function';

/** Partition keys the aggregator may write in the journal table: each municipality's statistics (functions/stats/stats-store.ts). */
export const STATS_LEADING_KEYS = 'T#????#STATS#*';
/** The aggregator's own markers (a record counted, a patient served, a review counted), read to skip what is already counted. */
export const STATS_MARKER_LEADING_KEYS = ['T#????#STATS#RX#*', 'T#????#STATS#SERVED#*', 'T#????#STATS#REVIEWED'];
/** The national sums in the control table. */
export const NATIONAL_STATS_LEADING_KEYS = 'STATS#N#*';
/** The review queue pointers (functions/core/audit-chain.ts), read to tell an emergency access's review. */
export const REVIEW_QUEUE_LEADING_KEYS = 'T#????#AUDIT#QUEUE';

export interface StatsAggregatorProps {
  journalTable: dynamodb.ITable;
  auditTable: dynamodb.ITable;
  controlTable: dynamodb.ITable;
  /** The operational key: the queue of batches that failed every retry. */
  queueKey: kms.IKey;
  /** The aggregator function, less what this construct decides. */
  fn: Omit<ServiceFunctionProps, 'name' | 'service' | 'description' | 'statements' | 'asyncInvocation'>;
}

/**
 * The statistics aggregator (functions/stats/jobs/stream-handler.ts): the journal's and the audit
 * log's DynamoDB Streams feed it; it adds counts to each municipality's statistics items and to the
 * national sums. It never reads a record: its role may write only statistics partitions, read only
 * the review queue's pointers, and read the two change streams. A batch that still fails after its
 * retries goes to an encrypted queue (the counts are idempotent, so it can be replayed).
 */
export class StatsAggregator extends Construct {
  readonly function: ServiceFunction;

  constructor(scope: Construct, id: string, props: StatsAggregatorProps) {
    super(scope, id);
    const { journalTable, auditTable, controlTable } = props;
    const streams = [journalTable.tableStreamArn, auditTable.tableStreamArn].map((arn) => {
      if (!arn) throw new Error('the journal and audit tables need change streams (shared/db/tables.ts)');
      return arn;
    });
    this.function = new ServiceFunction(this, 'Function', {
      ...props.fn,
      name: 'stats-aggregator',
      service: 'stats',
      description: 'Change streams of the journal and audit log: keeps each municipality\'s statistics and the national sums current (counts only)',
      asyncInvocation: { queueKey: props.queueKey },
      wildcardResourceReason: 'dynamodb:ListStreams has no resource-level permission either; it only lists stream ARNs, and the stream reads themselves are limited to the journal and audit streams.',
      statements: [
        new iam.PolicyStatement({
          sid: 'ReadChangeStreams',
          actions: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'],
          resources: streams,
        }),
        new iam.PolicyStatement({
          sid: 'ListChangeStreams',
          // ListStreams has no resource-level permission.
          actions: ['dynamodb:ListStreams'],
          resources: ['*'],
        }),
        new iam.PolicyStatement({
          sid: 'CountInStatisticsPartitions',
          actions: ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:ConditionCheckItem'],
          resources: [journalTable.tableArn],
          conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [STATS_LEADING_KEYS] }, Null: { 'dynamodb:LeadingKeys': 'false' } },
        }),
        new iam.PolicyStatement({
          // functions/stats/stats-store.ts reads these markers (never a count, never a record).
          sid: 'ReadOwnMarkers',
          actions: ['dynamodb:GetItem', 'dynamodb:BatchGetItem'],
          resources: [journalTable.tableArn],
          conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': STATS_MARKER_LEADING_KEYS }, Null: { 'dynamodb:LeadingKeys': 'false' } },
        }),
        new iam.PolicyStatement({
          sid: 'NationalSums',
          actions: ['dynamodb:UpdateItem'],
          resources: [controlTable.tableArn],
          conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [NATIONAL_STATS_LEADING_KEYS] }, Null: { 'dynamodb:LeadingKeys': 'false' } },
        }),
        new iam.PolicyStatement({
          sid: 'ReviewQueuePointers',
          actions: ['dynamodb:GetItem'],
          resources: [auditTable.tableArn],
          conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [REVIEW_QUEUE_LEADING_KEYS] }, Null: { 'dynamodb:LeadingKeys': 'false' } },
        }),
      ],
    });
    const failures = this.function.deadLetterQueue!;
    // The function's own policy already may send to this queue; the mapping must not add an inline grant.
    const onFailure: lambda.IEventSourceDlq = { bind: () => ({ destination: failures.queueArn }) };
    const common = {
      target: this.function.fn,
      startingPosition: lambda.StartingPosition.TRIM_HORIZON,
      batchSize: 100,
      maxBatchingWindow: Duration.seconds(1),
      bisectBatchOnError: true,
      retryAttempts: 10,
      onFailure,
    };
    // Only new items can count; journal items other than patients and entries never do. (CDK types
    // its filter rules as `any`; `unknown` keeps them out of typed code.)
    new lambda.EventSourceMapping(this, 'JournalStream', {
      ...common,
      eventSourceArn: streams[0]!,
      filters: [lambda.FilterCriteria.filter({ eventName: lambda.FilterRule.isEqual('INSERT') as unknown, dynamodb: { NewImage: { itemType: { S: lambda.FilterRule.or('patient', 'entry') as unknown } } } })],
    });
    new lambda.EventSourceMapping(this, 'AuditStream', {
      ...common,
      eventSourceArn: streams[1]!,
      filters: [lambda.FilterCriteria.filter({ eventName: lambda.FilterRule.isEqual('INSERT') as unknown })],
    });
  }
}
