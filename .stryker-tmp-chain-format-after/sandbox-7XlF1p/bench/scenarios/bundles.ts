// @ts-nocheck
import { execFile } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { ROUTES } from '../../functions/routes';
import { MODULE_FUNCTIONS } from '../../infra/app-builder';
import { bundleGenerated, bundleModule, bundleRoutes, runnableCopy, type BundleResult } from '../../infra/constructs/bundling';
import { groupRoutes } from '../../infra/route-groups';
import { ENV } from '../../shared/config/env-names';
import type { BenchScenario } from '../context';
import { percentile, type BenchResult } from '../lib';

const run = promisify(execFile);

/** Cold processes per bundle; the row is their median. */
const RUNS = 10;
/** The journal function's init with the Powertools Tracer on (infra/config.ts traceAwsCalls). */
const TRACED = 'journal.aws-call-tracing';

/**
 * The baseline: the smallest useful Lambda handler of this stack, a middy handler that reads one
 * DynamoDB item. It is bundled by the same `bundle()` as the functions (same esbuild options,
 * `@aws-sdk/client-*` external), so the ratios show what our own code adds.
 */
const BASELINE_SOURCE = `import middy from '@middy/core';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
const client = new DynamoDBClient({});
export const handler = middy(async () => {
  const out = await client.send(new GetItemCommand({ TableName: process.env.FJ_TABLE_CONTROL, Key: { pk: { S: 'x' }, sk: { S: 'y' } } }));
  return { statusCode: 200, body: JSON.stringify(out.Item ?? null) };
});
`;

/** What a function's module init sees in Lambda (infra/stacks/region-stack.ts), with dummy values. */
const LAMBDA_LIKE_ENV: Record<string, string> = {
  AWS_REGION: 'eu-north-1',
  AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '1024',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  POWERTOOLS_LOG_LEVEL: 'INFO',
  POWERTOOLS_METRICS_NAMESPACE: 'Fellesjournal',
  // As deployed by default (infra/config.ts traceAwsCalls): X-Ray active tracing without the
  // Powertools Tracer; init.journal.aws-call-tracing shows the cost of switching it on.
  POWERTOOLS_TRACE_ENABLED: 'false',
  [ENV.stage]: 'bench',
  [ENV.runtime]: 'aws',
  [ENV.tableJournal]: 'fj-bench-journal',
  [ENV.tableAudit]: 'fj-bench-audit',
  [ENV.tableControl]: 'fj-bench-control',
  [ENV.tableSharing]: 'fj-bench-sharing',
  [ENV.oidcIssuer]: 'https://issuer.example',
  [ENV.oidcJwksUrl]: 'https://issuer.example/jwks',
  [ENV.keyProvider]: 'kms',
  FJ_WEB_USAGE_KEY: 'fj-web-bench-0000000000000000',
};

/** Milliseconds a fresh `node` process spends importing the bundle (module init only, not node's own start). */
async function initOnce(file: string, extraEnv: Record<string, string> = {}): Promise<number> {
  const script = 'const t0 = performance.now(); await import(process.argv[1]); process.stdout.write(String(performance.now() - t0));';
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script, pathToFileURL(file).href], {
    env: { PATH: process.env.PATH ?? '', ...LAMBDA_LIKE_ENV, ...extraEnv },
    timeout: 30_000,
  });
  const ms = Number(stdout.trim());
  if (!Number.isFinite(ms)) throw new Error(`init of ${file} printed ${stdout}`);
  return ms;
}

const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;
const kb = (bytes: number) => round(bytes / 1024);
const median = (xs: number[]) => percentile([...xs].sort((a, b) => a - b), 50);

/**
 * `bundle.<function>`: minified size (KB) of what Lambda gets for each function CDK deploys (every
 * file of the bundle directory, lazily loaded chunks included), beside the baseline's.
 * `init.<function>`: median over RUNS cold `node` processes of importing that bundle, beside the
 * baseline's in the same run; runs are interleaved across bundles so machine noise hits all alike.
 * Init ratios are value / baseline (lower is better; goal: at most 1.3); bundles are judged
 * against the 500 KB budget.
 */
export const bundlesScenario: BenchScenario = async () => {
  const groups = groupRoutes(ROUTES);
  const bundles: [string, BundleResult][] = await Promise.all([
    ...groups.map(async (g) => [g.name, await bundleRoutes(g.name, g.routes)] as [string, BundleResult]),
    ...Object.entries(MODULE_FUNCTIONS).map(([name, module]) => bundleModule(name, module).then((b) => [name, b] as [string, BundleResult])),
  ]);
  const baseline = await bundleGenerated('bench-baseline', BASELINE_SOURCE);
  const files = new Map<string, string>([['baseline', runnableCopy(baseline, 'bench-baseline')], ...bundles.map(([name, b]) => [name, runnableCopy(b, `bench-${name}`)] as [string, string])]);

  const times = new Map<string, number[]>([...files.keys(), TRACED].map((k) => [k, []]));
  const journal = files.get('journal')!;
  // One warm-up round (disk cache), then RUNS measured rounds.
  for (const file of files.values()) await initOnce(file);
  for (let i = 0; i < RUNS; i++) {
    for (const [name, file] of files) times.get(name)!.push(await initOnce(file));
    times.get(TRACED)!.push(await initOnce(journal, { POWERTOOLS_TRACE_ENABLED: 'true' }));
  }

  const baseInit = median(times.get('baseline')!);
  const rows: BenchResult[] = [
    { name: 'bundle.baseline', value: kb(baseline.bytes), unit: 'KB' },
    { name: 'init.baseline', value: round(baseInit), unit: 'ms', p50_ms: round(baseInit, 2), p99_ms: round(Math.max(...times.get('baseline')!), 2) },
  ];
  for (const [name, b] of bundles) {
    // A size is judged against the 500 KB budget, not against the tiny baseline handler's size.
    rows.push({ name: `bundle.${name}`, value: kb(b.bytes), unit: 'KB' });
  }
  for (const [name] of bundles) {
    const t = median(times.get(name)!);
    rows.push({ name: `init.${name}`, value: round(t), unit: 'ms', p50_ms: round(t, 2), p99_ms: round(Math.max(...times.get(name)!), 2), baseline: round(baseInit), ratio: round(t / baseInit, 3) });
  }
  // Not judged (not how a function is deployed by default): what switching traceAwsCalls on costs.
  const traced = median(times.get(TRACED)!);
  rows.push({ name: `init.${TRACED}`, value: round(traced), unit: 'ms', p50_ms: round(traced, 2), p99_ms: round(Math.max(...times.get(TRACED)!), 2) });
  return rows;
};
