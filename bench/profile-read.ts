import '../local/terminal-env';
import { Session } from 'node:inspector/promises';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { freePort, startDynamoLocal } from '../local/dynamodb-local';
import { seedDemoData } from '../local/seed';
import { startLocalStack } from '../local/stack';
import { httpLoad } from './http-load';
import { setUp } from './scenarios/journal';

/**
 * `node --import tsx bench/profile-read.ts [--count 3000] [--out file.cpuprofile]`: where the Node
 * CPU of an audited read goes. Starts DynamoDB Local and the stack like the bench, reads entries
 * from an out-of-process client at 16 connections, and records a V8 CPU profile of this process
 * (gateway, handlers, SDK) during the measured reads only; prints self time by area and writes the
 * profile (open it in Chrome DevTools or speedscope). The same as `node --cpu-prof`, without the
 * start-up and set-up in it.
 */

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
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

async function main(): Promise<void> {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  const { values } = parseArgs({ options: { count: { type: 'string', default: '3000' }, out: { type: 'string', default: join(tmpdir(), 'fj-read.cpuprofile') } } });
  const dynamo = await startDynamoLocal({ port: await freePort() });
  try {
    const stack = await startLocalStack({ dynamoEndpoint: dynamo.endpoint, stage: 'bench', port: 0, keystoreDir: mkdtempSync(join(tmpdir(), 'fj-prof-keys-')) });
    await seedDemoData('eu-north-1');
    const fixtures = await setUp();
    const token = await stack.tokenFor('oslo.lege');
    const session = new Session();
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 200 });
    const count = Number(values.count);
    let started = 0;
    const result = await httpLoad(
      { url: stack.url, token, mode: 'get', items: fixtures.map((f) => ({ path: `/v1/patients/${f.patientId}/entries/${f.entryId}` })), count, concurrency: 16, warmup: 1000 },
      (phase) => {
        if (phase === 'start') {
          started = performance.now();
          void session.post('Profiler.start');
        }
      },
    );
    const { profile } = (await session.post('Profiler.stop')) as { profile: { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] } };
    const seconds = (performance.now() - started) / 1000;
    writeFileSync(values.out, JSON.stringify(profile));
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    const selfUs = new Map<string, number>();
    const fnUs = new Map<string, number>();
    profile.samples.forEach((id, i) => {
      const node = byId.get(id)!;
      const us = profile.timeDeltas[i] ?? 0;
      const area = areaOf(node.callFrame.url, node.callFrame.functionName);
      selfUs.set(area, (selfUs.get(area) ?? 0) + us);
      const fn = `${node.callFrame.functionName || '(anonymous)'} ${node.callFrame.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*?\/(functions|shared|local)\//, '$1/')}:${node.callFrame.lineNumber}`;
      fnUs.set(fn, (fnUs.get(fn) ?? 0) + us);
    });
    const busy = [...selfUs.entries()].filter(([a]) => a !== '(idle)').reduce((t, [, us]) => t + us, 0);
    console.log(`${result.ops} reads, ${result.opsPerSec.toFixed(1)} req/s, errors ${result.errors}; profiled ${seconds.toFixed(1)} s; busy ${(busy / 1000 / result.ops).toFixed(2)} ms CPU per read (sampled)`);
    console.log('\nself time by area, ms per read:');
    for (const [area, us] of [...selfUs.entries()].sort((a, b) => b[1] - a[1])) if (area !== '(idle)') console.log(`  ${(us / 1000 / result.ops).toFixed(3)}  ${area}`);
    console.log('\ntop functions by self time, ms per read:');
    for (const [fn, us] of [...fnUs.entries()].filter(([f]) => !f.startsWith('(idle)')).sort((a, b) => b[1] - a[1]).slice(0, 30)) console.log(`  ${(us / 1000 / result.ops).toFixed(3)}  ${fn}`);
    console.log(`\nprofile: ${values.out}`);
    session.disconnect();
    await stack.stop();
  } finally {
    await dynamo.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
