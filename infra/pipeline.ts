import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { App, Stack, Stage, type StackProps } from 'aws-cdk-lib';
import * as pipelines from 'aws-cdk-lib/pipelines';
import type { Construct } from 'constructs';
import { z } from 'zod';
import { ROUTES } from '../functions/routes';
import type { RouteSpec } from '../shared/http/route';
import { addStageStacks, prepareBundles } from './app-builder';
import { loadInfraConfig, type InfraConfig } from './config';
import type { PreparedBundles } from './stacks/region-stack';

/**
 * The delivery pipeline (CDK Pipelines): not part of `npm run synth` and not deployed by default.
 * Synthesize it with `npm run synth:pipeline`; deploy it once with
 * `npx cdk deploy -a "node --import tsx infra/pipeline.ts" -c pipeline=infra/environments/pipeline.json`,
 * after which it deploys itself and the stages on every push (docs/operations/rollout.md).
 *
 * Order: staging one region per wave, a manual approval, then production one region per wave
 * (the edge stack goes with each environment's first region). A region's wave finishes only when its
 * stack is deployed, which includes the data functions' CodeDeploy canaries (10 % for 5 minutes);
 * a canary in alarm rolls the stack back and stops the pipeline before the next region.
 */
export const pipelineConfigSchema = z.object({
  /** Account and region the pipeline itself lives in. */
  account: z.string().regex(/^\d{12}$/),
  region: z.string().regex(/^[a-z]{2}-[a-z]+-\d$/),
  /** Repository (`owner/name`) and branch, through a CodeStar connection made in the console. */
  repository: z.string().regex(/^[\w.-]+\/[\w.-]+$/),
  branch: z.string().min(1).default('main'),
  connectionArn: z.string().regex(/^arn:aws:codestar-connections:[a-z0-9-]+:\d{12}:connection\/[0-9a-f-]+$/),
  /** Stage configs, relative to the repository root. */
  staging: z.string().min(1),
  production: z.string().min(1),
});
export type PipelineConfig = z.infer<typeof pipelineConfigSchema>;

/** One stage's edge stack and (some of) its region stacks. */
export class FellesjournalStage extends Stage {
  constructor(scope: Construct, id: string, props: { config: InfraConfig; bundles: PreparedBundles; routes: readonly RouteSpec[]; regions: string[] }) {
    super(scope, id, { env: { account: props.config.account } });
    // cdk-nag checks these stacks in `npm run synth` and the infra tests (same code and configs);
    // registered here it would also judge the pipeline's own artifact buckets and keys (not yet acknowledged).
    addStageStacks(this, props.config, props.bundles, { routes: props.routes, regions: props.regions });
  }
}

export interface PipelineStackProps extends StackProps {
  pipeline: PipelineConfig;
  staging: InfraConfig;
  production: InfraConfig;
  bundles: PreparedBundles;
  routes?: readonly RouteSpec[];
}

export class PipelineStack extends Stack {
  readonly pipeline: pipelines.CodePipeline;
  /** Wave names in order, for the docs and tests. */
  readonly waves: string[] = [];

  constructor(scope: Construct, id: string, props: PipelineStackProps) {
    super(scope, id, props);
    const routes = props.routes ?? ROUTES;
    this.pipeline = new pipelines.CodePipeline(this, 'Pipeline', {
      pipelineName: 'fellesjournal',
      crossAccountKeys: true,
      synth: new pipelines.ShellStep('Synth', {
        input: pipelines.CodePipelineSource.connection(props.pipeline.repository, props.pipeline.branch, { connectionArn: props.pipeline.connectionArn }),
        commands: ['npm ci', 'npm run typecheck', 'npm run lint', 'npm run test:unit', 'npm run synth:pipeline'],
      }),
    });
    const addEnvironment = (label: string, config: InfraConfig, approval?: pipelines.Step) => {
      // One region per wave. Each wave's stage also holds the edge stack its distribution names (a
      // reference cannot cross stages); the first wave creates or changes it, later ones find it unchanged.
      config.regions.forEach((region, i) => {
        const name = `${label}-${region.region}`;
        const wave = this.pipeline.addWave(name, i === 0 && approval ? { pre: [approval] } : {});
        wave.addStage(new FellesjournalStage(this, name, { config, bundles: props.bundles, routes, regions: [region.region] }));
        this.waves.push(name);
      });
    };
    addEnvironment('Staging', props.staging);
    addEnvironment('Production', props.production, new pipelines.ManualApprovalStep('PromoteToProduction', { comment: 'Staging is deployed and its canaries passed: promote this build to production?' }));
  }
}

/** Reads the pipeline config and both stage configs. */
export function loadPipelineConfig(file: string): { pipeline: PipelineConfig; staging: InfraConfig; production: InfraConfig } {
  const root = resolve(import.meta.dirname, '..');
  const pipeline = pipelineConfigSchema.parse(loadJson(file));
  return { pipeline, staging: loadInfraConfig(resolve(root, pipeline.staging)), production: loadInfraConfig(resolve(root, pipeline.production)) };
}

function loadJson(file: string): unknown {
  return JSON.parse(readFileSync(resolve(file), 'utf8')) as unknown;
}

export async function buildPipelineApp(file: string, app = new App()): Promise<{ app: App; stack: PipelineStack }> {
  const { pipeline, staging, production } = loadPipelineConfig(file);
  const bundles = await prepareBundles();
  const stack = new PipelineStack(app, 'Fellesjournal-pipeline', { env: { account: pipeline.account, region: pipeline.region }, pipeline, staging, production, bundles });
  return { app, stack };
}

// `node --import tsx infra/pipeline.ts`: the CDK app of the pipeline.
if (import.meta.url === `file://${process.argv[1]}`) {
  const app = new App();
  const given: unknown = app.node.tryGetContext('pipeline');
  await buildPipelineApp(typeof given === 'string' ? given : resolve(import.meta.dirname, 'environments', 'pipeline.json'), app);
  app.synth();
}
