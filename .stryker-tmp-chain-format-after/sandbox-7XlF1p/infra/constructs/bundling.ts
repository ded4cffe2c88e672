// @ts-nocheck
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { build, type BuildOptions, type Metafile, type Plugin } from 'esbuild';
import type { RouteSpec } from '../../shared/http/route';

/** Repository root: route handler paths in the route table are relative to it. */
export const REPO_ROOT = resolve(import.meta.dirname, '..', '..');

/** The file name Lambda loads; `.mjs` makes Node treat the bundle as an ES module without a package.json. */
export const BUNDLE_FILE = 'index.mjs';
export const LAMBDA_HANDLER = 'index.handler';

/**
 * zod 4's classic API re-exports every locale (`z.locales`, about 190 KB minified) from one barrel
 * module, and the `z` namespace object keeps all of it alive. Nothing here switches zod's locale
 * (our messages are our own; zod falls back to `en`, which its schemas import directly), so the
 * barrel is replaced by one that keeps `en` and `no` (Norwegian). Calling any other locale fails
 * at once (not a function), not silently.
 */
export const zodLocalesPlugin: Plugin = {
  name: 'fj-zod-locales',
  setup(b) {
    b.onResolve({ filter: /\/locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]v4[\\/]classic$/.test(args.resolveDir) || /[\\/]zod[\\/]v4[\\/]/.test(args.importer)
        ? { path: resolve(args.resolveDir, args.path), namespace: 'fj-zod-locales' }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'fj-zod-locales' }, (args) => ({
      contents: ['en', 'no'].map((l) => `export { default as ${l} } from ${JSON.stringify(resolve(dirname(args.path), `${l}.js`))};`).join('\n'),
      resolveDir: dirname(args.path),
    }));
  },
};

/**
 * The one set of esbuild options for every Lambda bundle. infra (the functions CDK deploys) and
 * bench/scenarios/bundles.ts (which measures their size and init time) both call `bundle()` below,
 * so what is measured is what is deployed.
 */
export const ESBUILD_OPTIONS: Readonly<BuildOptions> = {
  bundle: true,
  platform: 'node',
  // Lambda runs nodejs22.x (TOOLCHAIN.md); the machines run Node 20, which understands the same output.
  target: 'node22',
  format: 'esm',
  minify: true,
  treeShaking: true,
  // Prefer the ES module builds of dependencies: they tree-shake, their CommonJS twins do not.
  mainFields: ['module', 'main'],
  // The nodejs22.x runtime ships AWS SDK v3; bundling our own copy of the clients only adds size and
  // init time. util-dynamodb (marshall/unmarshall, ~10 KB, no dependencies) is bundled: loading it
  // from the runtime's node_modules at init costs more (~4 ms) than carrying it.
  external: ['@aws-sdk/client-*'],
  // Some CommonJS dependencies call require() for Node built-ins; ESM has no require of its own.
  banner: { js: "import{createRequire as __fjRequire}from'node:module';const require=__fjRequire(import.meta.url);" },
  // Dynamic import() in our code means "load when needed" (e.g. STS only once a tenant-scoped client is
  // made); code splitting keeps that promise in the bundle, where it would otherwise be hoisted to init.
  splitting: true,
  entryNames: 'index',
  chunkNames: 'chunks/[name]-[hash]',
  outExtension: { '.js': '.mjs' },
  legalComments: 'none',
  sourcemap: false,
  charset: 'utf8',
  logLevel: 'silent',
  metafile: true,
  tsconfig: join(REPO_ROOT, 'tsconfig.json'),
  absWorkingDir: REPO_ROOT,
  // Generated entries live in a scratch directory; bare imports resolve from the repository.
  nodePaths: [join(REPO_ROOT, 'node_modules')],
  plugins: [zodLocalesPlugin],
};

export interface BundleResult {
  /** Directory holding only the bundle (entry and lazily loaded chunks): what Lambda gets. */
  dir: string;
  /** The entry module, `index.mjs`. */
  file: string;
  /** Bytes of every file in `dir`, minified. */
  bytes: number;
  metafile: Metafile;
}

/** Bundles one entry into `outDir/index.mjs` (plus chunks for dynamic imports) with the shared options. */
export async function bundle(entry: string, outDir: string): Promise<BundleResult> {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const result = await build({ ...ESBUILD_OPTIONS, entryPoints: { index: entry }, outdir: outDir, write: true });
  if (result.errors.length > 0) throw new Error(`esbuild failed for ${entry}: ${result.errors.map((e) => e.text).join('; ')}`);
  const metafile = result.metafile!;
  const bytes = Object.keys(metafile.outputs).reduce((sum, f) => sum + statSync(resolve(REPO_ROOT, f)).size, 0);
  return { dir: outDir, file: join(outDir, BUNDLE_FILE), bytes, metafile };
}

/** Route methods and paths as API Gateway passes them in the proxy event. */
export function routeKey(route: Pick<RouteSpec, 'method' | 'path'>): string {
  return `${route.method} ${route.path}`;
}

/**
 * Source of a router entry for a group of routes served by one function: it imports each route's
 * handler module and dispatches on `event.httpMethod` + `event.resource` (the resource path
 * template, e.g. `/v1/patients/{patientId}`, exactly the route table's path). Generated at synth
 * time, so CDK never executes handler modules and a new route needs no infra change.
 */
export function routerSource(routes: readonly RouteSpec[]): string {
  const files = [...new Set(routes.map((r) => r.handler))].sort();
  const imports = files.map((f, i) => `import { handler as h${i} } from ${JSON.stringify(resolve(REPO_ROOT, f))};`);
  const table = routes
    .map((r) => `  [${JSON.stringify(routeKey(r))}, h${files.indexOf(r.handler)}],`)
    .sort();
  return `// Generated by infra/constructs/bundling.ts; do not edit.
${imports.join('\n')}

const routes = new Map([
${table.join('\n')}
]);

const notFound = JSON.stringify({ type: 'urn:fellesjournal:problem:not-found', title: 'Finnes ikke', status: 404 });

export const handler = async (event, context) => {
  const route = routes.get(event.httpMethod + ' ' + event.resource);
  if (!route) return { statusCode: 404, headers: { 'content-type': 'application/problem+json', 'cache-control': 'no-store' }, body: notFound };
  return route(event, context);
};
`;
}

let workDir: string | undefined;

/** A per-process scratch directory for generated entries and bundles, removed when the process exits. */
export function bundleWorkDir(): string {
  if (!workDir || !existsSync(workDir)) {
    const dir = mkdtempSync(join(tmpdir(), 'fj-bundles-'));
    workDir = dir;
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  return workDir;
}

const bundled = new Map<string, Promise<BundleResult>>();

/**
 * The bundle for a named function built from a generated source, memoised per process by content:
 * every regional stack of an app (and every app a test file builds) reuses one esbuild run.
 */
export function bundleGenerated(name: string, source: string): Promise<BundleResult> {
  const hash = createHash('sha256').update(source).digest('hex').slice(0, 16);
  const key = `${name}:${hash}`;
  let result = bundled.get(key);
  if (!result) {
    const base = join(bundleWorkDir(), `${name}-${hash}`);
    const entry = join(base, 'entry.mjs');
    mkdirSync(dirname(entry), { recursive: true });
    writeFileSync(entry, source);
    result = bundle(entry, join(base, 'dist'));
    bundled.set(key, result);
  }
  return result;
}

/** Bundle for one group of routes. */
export function bundleRoutes(name: string, routes: readonly RouteSpec[]): Promise<BundleResult> {
  return bundleGenerated(name, routerSource(routes));
}

/** Bundle for a handler module that exports `handler` itself (the authorizer). */
export function bundleModule(name: string, modulePath: string): Promise<BundleResult> {
  return bundleGenerated(name, `export { handler } from ${JSON.stringify(resolve(REPO_ROOT, modulePath))};\n`);
}

/**
 * A copy of a bundle that plain `node` can load outside Lambda: `@aws-sdk/client-*` is external (the
 * Lambda runtime provides it), so the copy gets a `node_modules` link to the repository's. Used by
 * the bench (init time) and tests (running a router bundle).
 */
export function runnableCopy(result: BundleResult, name: string): string {
  const dir = join(bundleWorkDir(), 'run', name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  cpSync(result.dir, dir, { recursive: true });
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return join(dir, BUNDLE_FILE);
}
