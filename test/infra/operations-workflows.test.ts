import type { CfnResource } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { parseInfraConfig } from '../../infra/config';
import { OperationsWorkflowsStack } from '../../infra/stacks/operations-workflows-stack';
import { ROUTES } from '../../functions/routes';
import { groupRoutes } from '../../infra/route-groups';
import { ENV } from '../../shared/config/env-names';
import { evaluate } from './iam-eval';
import { functionId, refOf, resourcesOf, statementsOfRole, synthesize, TEST_CONFIG, text } from './support';

// One region with a DR pairing, synthesized with cdk-nag (a finding fails the synth): the
// offboarding state machine and destroy-due schedule in their nested stack, and the DR copies.
const DR = {
  region: 'eu-west-1',
  backupVaultArn: 'arn:aws:backup:eu-west-1:111111111111:backup-vault:fellesjournal-test-dr',
  exportReplicaBucketArn: 'arn:aws:s3:::fellesjournal-test-exports-dr',
  exportReplicaKeyArn: 'arn:aws:kms:eu-west-1:111111111111:key/0a1b2c3d-0000-4000-8000-00000000d0d0',
};
const config = parseInfraConfig({ ...TEST_CONFIG, regions: [{ region: 'eu-north-1', dr: DR }] });
const synth = await synthesize(config);
const parent = synth.json['eu-north-1']!;
/** The region stack's own template (synth.json merges its nested stacks in). */
const parentOnly = synth.raw['eu-north-1']!.parent;
const nested = synth.stacks[0]!.node.findAll().find((c): c is OperationsWorkflowsStack => c instanceof OperationsWorkflowsStack)!;
const workflows = Template.fromStack(nested);
const nestedLogicalId = synth.stacks[0]!.getLogicalId(nested.nestedStackResource as CfnResource);
const wf = workflows.toJSON() as { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> };
const only = (type: string) => {
  const found = Object.entries(wf.Resources).filter(([, r]) => r.Type === type);
  expect(found, type).toHaveLength(1);
  return found[0]!;
};

interface State {
  Type: string;
  Next?: string;
  Resource?: string;
  Parameters?: Record<string, unknown>;
  ResultPath?: string;
  Retry?: { ErrorEquals: string[]; MaxAttempts?: number }[];
  Choices?: { Variable?: string; StringEquals?: string; Next: string }[];
  Default?: string;
}

/** The state machine's definition with the CloudFormation joins flattened to text. */
function definition(): { StartAt: string; States: Record<string, State> } {
  const [, sm] = only('AWS::StepFunctions::StateMachine');
  const body = sm.Properties.DefinitionString as { 'Fn::Join': [string, unknown[]] };
  const joined = body['Fn::Join'][1].map((p) => (typeof p === 'string' ? p : '"ARN"')).join('');
  return JSON.parse(joined.replace(/""ARN""/g, '"ARN"')) as { StartAt: string; States: Record<string, State> };
}

describe('offboarding workflow (Step Functions)', () => {
  it('lives in a nested stack: the region stack gains only the nested stack itself', () => {
    expect(resourcesOf(parentOnly, 'AWS::CloudFormation::Stack').map(([id]) => id)).toContain(nestedLogicalId);
    expect(resourcesOf(parentOnly, 'AWS::StepFunctions::StateMachine')).toHaveLength(0);
    expect(Object.keys(wf.Resources).every((id) => !(id in parentOnly.Resources))).toBe(true);
  });

  it('runs each step as a Lambda task with retries, looping over export pages with the cursor carried in the state', () => {
    const d = definition();
    expect(d.StartAt).toBe('Start');
    const tasks = ['ExportPage', 'VerifyCounts', 'ScheduleKeyDeletion', 'Finish'];
    const steps = ['export', 'verify', 'key', 'finish'];
    tasks.forEach((name, i) => {
      const state = d.States[name]!;
      expect(state.Type).toBe('Task');
      expect(state.Parameters).toEqual({ action: 'offboard-step', step: steps[i], 'tenant.$': '$.tenant', 'jobId.$': '$.jobId', 'cursor.$': '$.cursor' });
      // The worker's answer (next step, cursor, pages) becomes the state the next task reads.
      expect(state).toMatchObject({ ResultPath: '$' });
      // Transient failures are retried by the workflow, not by restarting the job.
      expect(state.Retry?.some((r) => r.ErrorEquals.includes('RetryableStepError') && (r.MaxAttempts ?? 0) >= 3)).toBe(true);
    });
    expect(d.States.ExportPage!.Next).toBe('MorePages');
    const choice = d.States.MorePages!;
    expect(choice.Choices).toEqual(expect.arrayContaining([expect.objectContaining({ Variable: '$.next', StringEquals: 'export', Next: 'ExportPage' })]));
    expect(choice.Default).toBe('VerifyCounts');
    expect(d.States.VerifyCounts!.Next).toBe('ScheduleKeyDeletion');
    expect(d.States.ScheduleKeyDeletion!.Next).toBe('Finish');
  });

  it('logs every state transition to an encrypted log group and traces with X-Ray', () => {
    const [, sm] = only('AWS::StepFunctions::StateMachine');
    expect(sm.Properties.TracingConfiguration).toEqual({ Enabled: true });
    expect(sm.Properties.LoggingConfiguration).toMatchObject({ Level: 'ALL', IncludeExecutionData: false });
    const groups = Object.values(wf.Resources).filter((r) => r.Type === 'AWS::Logs::LogGroup');
    expect(groups.length).toBe(2);
    for (const g of groups) expect(g.Properties.KmsKeyId).toBeDefined();
  });

  it('runs the worker under the offboarding role (the one the tenant keys trust) and lets that role start the workflow', () => {
    const [, fn] = only('AWS::Lambda::Function');
    expect(fn.Properties).toMatchObject({ Runtime: 'nodejs22.x', ReservedConcurrentExecutions: 2, TracingConfig: { Mode: 'Active' } });
    expect(fn.Properties.DeadLetterConfig).toBeDefined();
    const statements = Object.values(wf.Resources)
      .filter((r) => r.Type === 'AWS::IAM::ManagedPolicy')
      .flatMap((p) => (p.Properties.PolicyDocument as { Statement: { Sid: string; Action: string | string[] }[] }).Statement);
    expect(statements.find((s) => s.Sid === 'StartOffboarding')?.Action).toBe('states:StartExecution');
    // The export function (same role) is told which state machine to start.
    const exportFn = resourcesOf(parent, 'AWS::Lambda::Function').find(([, r]) => text(r.Properties?.Description).includes('opsOffboardTenant'));
    expect(text(exportFn?.[1].Properties?.Environment)).toContain('FJ_OFFBOARD_STATE_MACHINE_ARN');
    // The worker's role is the export function's role, handed to the nested stack as a parameter.
    const exportRole = refOf(exportFn?.[1].Properties?.Role);
    expect(exportRole).toBeTruthy();
    const nestedStack = parentOnly.Resources[nestedLogicalId] as unknown as { Properties: { Parameters: Record<string, unknown> } };
    const roleParam = refOf(fn.Properties.Role);
    const passed = Object.entries(nestedStack.Properties.Parameters).find(([name]) => roleParam !== undefined && name === roleParam)?.[1];
    expect(refOf(passed)).toBe(exportRole);
  });

  it('runs destroy-due daily on an EventBridge schedule', () => {
    const [, rule] = only('AWS::Events::Rule');
    expect(rule.Properties.ScheduleExpression).toBe('cron(30 4 * * ? *)');
    const targets = rule.Properties.Targets as { Input: string; RetryPolicy?: unknown; DeadLetterConfig?: unknown }[];
    expect(JSON.parse(targets[0]!.Input)).toEqual({ action: 'destroy-due' });
    expect(targets[0]!.DeadLetterConfig).toBeDefined();
  });
});

describe('disaster recovery', () => {
  it('copies every recovery point of the tables into the vault in the DR region', () => {
    const [[, plan]] = resourcesOf(parent, 'AWS::Backup::BackupPlan') as unknown as [[string, { Properties: { BackupPlan: { BackupPlanRule: { CopyActions?: { DestinationBackupVaultArn: string; Lifecycle?: { DeleteAfterDays: number } }[] }[] } } }]];
    const rules = plan.Properties.BackupPlan.BackupPlanRule;
    expect(rules.length).toBeGreaterThan(0);
    for (const rule of rules) expect(rule.CopyActions).toEqual([{ DestinationBackupVaultArn: DR.backupVaultArn, Lifecycle: { DeleteAfterDays: 365 } }]);
  });

  it('replicates the export bucket into the DR bucket, KMS-encrypted there, with a role of its own', () => {
    const buckets = resourcesOf(parent, 'AWS::S3::Bucket').filter(([, b]) => b.Properties?.ReplicationConfiguration);
    expect(buckets).toHaveLength(1);
    const replication = buckets[0]![1].Properties!.ReplicationConfiguration as { Role: unknown; Rules: { Destination: { Bucket: string; EncryptionConfiguration?: { ReplicaKmsKeyID: string } }; SourceSelectionCriteria?: unknown; Status: string }[] };
    expect(replication.Rules[0]).toMatchObject({
      Status: 'Enabled',
      Destination: { Bucket: DR.exportReplicaBucketArn, EncryptionConfiguration: { ReplicaKmsKeyID: DR.exportReplicaKeyArn } },
      SourceSelectionCriteria: { SseKmsEncryptedObjects: { Status: 'Enabled' } },
    });
    expect(replication.Role).toBeDefined();
  });

  it('provisioning replicates each tenant key into the DR region only: told the region, and may replicate, alias and tag there and nowhere else', () => {
    const operator = groupRoutes(ROUTES).find((g) => g.plane === 'operator')!.name;
    const fn = parent.Resources[functionId(synth.stacks[0]!, operator)]!;
    expect((fn.Properties!.Environment as { Variables: Record<string, unknown> }).Variables[ENV.keyReplicaRegion]).toBe('eu-west-1');
    const statements = statementsOfRole(parent, refOf(fn.Properties!.Role)!);
    const ask = (action: string, resource: string, context: Record<string, string | string[]> = {}) => evaluate(statements, { action, resource, context });
    const key = (region: string) => `arn:aws:kms:${region}:111111111111:key/mrk-0a1b2c3d00004000800000000000d0d0`;
    const tenantKeyTag = { 'aws:ResourceTag/tenant': '4601' };
    expect(ask('kms:ReplicateKey', key('eu-north-1'), { ...tenantKeyTag, 'kms:ReplicaRegion': 'eu-west-1' })).toBe('allow');
    for (const region of ['eu-central-1', 'us-east-1']) expect(ask('kms:ReplicateKey', key('eu-north-1'), { ...tenantKeyTag, 'kms:ReplicaRegion': region }), region).toBe('implicit-deny');
    // Only tenant keys (the platform's own keys carry no tenant tag).
    expect(ask('kms:ReplicateKey', key('eu-north-1'), { 'kms:ReplicaRegion': 'eu-west-1' })).toBe('implicit-deny');
    expect(ask('kms:CreateKey', '*', { 'aws:RequestedRegion': 'eu-west-1' })).toBe('allow');
    expect(ask('kms:CreateAlias', 'arn:aws:kms:eu-west-1:111111111111:alias/fellesjournal/tenant/4601')).toBe('allow');
    expect(ask('kms:CreateAlias', 'arn:aws:kms:eu-west-1:111111111111:alias/fellesjournal/prod/data')).toBe('implicit-deny');
    expect(ask('kms:TagResource', key('eu-west-1'), { 'aws:TagKeys': ['tenant', 'app'] })).toBe('allow');
    expect(ask('kms:TagResource', key('eu-west-1'), { 'aws:TagKeys': ['tenant'], 'aws:ResourceTag/tenant': '0301' })).toBe('implicit-deny');
    // The replica is opened by nobody but the roles its policy names: the function itself never holds key material there.
    for (const action of ['kms:Decrypt', 'kms:GenerateDataKey']) expect(ask(action, key('eu-west-1'), { ...tenantKeyTag, 'kms:EncryptionContext:tenant': '4601' }), action).not.toBe('allow');
  });

  it('refuses a DR region outside the EU/EEA, or the same region', () => {
    expect(() => parseInfraConfig({ ...TEST_CONFIG, regions: [{ region: 'eu-north-1', dr: { ...DR, region: 'us-east-1' } }] })).toThrow(/EU\/EEA/);
    expect(() => parseInfraConfig({ ...TEST_CONFIG, regions: [{ region: 'eu-west-1', dr: DR }] })).toThrow(/another region/);
  });
});
