import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks } from 'cdk-nag';
import { ROUTES } from '../functions/routes';
import type { RouteSpec } from '../shared/http/route';
import type { InfraConfig } from './config';
import { bundleModule, bundleRoutes } from './constructs/bundling';
import { groupRoutes } from './route-groups';
import { EdgeStack, EDGE_REGION } from './stacks/edge-stack';
import { RegionStack, type PreparedBundles } from './stacks/region-stack';
import { OFFBOARD_WORKER_MODULE } from './stacks/operations-workflows-stack';
import type { Construct } from 'constructs';

/** Module of the API Gateway authorizer, relative to the repository root. */
export const AUTHORIZER_MODULE = 'infra/functions/authorizer.ts';
/** Scheduled job delivering audit events owed to other municipalities (functions/sharing/audit-outbox.ts). */
export const OUTBOX_JOB_MODULE = 'functions/sharing/jobs/deliver-pending-audit.ts';
/** Bundles of their own (not route groups), by function name. */
/** Scheduled job signing audit tree heads (functions/anchor). */
export const ANCHOR_JOB_MODULE = 'functions/anchor/handlers/anchor-beat.ts';
/** The session vending function (the only principal trusted by the tenant and sharing-read roles). */
export const VENDING_MODULE = 'infra/functions/session-vendor.ts';
/** The messaging adapter's delivery job and exchange forwarder (infra/stacks/messaging-adapter-stack.ts). */
const MESSAGING_MODULES = { 'message-delivery': 'functions/messaging/jobs/deliver-outbox.ts', 'exchange-forwarder': 'functions/messaging/jobs/exchange-forwarder.ts' } as const;
/** The statistics aggregator, fed by the journal's and audit log's change streams (functions/stats). */
export const STATS_AGGREGATOR_MODULE = 'functions/stats/jobs/stream-handler.ts';
export const MODULE_FUNCTIONS = { authorizer: AUTHORIZER_MODULE, 'audit-outbox': OUTBOX_JOB_MODULE, 'audit-anchor': ANCHOR_JOB_MODULE, 'session-vendor': VENDING_MODULE, 'stats-aggregator': STATS_AGGREGATOR_MODULE, 'offboard-worker': OFFBOARD_WORKER_MODULE, ...MESSAGING_MODULES } as const;

/** Bundles every function once (all regions deploy the same code). */
export async function prepareBundles(routes: readonly RouteSpec[] = ROUTES): Promise<PreparedBundles> {
  const groups = groupRoutes(routes);
  const entries = await Promise.all([
    ...groups.map(async (g) => [g.name, (await bundleRoutes(g.name, g.routes)).dir] as const),
    ...Object.entries(MODULE_FUNCTIONS).map(([name, module]) => bundleModule(name, module).then((b) => [name, b.dir] as const)),
  ]);
  return { groups, dirs: Object.fromEntries(entries) };
}

export function stackName(config: InfraConfig, region: string): string {
  return `Fellesjournal-${config.stage}-${region}`;
}

export interface BuildOptions {
  routes?: readonly RouteSpec[];
  /** Register cdk-nag (AwsSolutions, HIPAA Security) as synthesis validation: findings fail the synth. */
  nag?: boolean;
  outdir?: string;
  webSourceDir?: string;
  /** An app to add the stacks to (app.ts passes the one that holds the CLI's context). */
  app?: App;
  /** CDK's built-in CloudFormation schema validation at synth (default on; about 5 s per stack). */
  builtinCloudFormationValidation?: boolean;
}

export function edgeStackName(config: InfraConfig): string {
  return `Fellesjournal-${config.stage}-edge`;
}

/**
 * The stacks of one stage into a scope (an App, or a pipeline's Stage): the edge web ACL in
 * us-east-1, and one isolated stack per region that names it (a cross-region reference, which CDK
 * carries through SSM parameters; no region refers to another region).
 */
export function addStageStacks(scope: Construct, config: InfraConfig, bundles: PreparedBundles, options: { routes: readonly RouteSpec[]; webSourceDir?: string; regions?: string[] }): { edge: EdgeStack; stacks: RegionStack[] } {
  // Explicit stack names: inside a pipeline stage CDK would prefix them with the stage's name.
  const edge = new EdgeStack(scope, edgeStackName(config), {
    stackName: edgeStackName(config),
    env: { account: config.account, region: EDGE_REGION },
    description: `Fellesjournal ${config.stage}: CloudFront web ACL (global; us-east-1 is the only region CloudFront takes it from)`,
    terminationProtection: config.stage === 'prod',
    crossRegionReferences: true,
    config,
  });
  const stacks = config.regions
    .filter((region) => !options.regions || options.regions.includes(region.region))
    .map(
      (region) =>
        new RegionStack(scope, stackName(config, region.region), {
          stackName: stackName(config, region.region),
          env: { account: config.account, region: region.region },
          description: `Fellesjournal ${config.stage} in ${region.region}`,
          terminationProtection: config.stage === 'prod',
          crossRegionReferences: true,
          config,
          region,
          routes: options.routes,
          bundles,
          edgeWebAclArn: edge.webAcl.attrArn,
          ...(options.webSourceDir ? { webSourceDir: options.webSourceDir } : {}),
        }),
    );
  return { edge, stacks };
}

/** The CDK app: the edge stack and one isolated stack per configured region. */
export async function buildApp(config: InfraConfig, options: BuildOptions = {}): Promise<{ app: App; stacks: RegionStack[]; edge: EdgeStack }> {
  const routes = options.routes ?? ROUTES;
  const bundles = await prepareBundles(routes);
  const app =
    options.app ??
    new App({
      ...(options.outdir ? { outdir: options.outdir } : {}),
      ...(options.builtinCloudFormationValidation === false ? { builtinCloudFormationValidation: false } : {}),
    });
  const { edge, stacks } = addStageStacks(app, config, bundles, { routes, ...(options.webSourceDir ? { webSourceDir: options.webSourceDir } : {}) });
  if (options.nag ?? true) {
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new HIPAASecurityChecks(app));
  }
  return { app, stacks, edge };
}
