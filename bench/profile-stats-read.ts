import '../local/terminal-env';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { profileOnLocalStack, profiler } from './cpu-profile';
import { httpLoad } from './http-load';
import { countOp } from './instrument';
import { STATS_READ, seedYear } from './scenarios/stats';

/**
 * `node --import tsx bench/profile-stats-read.ts [--count 600] [--out file.cpuprofile]`: where the
 * Node CPU of a leader's statistics read goes (the `stats.read` row's request: 12 months of a
 * municipality with 100,000 entries). Starts DynamoDB Local and the stack like the bench, seeds
 * the year's counts, prints the DynamoDB calls of one read, then reads from an out-of-process
 * client at the bench's concurrency and records a V8 CPU profile of this process (gateway,
 * handler, SDK) during the measured reads only; prints self time per read by function.
 */

const { values } = parseArgs({ options: { count: { type: 'string', default: '600' }, out: { type: 'string', default: join(tmpdir(), 'fj-stats-read.cpuprofile') } } });

profileOnLocalStack(async (stack) => {
  await seedYear();
  const token = await stack.tokenFor(STATS_READ.leader);
  const get = async () => (await fetch(`${stack.url}${STATS_READ.path}`, { headers: { authorization: `Bearer ${token}` } })).text();
  const body = await get();
  const counts = await countOp(async () => void (await get()), 5);
  console.log(`one read: ${body.length} bytes of JSON; DynamoDB ${JSON.stringify(counts)}`);
  const cpu = await profiler();
  const result = await httpLoad(
    { url: stack.url, token, mode: 'get', items: [{ path: STATS_READ.path }], count: Number(values.count), concurrency: STATS_READ.concurrency, warmup: 100 },
    (phase) => {
      if (phase === 'start') cpu.start();
    },
  );
  console.log(`${result.ops} reads at concurrency ${STATS_READ.concurrency}: ${result.opsPerSec.toFixed(1)} req/s, p50 ${result.p50.toFixed(1)} ms, p99 ${result.p99.toFixed(1)} ms, errors ${result.errors}`);
  await cpu.stopAndReport(values.out, result.ops, 'read');
});
