import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { IConstruct } from 'constructs';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { prepareBundles } from '../../infra/app-builder';
import { parseInfraConfig } from '../../infra/config';
import { REPO_ROOT } from '../../infra/constructs/bundling';
import { addPipelineNag, loadPipelineConfig, PipelineStack, pipelineConfigSchema } from '../../infra/pipeline';
import { TEST_CONFIG } from './support';

const STAGING = parseInfraConfig({ ...TEST_CONFIG, stage: 'staging', account: '222222222222' });
const PIPELINE = pipelineConfigSchema.parse({
  account: '333333333333',
  region: 'eu-north-1',
  repository: 'fellesjournal/fellesjournal',
  connectionArn: 'arn:aws:codestar-connections:eu-north-1:333333333333:connection/00000000-0000-4000-8000-000000000000',
  staging: 'infra/environments/staging.json',
  production: 'infra/environments/default.json',
});

const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'fj-pipeline-')), builtinCloudFormationValidation: false });
const stack = new PipelineStack(app, 'Fellesjournal-pipeline', {
  env: { account: PIPELINE.account, region: PIPELINE.region },
  pipeline: PIPELINE,
  staging: STAGING,
  production: TEST_CONFIG,
  bundles: await prepareBundles(),
});
// Offline and with cdk-nag, like `npm run synth:pipeline`: an unacknowledged finding throws here.
addPipelineNag(app);
const assembly = app.synth();
const template = Template.fromStack(stack).toJSON() as { Resources: Record<string, { Type: string; Properties: { Stages?: { Name: string; Actions: { Name: string; ActionTypeId: { Category: string } }[] }[] } }> };
const stages = Object.values(template.Resources).find((r) => r.Type === 'AWS::CodePipeline::Pipeline')!.Properties.Stages!;

describe('delivery pipeline (CDK Pipelines)', () => {
  it('staging first, one region per wave; production after a manual approval, one region per wave', () => {
    expect(stack.waves).toEqual(['Staging-eu-north-1', 'Staging-eu-west-1', 'Production-eu-north-1', 'Production-eu-west-1']);
    const names = stages.map((s) => s.Name);
    expect(names.slice(0, 2)).toEqual(['Source', 'Build']);
    expect(names.filter((n) => /^(Staging|Production)-/.test(n))).toEqual(stack.waves);
    const approvals = stages.flatMap((s) => s.Actions.filter((a) => a.ActionTypeId.Category === 'Approval').map(() => s.Name));
    expect(approvals).toEqual(['Production-eu-north-1']);
    // The approval runs before anything of production is deployed in that wave.
    const firstProd = stages.find((s) => s.Name === 'Production-eu-north-1')!;
    expect(firstProd.Actions[0]!.ActionTypeId.Category).toBe('Approval');
  });

  it('each wave deploys its region stack (with the edge web ACL it names) to the stage\'s own account', () => {
    for (const [label, config] of [['Staging', STAGING], ['Production', TEST_CONFIG]] as const) {
      for (const region of config.regions) {
        const nested = assembly.getNestedAssembly(`assembly-Fellesjournal-pipeline-${label}-${region.region}`);
        const stacks = nested.stacks.map((s) => [s.stackName, s.environment.account, s.environment.region]);
        expect(stacks).toEqual(
          expect.arrayContaining([
            [`Fellesjournal-${config.stage}-edge`, config.account, 'us-east-1'],
            [`Fellesjournal-${config.stage}-${region.region}`, config.account, region.region],
          ]),
        );
        expect(stacks).toHaveLength(2);
      }
    }
  });

  it('the shipped pipeline config names a staging and a production config that both validate', () => {
    const loaded = loadPipelineConfig(resolve(REPO_ROOT, 'infra/environments/pipeline.json'));
    expect(loaded.staging.stage).not.toBe(loaded.production.stage);
    expect(loaded.staging.alarmEmail).toBeTruthy();
  });

  it('cdk-nag (AwsSolutions, HIPAA Security) judged the pipeline stack and left no unacknowledged finding; every acknowledgement has a reason', () => {
    const plugins = (app as unknown as { _validationPlugins?: { name: string }[] })._validationPlugins ?? [];
    expect(plugins.map((p) => p.name ?? p.constructor.name).join(' ')).toMatch(/AwsSolutions.*HIPAA|HIPAA.*AwsSolutions/i);
    const acks = (root: IConstruct) =>
      root.node.findAll().flatMap((c) =>
        c.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY).flatMap((m) => Object.entries(m.data as Record<string, string>).map(([id, reason]) => [c.node.path, id, reason] as const)),
      );
    const pipelineAcks = acks(app).filter(([path, id]) => !path.includes('/Staging-') && !path.includes('/Production-') && !id.startsWith('CloudFormation-Validate::'));
    expect(pipelineAcks.length).toBeGreaterThan(10);
    for (const [path, id, reason] of pipelineAcks) {
      expect(id, path).toMatch(/(AwsSolutions|HIPAA\.Security)-/);
      expect(reason.length, `${path} ${id}`).toBeGreaterThanOrEqual(60);
    }
  });

  it('the check fails the pipeline synth on a finding nobody acknowledged', async () => {
    const other = new App({ outdir: mkdtempSync(join(tmpdir(), 'fj-pipeline-nag-')), builtinCloudFormationValidation: false });
    const bad = new PipelineStack(other, 'Fellesjournal-pipeline', { env: { account: PIPELINE.account, region: PIPELINE.region }, pipeline: PIPELINE, staging: STAGING, production: TEST_CONFIG, bundles: await prepareBundles() });
    // A bucket without TLS enforcement, logging or versioning: findings no one has acknowledged.
    new s3.Bucket(bad, 'Unreviewed');
    addPipelineNag(other);
    expect(() => other.synth()).toThrow(/Unreviewed/);
  }, 300_000);
});
