import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import { AwsSolutionsChecks, HIPAASecurityChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { PlatformKeys } from '../../infra/constructs/keys';
import { StatsAggregator } from '../../infra/constructs/stats-aggregator';
import { Tables } from '../../infra/constructs/tables';
import { evaluate } from './iam-eval';
import { functionId, refOf, resourcesOf, statementsOfRole, tableId as tableLogicalId, text, type Synthesized } from './support';

/**
 * The statistics aggregator on its own stack (the full region stack is synthesized, with cdk-nag,
 * in stacks.test.ts): fed by the journal's and audit log's change streams, it may write only
 * statistics partitions and read nothing of a record.
 */
const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'fj-cdk-stats-')) });
const stack = new Stack(app, 'Stats', { env: { account: '111111111111', region: 'eu-north-1' } });
const keys = new PlatformKeys(stack, 'Keys', { stage: 'test' });
const tables = new Tables(stack, 'Tables', { stage: 'test', key: keys.data });
const bundleDir = mkdtempSync(join(tmpdir(), 'fj-stats-bundle-'));
writeFileSync(join(bundleDir, 'index.mjs'), 'export const handler = async () => ({ counted: 0 });\n');
new StatsAggregator(stack, 'StatsAggregator', {
  journalTable: tables.byId.journal,
  auditTable: tables.byId.audit,
  controlTable: tables.byId.control,
  queueKey: keys.ops,
  fn: {
    stage: 'test',
    bundleDir,
    settings: { memoryMb: 512, timeoutSeconds: 60, reservedConcurrency: 2 },
    environment: {},
    logLevel: 'INFO',
    traceAwsCalls: false,
    metricsNamespace: 'Fellesjournal',
    logsKey: keys.logs,
    logRetention: logs.RetentionDays.TWO_YEARS,
  },
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new HIPAASecurityChecks(app));
// Throws on any unacknowledged cdk-nag finding.
const template = app.synth().getStackByName('Stats').template as Synthesized['json'][string];

const fn = [functionId(stack, 'stats-aggregator'), template.Resources[functionId(stack, 'stats-aggregator')]!] as const;
const statements = statementsOfRole(template, refOf(fn[1].Properties!.Role)!);
const tableId = (id: 'journal' | 'audit' | 'control' | 'sharing') => `<${tableLogicalId(stack, id)}>`;
const ask = (action: string, resource: string, leadingKeys: string[]) => evaluate(statements, { action, resource, context: { 'dynamodb:LeadingKeys': leadingKeys } });

describe('statistics aggregator (DynamoDB Streams)', () => {
  it('the journal and audit tables have change streams with new images, and both feed the aggregator from the oldest record', () => {
    const streamed = resourcesOf(template, 'AWS::DynamoDB::Table')
      .filter(([, t]) => (t.Properties?.StreamSpecification as { StreamViewType?: string } | undefined)?.StreamViewType === 'NEW_IMAGE')
      .map(([id]) => id)
      .sort();
    expect(streamed).toEqual([tableLogicalId(stack, 'audit'), tableLogicalId(stack, 'journal')].sort());
    const mappings = resourcesOf(template, 'AWS::Lambda::EventSourceMapping').map(([, m]) => m.Properties!);
    expect(mappings).toHaveLength(2);
    for (const m of mappings) {
      expect(refOf(m.FunctionName)).toBe(fn[0]);
      expect(m).toMatchObject({ StartingPosition: 'TRIM_HORIZON', BisectBatchOnFunctionError: true, MaximumRetryAttempts: 10 });
      // A batch that fails every retry is kept (the counts are idempotent, so it can be replayed).
      expect(text(m.DestinationConfig)).toContain('DeadLetters');
      expect(text(m.FilterCriteria)).toContain('INSERT');
    }
    expect(text(mappings.map((m) => m.EventSourceArn))).toMatch(/StreamArn[\s\S]*StreamArn/);
  });

  it('writes only statistics partitions: counts in each municipality\'s STATS partitions and the national sums', () => {
    for (const action of ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:ConditionCheckItem']) {
      expect(ask(action, tableId('journal'), ['T#0301#STATS#M#2026-03']), action).toBe('allow');
      expect(ask(action, tableId('journal'), ['T#0301#STATS#RX#e1']), action).toBe('allow');
      for (const key of ['T#0301#PATIENT#p1', 'T#0301#NID#x', 'T#0301#IDEM#x', 'T#0301#PATIENT#p1#STATS#x']) expect(ask(action, tableId('journal'), [key]), `${action} ${key}`).toBe('implicit-deny');
    }
    expect(ask('dynamodb:UpdateItem', tableId('control'), ['STATS#N#2026-03'])).toBe('allow');
    expect(ask('dynamodb:UpdateItem', tableId('control'), ['TENANT#0301'])).toBe('implicit-deny');
    expect(ask('dynamodb:PutItem', tableId('control'), ['STATS#N#2026-03'])).toBe('implicit-deny');
  });

  it('reads nothing of a record: no journal read, no audit event, only the review queue\'s pointers and its own markers; never the sharing table; no delete, no scan', () => {
    for (const action of ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:BatchGetItem', 'dynamodb:Scan']) {
      expect(ask(action, tableId('journal'), ['T#0301#PATIENT#p1']), action).toBe('implicit-deny');
      expect(ask(action, tableId('journal'), ['T#0301#STATS#M#2026-03']), action).toBe('implicit-deny');
      expect(ask(action, tableId('audit'), ['T#0301#AUDIT#STREAM#p1']), action).toBe('implicit-deny');
      expect(ask(action, tableId('sharing'), ['CIT#x']), action).toBe('implicit-deny');
    }
    expect(ask('dynamodb:GetItem', tableId('audit'), ['T#0301#AUDIT#QUEUE'])).toBe('allow');
    expect(ask('dynamodb:PutItem', tableId('audit'), ['T#0301#AUDIT#QUEUE'])).toBe('implicit-deny');
    // Its own markers only (what is already counted): never a record, never the counts.
    for (const key of ['T#0301#STATS#SERVED#2026-03', 'T#0301#STATS#RX#e1', 'T#0301#STATS#REVIEWED']) {
      expect(ask('dynamodb:BatchGetItem', tableId('journal'), [key]), key).toBe('allow');
      expect(ask('dynamodb:Query', tableId('journal'), [key]), key).toBe('implicit-deny');
    }
    expect(ask('dynamodb:BatchGetItem', tableId('journal'), ['T#0301#STATS#SERVED#2026-03', 'T#0301#PATIENT#p1'])).toBe('implicit-deny');
    for (const t of ['journal', 'audit', 'control', 'sharing'] as const) expect(ask('dynamodb:DeleteItem', tableId(t), ['T#0301#STATS#M#2026-03'])).toBe('implicit-deny');
  });

  it('no key material: it decrypts nothing itself (the table key is used only through DynamoDB)', () => {
    for (const action of ['kms:Decrypt', 'kms:GenerateDataKey']) {
      expect(evaluate(statements, { action, resource: 'arn:aws:kms:eu-north-1:111111111111:key/0f0f0f0f-1111-2222-3333-444444444444' }), action).not.toBe('allow');
    }
  });
});
