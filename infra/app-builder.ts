import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks } from 'cdk-nag';
import { ROUTES } from '../functions/routes';
import type { RouteSpec } from '../shared/http/route';
import type { InfraConfig } from './config';
import { bundleModule, bundleRoutes } from './constructs/bundling';
import { groupRoutes } from './route-groups';
import { RegionStack, type PreparedBundles } from './stacks/region-stack';

/** Module of the API Gateway authorizer, relative to the repository root. */
export const AUTHORIZER_MODULE = 'infra/functions/authorizer.ts';
/** Scheduled job delivering audit events owed to other municipalities (functions/sharing/audit-outbox.ts). */
export const OUTBOX_JOB_MODULE = 'functions/sharing/jobs/deliver-pending-audit.ts';
/** Bundles of their own (not route groups), by function name. */
/** Scheduled job signing audit tree heads (functions/anchor). */
export const ANCHOR_JOB_MODULE = 'functions/anchor/handlers/anchor-beat.ts';
/** The session vending function (the only principal trusted by the tenant and sharing-read roles). */
export const VENDING_MODULE = 'infra/functions/session-vendor.ts';
/** The statistics aggregator, fed by the journal's and audit log's change streams (functions/stats). */
/** The messaging adapter's delivery job and exchange forwarder (infra/stacks/messaging-adapter-stack.ts). */
const MESSAGING_MODULES = { 'message-delivery': 'functions/messaging/jobs/deliver-outbox.ts', 'exchange-forwarder': 'functions/messaging/jobs/exchange-forwarder.ts' } as const;
export const STATS_AGGREGATOR_MODULE = 'functions/stats/jobs/stream-handler.ts';
export const MODULE_FUNCTIONS = { authorizer: AUTHORIZER_MODULE, 'audit-outbox': OUTBOX_JOB_MODULE, 'audit-anchor': ANCHOR_JOB_MODULE, 'session-vendor': VENDING_MODULE, 'stats-aggregator': STATS_AGGREGATOR_MODULE, ...MESSAGING_MODULES } as const;

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

/** The CDK app: one isolated stack per configured region. */
export async function buildApp(config: InfraConfig, options: BuildOptions = {}): Promise<{ app: App; stacks: RegionStack[] }> {
  const routes = options.routes ?? ROUTES;
  const bundles = await prepareBundles(routes);
  const app =
    options.app ??
    new App({
      ...(options.outdir ? { outdir: options.outdir } : {}),
      ...(options.builtinCloudFormationValidation === false ? { builtinCloudFormationValidation: false } : {}),
    });
  const stacks = config.regions.map(
    (region) =>
      new RegionStack(app, stackName(config, region.region), {
        env: { account: config.account, region: region.region },
        description: `Fellesjournal ${config.stage} in ${region.region}`,
        terminationProtection: config.stage === 'prod',
        config,
        region,
        routes,
        bundles,
        ...(options.webSourceDir ? { webSourceDir: options.webSourceDir } : {}),
      }),
  );
  if (options.nag ?? true) {
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new HIPAASecurityChecks(app));
  }
  return { app, stacks };
}
