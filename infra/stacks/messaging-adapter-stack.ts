import { Duration, NestedStack, RemovalPolicy, Stack, type NestedStackProps } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { ENV } from '../../shared/config/env-names';
import { functionSettings, type InfraConfig } from '../config';
import { PlatformKeys } from '../constructs/keys';
import { acknowledge } from '../constructs/nag';
import { DDB, TENANT_TAG } from '../constructs/permissions';
import { ServiceFunction } from '../constructs/service-function';
import type { Tables } from '../constructs/permissions';

/**
 * The AWS adapter behind the messaging exchange port (functions/messaging/exchange.ts), in a
 * nested stack of its own (the region stack is near CloudFormation's 500-resource limit):
 *
 * - an outgoing queue towards the national message exchange and an incoming queue for messages
 *   and receipts from external parties, each with a dead-letter queue, all encrypted with a key
 *   of their own (rotation on) and reachable over TLS only;
 * - the forwarder (functions/messaging/jobs/exchange-forwarder.ts): the ONLY principal that may
 *   consume the outgoing queue or put items on the incoming one (queue policies deny everyone else);
 * - the delivery job (functions/messaging/jobs/deliver-outbox.ts, every minute): the ONLY principal
 *   that may consume the incoming queue; it sends to the outgoing queue, and for the municipalities
 *   reads and writes only the messaging items, national-id lookups and patient items it needs
 *   (delivery copies, outbox, directory, kept journal entries), appends audit events, and seals
 *   with the tenants' keys only in a tenant's encryption context. It deletes nothing.
 */

export interface MessagingAdapterProps extends NestedStackProps {
  config: InfraConfig;
  tables: Tables;
  keys: PlatformKeys;
  /** Settings every function of the region shares (logging, tracing, metrics, log key). */
  fnCommon: { stage: string; logLevel: string; traceAwsCalls: boolean; metricsNamespace: string; logsKey: kms.IKey; logRetention: logs.RetentionDays };
  commonEnv: Record<string, string>;
  bundleDir: (name: string) => string;
}

/** Bundled modules of the two functions (infra/app-builder.ts MODULE_FUNCTIONS). */
export const MESSAGING_FUNCTIONS = { delivery: 'message-delivery', forwarder: 'exchange-forwarder' } as const;

/** Receives before an item goes to its dead-letter queue. */
export const MAX_RECEIVES = 5;

/** The journal-table partitions the delivery job may touch (functions/messaging/message-record.ts, core/journal-record.ts). */
export const MESSAGING_JOB_PARTITIONS = ['T#*#THREAD#*', 'T#*#MSGOUTBOX', 'T#*#MSGPARTY', 'T#*#NID#*', 'T#*#PATIENT#*'];

export class MessagingAdapterStack extends NestedStack {
  readonly key: kms.Key;
  readonly outgoing: sqs.Queue;
  readonly incoming: sqs.Queue;
  readonly outgoingDeadLetters: sqs.Queue;
  readonly incomingDeadLetters: sqs.Queue;
  readonly forwarder: ServiceFunction;
  readonly delivery: ServiceFunction;

  constructor(scope: Construct, id: string, props: MessagingAdapterProps) {
    super(scope, id, props);
    const { stage } = props.fnCommon;
    const { region } = Stack.of(this);

    this.key = new kms.Key(this, 'QueueKey', {
      alias: `alias/fellesjournal/${stage}/messaging-queues`,
      description: 'Fellesjournal: messages and receipts on their way to and from the national message exchange',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const queue = (name: string, deadLetter?: sqs.Queue) =>
      new sqs.Queue(this, name, {
        encryption: sqs.QueueEncryption.KMS,
        encryptionMasterKey: this.key,
        dataKeyReuse: Duration.minutes(5),
        enforceSSL: true,
        retentionPeriod: Duration.days(14),
        // Longer than a forwarder run (60 s), so an item is not handed out twice at once.
        visibilityTimeout: Duration.seconds(120),
        ...(deadLetter ? { deadLetterQueue: { queue: deadLetter, maxReceiveCount: MAX_RECEIVES } } : {}),
      });
    this.outgoingDeadLetters = queue('OutgoingDlq');
    this.incomingDeadLetters = queue('IncomingDlq');
    this.outgoing = queue('Outgoing', this.outgoingDeadLetters);
    this.incoming = queue('Incoming', this.incomingDeadLetters);

    const viaSqs = { StringEquals: { 'kms:ViaService': `sqs.${region}.amazonaws.com` } };
    const queueKey = (sid: string) => new iam.PolicyStatement({ sid, actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [this.key.keyArn], conditions: viaSqs });
    const consume = ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueAttributes'];

    const base = functionSettings(props.config, 'data', 'messaging');
    this.forwarder = new ServiceFunction(this, 'Forwarder', {
      ...props.fnCommon,
      name: MESSAGING_FUNCTIONS.forwarder,
      service: 'messaging',
      description: 'Messaging adapter: carries queued messages and receipts to the national message exchange; queues the receipts it answers',
      bundleDir: props.bundleDir(MESSAGING_FUNCTIONS.forwarder),
      settings: { ...base, timeoutSeconds: 60, reservedConcurrency: 2 },
      environment: {
        ...props.commonEnv,
        [ENV.messageInboundQueueUrl]: this.incoming.queueUrl,
        [ENV.messageExchangeUrl]: String(this.node.tryGetContext('messageExchangeUrl') ?? 'https://meldingsutveksling.invalid'),
      },
      statements: [
        new iam.PolicyStatement({ sid: 'ConsumeOutgoing', actions: consume, resources: [this.outgoing.queueArn] }),
        new iam.PolicyStatement({ sid: 'QueueReceipts', actions: ['sqs:SendMessage'], resources: [this.incoming.queueArn] }),
        queueKey('QueueKeyThroughSqs'),
      ],
    });
    new lambda.EventSourceMapping(this, 'ForwarderSource', {
      target: this.forwarder.fn,
      eventSourceArn: this.outgoing.queueArn,
      batchSize: 10,
      reportBatchItemFailures: true,
    });

    this.delivery = new ServiceFunction(this, 'Delivery', {
      ...props.fnCommon,
      name: MESSAGING_FUNCTIONS.delivery,
      service: 'messaging',
      description: 'Scheduled: works off the municipalities\' messaging outboxes and takes messages and receipts from external parties',
      bundleDir: props.bundleDir(MESSAGING_FUNCTIONS.delivery),
      settings: { ...base, timeoutSeconds: 120, reservedConcurrency: 1 },
      environment: { ...props.commonEnv, [ENV.messageQueueUrl]: this.outgoing.queueUrl, [ENV.messageInboundQueueUrl]: this.incoming.queueUrl },
      statements: deliveryStatements(this, props, this.outgoing, this.incoming, queueKey('QueueKeyThroughSqs')),
      asyncInvocation: { queueKey: props.keys.ops },
    });
    new events.Rule(this, 'DeliverySchedule', {
      description: 'Delivers messages owed and takes incoming ones every minute',
      schedule: events.Schedule.rate(Duration.minutes(1)),
      targets: [new targets.LambdaFunction(this.delivery.fn, { retryAttempts: 2 })],
    });

    // Only the forwarder consumes the outgoing queue and feeds the incoming one; only the delivery job consumes the incoming one.
    const onlyRole = (q: sqs.Queue, sid: string, actions: string[], role: iam.IRole) =>
      q.addToResourcePolicy(
        new iam.PolicyStatement({ sid, effect: iam.Effect.DENY, principals: [new iam.AnyPrincipal()], actions, resources: [q.queueArn], conditions: { ArnNotEquals: { 'aws:PrincipalArn': role.roleArn } } }),
      );
    onlyRole(this.outgoing, 'OnlyForwarderConsumes', ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility'], this.forwarder.role);
    onlyRole(this.incoming, 'OnlyForwarderFeeds', ['sqs:SendMessage'], this.forwarder.role);
    onlyRole(this.incoming, 'OnlyDeliveryConsumes', ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility'], this.delivery.role);
    onlyRole(this.outgoing, 'OnlyDeliverySends', ['sqs:SendMessage'], this.delivery.role);

    acknowledge(
      this.delivery.policy,
      `AwsSolutions-IAM5[Resource::${PlatformKeys.anyKeyArn(this)}]`,
      'Tenant keys are created at runtime, so they are named by condition: only keys tagged with a tenant, and only with an encryption context that names the tenant.',
    );
  }
}

/** The delivery job's rights (see the class comment). */
function deliveryStatements(scope: Construct, props: MessagingAdapterProps, outgoing: sqs.Queue, incoming: sqs.Queue, queueKey: iam.PolicyStatement): iam.PolicyStatement[] {
  const t = props.tables;
  return [
    new iam.PolicyStatement({ sid: 'SendOutgoing', actions: ['sqs:SendMessage'], resources: [outgoing.queueArn] }),
    new iam.PolicyStatement({ sid: 'ConsumeIncoming', actions: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueAttributes'], resources: [incoming.queueArn] }),
    queueKey,
    // The registry: tenant profiles, and the tenant listing on its gsi1 (no other index of any table).
    new iam.PolicyStatement({ sid: 'ReadRegistry', actions: [...DDB.read], resources: [t.control.tableArn, `${t.control.tableArn}/index/gsi1`] }),
    new iam.PolicyStatement({
      sid: 'MessagingItemsOfTenants',
      actions: [...DDB.read, ...DDB.change],
      resources: [t.journal.tableArn],
      conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': MESSAGING_JOB_PARTITIONS }, Null: { 'dynamodb:LeadingKeys': 'false' } },
    }),
    new iam.PolicyStatement({
      sid: 'AuditAppendOnly',
      actions: [...DDB.read, ...DDB.append],
      resources: [t.audit.tableArn],
      conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['T#*'] }, Null: { 'dynamodb:LeadingKeys': 'false' } },
    }),
    new iam.PolicyStatement({
      sid: 'SealInTenantContext',
      actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
      resources: [PlatformKeys.anyKeyArn(scope)],
      conditions: { Null: { [`aws:ResourceTag/${TENANT_TAG}`]: 'false', [`kms:EncryptionContext:${TENANT_TAG}`]: 'false' } },
    }),
    new iam.PolicyStatement({ sid: 'NationalIdLookup', actions: ['kms:GenerateMac'], resources: [props.keys.lookup.keyArn] }),
    new iam.PolicyStatement({ sid: 'NeverDelete', effect: iam.Effect.DENY, actions: ['dynamodb:DeleteItem', 'dynamodb:BatchWriteItem', 'dynamodb:DeleteTable', 'dynamodb:UpdateTable'], resources: ['*'] }),
  ];
}
