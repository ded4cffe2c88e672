import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { App, Stack, Stage, Validations, type CfnResource, type StackProps } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { AwsSolutionsChecks, HIPAASecurityChecks } from 'cdk-nag';
import * as pipelines from 'aws-cdk-lib/pipelines';
import type { Construct } from 'constructs';
import { z } from 'zod';
import { ROUTES } from '../functions/routes';
import type { RouteSpec } from '../shared/http/route';
import { addStageStacks, prepareBundles } from './app-builder';
import { loadInfraConfig, type InfraConfig } from './config';
import { acknowledge } from './constructs/nag';
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
    // cdk-nag checks these stacks in `npm run synth` and the infra tests (same code and configs) and,
    // registered on the pipeline's app, here too (their acknowledgements are made with them).
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
      // The artifact keys (here and in each cross-region support stack) rotate yearly.
      enableKeyRotation: true,
      // One asset-publishing build for all file assets instead of one per asset (41 projects).
      publishAssetsInParallel: false,
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
    // Build the CodePipeline now, so its generated roles, buckets and support stacks exist to be acknowledged.
    this.pipeline.buildPipeline();
    acknowledgePipelineFindings(this.pipeline);
  }
}

/**
 * cdk-nag findings on what CDK Pipelines generates (artifact buckets and keys, the roles of the
 * pipeline, its actions, the synth and self-mutation builds and the asset publishing), each with
 * the reason it stands. Nothing the pipeline holds is patient data: its artifacts are the
 * repository's templates and bundles, rebuilt from git at every run.
 */
function acknowledgePipelineFindings(pipeline: pipelines.CodePipeline): void {
  const buckets = [pipeline.pipeline.artifactBucket, ...Object.values(pipeline.pipeline.crossRegionSupport).map((s) => s.replicationBucket)];
  const artifactBucketScopes = [pipeline.pipeline, ...Object.values(pipeline.pipeline.crossRegionSupport).map((s) => s.stack)];
  for (const scope of artifactBucketScopes) {
    acknowledge(scope, 'AwsSolutions-S1', 'Pipeline artifact bucket (templates and bundles built from git, no patient data): every access is by the pipeline\'s own roles, recorded by CloudTrail; server access logs would need a log bucket per region for the same information.');
    acknowledge(scope, 'HIPAA.Security-S3BucketLoggingEnabled', 'Pipeline artifact bucket (templates and bundles built from git, no patient data): every access is by the pipeline\'s own roles, recorded by CloudTrail; server access logs would add nothing.');
    acknowledge(scope, 'HIPAA.Security-S3BucketVersioningEnabled', 'Pipeline artifacts are written once per run under new keys and rebuilt from git at every run; older object versions would keep nothing of value.');
    acknowledge(scope, 'HIPAA.Security-S3BucketReplicationEnabled', 'Pipeline artifacts are rebuilt from the repository at every run; a copy in another region would hold nothing that is not in git. The cross-region buckets are themselves CDK Pipelines\' replication targets.');
  }
  const stack = Stack.of(pipeline);
  const { account, region } = stack;
  const logicalId = (c: IConstruct) => stack.getLogicalId(c.node.defaultChild as CfnResource);
  const ref = (c: IConstruct) => `<${logicalId(c)}>`;
  const builds = [pipeline.synthProject, pipeline.selfMutationProject];
  // The roles CDK Pipelines generates, and the grants CDK derives for them.
  const roleGrants: [string, string][] = [
    ...buckets.slice(1).map((b): [string, string] => [`Resource::arn:<AWS::Partition>:s3:::${stack.resolve(b.bucketName) as string}/*`, 'The objects of a cross-region replication bucket of this pipeline (artifacts for the stages in another region), as CDK Pipelines grants them.']),
    [`Resource::<${logicalId(pipeline.pipeline.artifactBucket)}.Arn>/*`, 'The objects of the pipeline\'s own artifact bucket, as CDK Pipelines grants them to the pipeline, its actions and builds.'],
    ...builds.flatMap((b): [string, string][] => [
      [`Resource::arn:<AWS::Partition>:logs:${region}:${account}:log-group:/aws/codebuild/${ref(b)}:*`, 'The build project\'s own log streams (named per build at runtime), as CodeBuild grants them.'],
      [`Resource::arn:<AWS::Partition>:codebuild:${region}:${account}:report-group/${ref(b)}-*`, 'The build project\'s own test report groups (named per build), as CodeBuild grants them.'],
    ]),
    [`Resource::arn:<AWS::Partition>:logs:${region}:${account}:log-group:/aws/codebuild/*`, 'Asset publishing builds (one CodeBuild project per asset kind, generated by CDK Pipelines) write their own log groups under /aws/codebuild.'],
    [`Resource::arn:<AWS::Partition>:codebuild:${region}:${account}:report-group/*`, 'Asset publishing builds (generated by CDK Pipelines) may write their own report groups.'],
    [`Resource::arn:*:iam::${account}:role/*`, 'Self-mutation assumes the CDK bootstrap roles (cdk-hnb659fds-*) of the pipeline account, as CDK Pipelines generates it; those roles carry their own narrow trust.'],
    ['Action::s3:GetObject*', 'CDK\'s read grant on the pipeline\'s own artifact bucket (GetObject, GetObjectVersion…), generated by CDK Pipelines for the pipeline, its actions and builds.'],
    ['Action::s3:GetBucket*', 'CDK\'s read grant on the pipeline\'s own artifact bucket (GetBucketLocation…), generated by CDK Pipelines for the pipeline, its actions and builds.'],
    ['Action::s3:List*', 'CDK\'s list grant on the pipeline\'s own artifact bucket, generated by CDK Pipelines for the pipeline, its actions and builds.'],
    ['Action::s3:DeleteObject*', 'CDK\'s write grant on the pipeline\'s own artifact bucket (artifacts are replaced run by run), generated by CDK Pipelines.'],
    ['Action::s3:Abort*', 'CDK\'s write grant on the pipeline\'s own artifact bucket (abort of a multipart upload), generated by CDK Pipelines.'],
    ['Action::kms:ReEncrypt*', 'CDK\'s grant on the pipeline\'s own artifact key (ReEncryptFrom/To), generated by CDK Pipelines for the roles that read and write artifacts.'],
    ['Action::kms:GenerateDataKey*', 'CDK\'s grant on the pipeline\'s own artifact key, generated by CDK Pipelines for the roles that write artifacts.'],
    ['Resource::*', 'CDK Pipelines\' own grants: CodeStar connection use and the self-mutation build\'s cdk deploy of the pipeline stack (it assumes the CDK bootstrap roles; CloudFormation does the work), asset publishing assuming the bootstrap file-publishing roles.'],
  ];
  for (const [finding, reason] of roleGrants) acknowledge(pipeline, `AwsSolutions-IAM5[${finding}]`, reason);
  acknowledge(pipeline, 'HIPAA.Security-IAMNoInlinePolicy', 'CDK Pipelines grants its generated roles through their default inline policies; each role belongs to one pipeline action or build and is assumed by nothing else.');
  acknowledge(pipeline, 'HIPAA.Security-CodeBuildProjectSourceRepoUrl', 'The builds take their source from the pipeline (CODEPIPELINE source, the artifact of the CodeStar connection), never from a repository URL with credentials in it.');
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

/** cdk-nag (AwsSolutions, HIPAA Security) on the pipeline app, as `npm run synth` has on the stage stacks: a finding fails the synth. */
export function addPipelineNag(app: App): void {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new HIPAASecurityChecks(app));
}

// `node --import tsx infra/pipeline.ts`: the CDK app of the pipeline.
if (import.meta.url === `file://${process.argv[1]}`) {
  const app = new App();
  addPipelineNag(app);
  const given: unknown = app.node.tryGetContext('pipeline');
  await buildPipelineApp(typeof given === 'string' ? given : resolve(import.meta.dirname, 'environments', 'pipeline.json'), app);
  app.synth();
}
