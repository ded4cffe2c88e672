import { Session } from 'node:inspector/promises';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startDynamoLocal } from '../local/dynamodb-local';
import { seedDemoData } from '../local/seed';
import { startLocalStack, type LocalStack } from '../local/stack';

/**
 * A V8 CPU profile of this process (gateway, handlers, SDK) over one measured load, and its
 * summary per request: what `node --cpu-prof` gives, without start-up and set-up in it. Used by
 * bench/profile-read.ts and bench/profile-stats-read.ts.
 */

/**
 * Runs a profile script's body on DynamoDB Local and the local stack with the demo data, as the
 * bench starts them, and stops both after it; a failure is printed and exits 1.
 */
export function profileOnLocalStack(body: (stack: LocalStack) => Promise<void>): void {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  const run = async () => {
    const dynamo = await startDynamoLocal({ port: await freePort() });
    try {
      const stack = await startLocalStack({ dynamoEndpoint: dynamo.endpoint, stage: 'bench', port: 0, keystoreDir: mkdtempSync(join(tmpdir(), 'fj-prof-keys-')) });
      await seedDemoData('eu-north-1');
      await body(stack);
      await stack.stop();
    } finally {
      await dynamo.stop();
    }
  };
  run().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const AREAS: [string, RegExp][] = [
  ['aws-sdk (smithy, middleware, http)', /node_modules\/@(aws-sdk|smithy|aws-crypto)\//],
  ['marshall/unmarshall', /util-dynamodb/],
  ['zod', /node_modules\/zod\//],
  ['middy/powertools', /node_modules\/@(middy|aws-lambda-powertools)\//],
  ['jose (token check)', /node_modules\/jose\//],
  ['canonicalize', /node_modules\/canonicalize\//],
  ['other node_modules', /node_modules\//],
  ['platform code', /\/(functions|shared|local)\//],
  ['node internals', /^node:|^internal\//],
];

function areaOf(url: string, fn: string): string {
  if (fn === '(garbage collector)') return 'GC';
  if (fn === '(idle)' || fn === '(program)') return fn;
  for (const [area, re] of AREAS) if (re.test(url)) return area;
  return url === '' ? `native: ${fn || '(anonymous)'}` : 'other';
}

function functionOf(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  return `${functionName || '(anonymous)'} ${url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*?\/(functions|shared|local)\//, '$1/')}:${lineNumber}`;
}

export interface Profiler {
  /** Starts sampling (call it when the measured requests begin). */
  start(): void;
  /** Stops sampling, writes the profile to `out` and prints self time per operation by area and by function. */
  stopAndReport(out: string, ops: number, unit: string): Promise<{ busyMsPerOp: number }>;
}

export async function profiler(): Promise<Profiler> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  return {
    start() {
      void session.post('Profiler.start');
    },
    async stopAndReport(out, ops, unit) {
      const { profile } = (await session.post('Profiler.stop')) as { profile: CpuProfile };
      session.disconnect();
      writeFileSync(out, JSON.stringify(profile));
      const byId = new Map(profile.nodes.map((n) => [n.id, n]));
      const areaUs = new Map<string, number>();
      const fnUs = new Map<string, number>();
      profile.samples.forEach((id, i) => {
        const node = byId.get(id)!;
        if (node.callFrame.functionName === '(idle)') return;
        const us = profile.timeDeltas[i] ?? 0;
        const area = areaOf(node.callFrame.url, node.callFrame.functionName);
        areaUs.set(area, (areaUs.get(area) ?? 0) + us);
        const fn = functionOf(node);
        fnUs.set(fn, (fnUs.get(fn) ?? 0) + us);
      });
      const busy = [...areaUs.values()].reduce((t, us) => t + us, 0);
      const perOp = (us: number) => (us / 1000 / ops).toFixed(3);
      console.log(`busy ${(busy / 1000 / ops).toFixed(2)} ms CPU per ${unit} (sampled)`);
      console.log(`\nself time by area, ms per ${unit}:`);
      for (const [area, us] of [...areaUs.entries()].sort((a, b) => b[1] - a[1])) console.log(`  ${perOp(us)}  ${area}`);
      console.log(`\ntop functions by self time, ms per ${unit}:`);
      for (const [fn, us] of [...fnUs.entries()].sort((a, b) => b[1] - a[1]).slice(0, 30)) console.log(`  ${perOp(us)}  ${fn}`);
      console.log(`\nprofile: ${out}`);
      return { busyMsPerOp: busy / 1000 / ops };
    },
  };
}
