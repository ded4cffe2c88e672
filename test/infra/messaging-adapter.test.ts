import type { CfnResource } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { TENANT_ROLE_DESCRIPTION } from '../../infra/constructs/permissions';
import { MAX_RECEIVES, MESSAGING_FUNCTIONS } from '../../infra/stacks/messaging-adapter-stack';
import { evaluate, resolveIntrinsic, type IamRequest } from './iam-eval';
import { functionId, refOf, resourcesOf, statementsOfRole, synthesize, tableId, type Statement, type Synthesized } from './support';

/**
 * The messaging adapter's nested stack (infra/stacks/messaging-adapter-stack.ts): encrypted
 * queues with dead-letter redrive, and least privilege asked of the synthesized policies: only the
 * forwarder consumes the outgoing queue, only the delivery job the incoming one, and the job
 * touches only the municipalities' messaging partitions. `synthesize` runs cdk-nag: an
 * unacknowledged finding in the nested stack fails the build.
 */

const synth = await synthesize();
const stack = synth.stacks[0]!;
const nested = Template.fromStack(stack.messaging).toJSON() as Synthesized['json'][string];
/** The region stack's own template (synth.json merges its nested stacks in). */
const parent = synth.raw['eu-north-1']!.parent;

const ACCOUNT = '111111111111';
const REGION = 'eu-north-1';
const tenantKey = `arn:aws:kms:${REGION}:${ACCOUNT}:key/0f0f0f0f-1111-2222-3333-444444444444`;

const queueId = (name: 'outgoing' | 'incoming' | 'outgoing-dlq' | 'incoming-dlq') => {
  const q = { outgoing: stack.messaging.outgoing, incoming: stack.messaging.incoming, 'outgoing-dlq': stack.messaging.outgoingDeadLetters, 'incoming-dlq': stack.messaging.incomingDeadLetters }[name];
  return stack.messaging.getLogicalId(q.node.defaultChild as CfnResource);
};
/** The adapter's four queues (the delivery job's own async-invocation DLQ aside). */
const adapterQueueIds = (['incoming', 'incoming-dlq', 'outgoing', 'outgoing-dlq'] as const).map(queueId);
const queueArn = (name: Parameters<typeof queueId>[0]) => `<${queueId(name)}>`;
const fnRoleId = (name: string) => {
  return refOf(nested.Resources[functionId(stack.messaging, name)]!.Properties!.Role)!;
};
const forwarder = statementsOfRole(nested, fnRoleId(MESSAGING_FUNCTIONS.forwarder));
const delivery = statementsOfRole(nested, fnRoleId(MESSAGING_FUNCTIONS.delivery));
const sid = (statements: Statement[], name: string) => statements.find((s) => s.Sid === name)!;
/** The journal table as the job's policy names it (a parameter of the nested stack). */
const journal = resolveIntrinsic([sid(delivery, 'MessagingItemsOfTenants').Resource].flat()[0]);
const queueKey = `<${resourcesOf(nested, 'AWS::KMS::Key')[0]![0]}>`;

const ddb = (action: string, leadingKeys?: string[]): IamRequest => ({ action, resource: journal, context: leadingKeys ? { 'dynamodb:LeadingKeys': leadingKeys } : {} });

describe('the messaging adapter nested stack', () => {
  it('is one resource of the region stack, which stays under CloudFormation’s limit', () => {
    expect(resourcesOf(parent, 'AWS::CloudFormation::Stack').length).toBeGreaterThanOrEqual(1);
    for (const id of adapterQueueIds) {
      expect(parent.Resources[id]).toBeUndefined();
      expect(nested.Resources[id]?.Type).toBe('AWS::SQS::Queue');
    }
    expect(Object.keys(parent.Resources).length).toBeLessThan(500);
  });

  it('encrypts every queue with its own rotating key and redrives both work queues to their dead-letter queues', () => {
    // (The delivery job's own async-invocation DLQ is the ServiceFunction's, under the ops key.)
    const queues = adapterQueueIds.map((id) => [id, nested.Resources[id]!] as const);
    expect(queues.map(([, q]) => q.Type)).toEqual(Array(4).fill('AWS::SQS::Queue'));
    for (const [, q] of queues) expect(refOf((q.Properties!.KmsMasterKeyId as { 'Fn::GetAtt'?: unknown; Ref?: string }) ?? '')).toBe(queueKey.slice(1, -1));
    const [, key] = resourcesOf(nested, 'AWS::KMS::Key')[0]!;
    expect(key.Properties?.EnableKeyRotation).toBe(true);
    for (const [work, dlq] of [
      ['outgoing', 'outgoing-dlq'],
      ['incoming', 'incoming-dlq'],
    ] as const) {
      const redrive = nested.Resources[queueId(work)]!.Properties!.RedrivePolicy as { deadLetterTargetArn: unknown; maxReceiveCount: number };
      expect(refOf(redrive.deadLetterTargetArn), work).toBe(queueId(dlq));
      expect(redrive.maxReceiveCount).toBe(MAX_RECEIVES);
    }
    // TLS only, on every queue.
    const policies = resourcesOf(nested, 'AWS::SQS::QueuePolicy');
    for (const [id] of queues) {
      const doc = policies.find(([, p]) => (p.Properties!.Queues as unknown[]).some((q) => refOf(q) === id))![1].Properties!.PolicyDocument as { Statement: Statement[] };
      expect(doc.Statement.some((s) => s.Effect === 'Deny' && s.Condition?.Bool?.['aws:SecureTransport'] === 'false'), id).toBe(true);
    }
  });

  it('the forwarder alone consumes the outgoing queue; the delivery job alone consumes the incoming one', () => {
    expect(evaluate(forwarder, { action: 'sqs:ReceiveMessage', resource: queueArn('outgoing') })).toBe('allow');
    expect(evaluate(forwarder, { action: 'sqs:SendMessage', resource: queueArn('incoming') })).toBe('allow');
    expect(evaluate(forwarder, { action: 'sqs:ReceiveMessage', resource: queueArn('incoming') })).toBe('implicit-deny');
    expect(evaluate(forwarder, ddb('dynamodb:GetItem', ['T#0301#THREAD#x']))).toBe('implicit-deny');

    expect(evaluate(delivery, { action: 'sqs:SendMessage', resource: queueArn('outgoing') })).toBe('allow');
    expect(evaluate(delivery, { action: 'sqs:ReceiveMessage', resource: queueArn('incoming') })).toBe('allow');
    expect(evaluate(delivery, { action: 'sqs:DeleteMessage', resource: queueArn('incoming') })).toBe('allow');
    expect(evaluate(delivery, { action: 'sqs:ReceiveMessage', resource: queueArn('outgoing') })).toBe('implicit-deny');
    expect(evaluate(delivery, { action: 'sqs:SendMessage', resource: queueArn('incoming') })).toBe('implicit-deny');
    for (const dlq of ['outgoing-dlq', 'incoming-dlq'] as const) {
      for (const s of [forwarder, delivery]) expect(evaluate(s, { action: 'sqs:ReceiveMessage', resource: queueArn(dlq) })).toBe('implicit-deny');
    }

    // The queues' own policies deny every other principal, whatever its identity policy says.
    type QueueName = Parameters<typeof queueId>[0];
    const queuePolicy = (q: QueueName) =>
      resourcesOf(nested, 'AWS::SQS::QueuePolicy').flatMap(([, p]) => ((p.Properties!.Queues as unknown[]).some((x) => refOf(x) === queueId(q)) ? (p.Properties!.PolicyDocument as { Statement: Statement[] }).Statement : []));
    const only = (q: QueueName, action: string) => queuePolicy(q).find((s) => s.Effect === 'Deny' && ([] as string[]).concat(s.Action).includes(action) && s.Condition?.ArnNotEquals);
    expect(refOf(only('outgoing', 'sqs:ReceiveMessage')!.Condition!.ArnNotEquals!['aws:PrincipalArn'])).toBe(fnRoleId(MESSAGING_FUNCTIONS.forwarder));
    expect(refOf(only('incoming', 'sqs:SendMessage')!.Condition!.ArnNotEquals!['aws:PrincipalArn'])).toBe(fnRoleId(MESSAGING_FUNCTIONS.forwarder));
    expect(refOf(only('incoming', 'sqs:ReceiveMessage')!.Condition!.ArnNotEquals!['aws:PrincipalArn'])).toBe(fnRoleId(MESSAGING_FUNCTIONS.delivery));
    expect(refOf(only('outgoing', 'sqs:SendMessage')!.Condition!.ArnNotEquals!['aws:PrincipalArn'])).toBe(fnRoleId(MESSAGING_FUNCTIONS.delivery));
  });

  it('uses the queue key only through SQS', () => {
    const viaSqs = { 'kms:ViaService': `sqs.${REGION}.amazonaws.com` };
    for (const s of [forwarder, delivery]) {
      expect(evaluate(s, { action: 'kms:Decrypt', resource: queueKey, context: viaSqs })).toBe('allow');
      expect(evaluate(s, { action: 'kms:Decrypt', resource: queueKey })).toBe('implicit-deny');
    }
  });

  it('lets the delivery job touch only the messaging partitions of the journal, append audit events, and delete nothing', () => {
    expect(evaluate(delivery, ddb('dynamodb:PutItem', ['T#0301#THREAD#t1']))).toBe('allow');
    expect(evaluate(delivery, ddb('dynamodb:UpdateItem', ['T#4601#MSGOUTBOX']))).toBe('allow');
    expect(evaluate(delivery, ddb('dynamodb:Query', ['T#0301#MSGPARTY']))).toBe('allow');
    expect(evaluate(delivery, ddb('dynamodb:GetItem', ['T#0301#NID#abc']))).toBe('allow');
    // A kept journal entry lands in the patient's partition.
    expect(evaluate(delivery, ddb('dynamodb:PutItem', ['T#0301#PATIENT#p1']))).toBe('allow');
    expect(evaluate(delivery, ddb('dynamodb:PutItem', ['T#0301#IDEM#x']))).toBe('implicit-deny');
    expect(evaluate(delivery, ddb('dynamodb:GetItem', ['T#0301#NAME#x']))).toBe('implicit-deny');
    expect(evaluate(delivery, ddb('dynamodb:Query'))).toBe('implicit-deny');
    expect(evaluate(delivery, ddb('dynamodb:Scan', ['T#0301#THREAD#t1']))).toBe('implicit-deny');
    expect(evaluate(delivery, ddb('dynamodb:DeleteItem', ['T#0301#THREAD#t1']))).toBe('explicit-deny');
    // No index of the journal (inboxes are read by the data plane under the caller's tenant session).
    expect(evaluate(delivery, { ...ddb('dynamodb:Query', ['T#0301#MSGBOX#u#IN']), resource: `${journal}/index/gsi1` })).toBe('implicit-deny');
    // Audit: read and add, never change.
    const audit = resolveIntrinsic([sid(delivery, 'AuditAppendOnly').Resource].flat()[0]);
    expect(evaluate(delivery, { action: 'dynamodb:PutItem', resource: audit, context: { 'dynamodb:LeadingKeys': ['T#0301#AUDIT#P#p1'] } })).toBe('allow');
    expect(evaluate(delivery, { action: 'dynamodb:UpdateItem', resource: audit, context: { 'dynamodb:LeadingKeys': ['T#0301#AUDIT#P#p1'] } })).toBe('implicit-deny');
  });

  it('lets the delivery job seal and open only with tenant keys in a tenant’s encryption context', () => {
    const kmsReq = (withTag: boolean, withContext: boolean): IamRequest => ({
      action: 'kms:GenerateDataKey',
      resource: tenantKey,
      context: { ...(withTag ? { 'aws:ResourceTag/tenant': '0301' } : {}), ...(withContext ? { 'kms:EncryptionContext:tenant': '0301' } : {}) },
    });
    expect(evaluate(delivery, kmsReq(true, true))).toBe('allow');
    expect(evaluate(delivery, kmsReq(false, true))).toBe('implicit-deny');
    expect(evaluate(delivery, kmsReq(true, false))).toBe('implicit-deny');
    expect(evaluate(forwarder, kmsReq(true, true))).toBe('implicit-deny');
  });

  it('runs the delivery job every minute and feeds the forwarder from the outgoing queue with partial batch failures', () => {
    const [, rule] = resourcesOf(nested, 'AWS::Events::Rule')[0]!;
    expect(rule.Properties?.ScheduleExpression).toBe('rate(1 minute)');
    const [, mapping] = resourcesOf(nested, 'AWS::Lambda::EventSourceMapping')[0]!;
    expect(refOf(mapping.Properties!.EventSourceArn)).toBe(queueId('outgoing'));
    expect(mapping.Properties!.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
  });
});

describe('the citizen’s dialogue in AWS', () => {
  // A citizen's vended session is the tenant-scoped role tagged with the municipality of their record
  // (infra/functions/session-vendor.ts sessionTags): it must reach the dialogue's items there and nowhere else.
  const tenantRoleId = resourcesOf(parent, 'AWS::IAM::Role').find(([, r]) => r.Properties?.Description === TENANT_ROLE_DESCRIPTION)![0];
  const tenantRole = statementsOfRole(parent, tenantRoleId);
  const journalTable = `<${tableId(stack, 'journal')}>`;
  const asCitizenIn = (tenant: string, action: string, keys: string[]): IamRequest => ({ action, resource: journalTable, principalTags: { tenant }, context: { 'dynamodb:LeadingKeys': keys } });

  it('may write the thread, outbox and idempotency items of a message in the municipality of its session, not in another', () => {
    for (const keys of [['T#0301#THREAD#t1'], ['T#0301#MSGOUTBOX'], ['T#0301#IDEM#abc']]) {
      expect(evaluate(tenantRole, asCitizenIn('0301', 'dynamodb:PutItem', keys)), keys[0]).toBe('allow');
      expect(evaluate(tenantRole, asCitizenIn('0301', 'dynamodb:UpdateItem', keys)), keys[0]).toBe('allow');
      expect(evaluate(tenantRole, asCitizenIn('4601', 'dynamodb:PutItem', keys)), keys[0]).toBe('implicit-deny');
    }
    expect(evaluate(tenantRole, { ...asCitizenIn('0301', 'dynamodb:Query', ['T#0301#PATIENT#p1#MSG']), resource: `${journalTable}/index/gsi2` })).toBe('allow');
  });
});
