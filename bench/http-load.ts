import { randomUUID } from 'node:crypto';
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { percentile, type LoadResult } from './lib';

/**
 * The HTTP-level load client, in a process of its own so that the bench process's CPU (gateway,
 * handlers, SDK) is the server's alone, as it would be for any other server measured this way.
 * `concurrency` workers each keep one request in flight over Node's keep-alive pool (16 workers:
 * 16 connections), as autocannon would; no dependency beyond Node itself.
 */

export type HttpMode =
  /** GET each item's path. */
  | 'get'
  /** POST each item's body to its path, with a fresh idempotency key. */
  | 'post'
  /** POST to create, then POST `<Location>/sign` with the ETag: one signed entry is two requests. */
  | 'create-sign';

export interface HttpPlan {
  url: string;
  token: string;
  mode: HttpMode;
  items: { path: string; body?: unknown }[];
  count: number;
  concurrency: number;
  /** Requests before the measurement starts. */
  warmup: number;
}

async function run(plan: HttpPlan, count: number, offset: number): Promise<LoadResult> {
  const auth = { authorization: `Bearer ${plan.token}` };
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${plan.url}${path}`, {
      method: 'POST',
      headers: { ...auth, 'idempotency-key': randomUUID(), ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
  const once = async (i: number): Promise<boolean> => {
    const item = plan.items[i % plan.items.length]!;
    if (plan.mode === 'get') {
      const r = await fetch(`${plan.url}${item.path}`, { headers: auth });
      await r.arrayBuffer();
      return r.status === 200;
    }
    const created = await post(item.path, item.body);
    await created.arrayBuffer();
    if (plan.mode === 'post') return created.status === 200 || created.status === 201;
    if (created.status !== 201) return false;
    const signed = await post(`${created.headers.get('location') ?? ''}/sign`, undefined, { 'if-match': created.headers.get('etag') ?? '' });
    await signed.arrayBuffer();
    return signed.status === 200;
  };
  const latencies: number[] = [];
  let errors = 0;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: plan.concurrency }, async () => {
      for (;;) {
        const i = next++;
        if (i >= count) return;
        const t0 = performance.now();
        try {
          if (!(await once(offset + i))) errors++;
        } catch {
          errors++;
        }
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { ops: count, opsPerSec: count / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99), errors };
}

/**
 * Runs `plan` in a child process: warm-up, then tells `onMeasure('start')`, measures, tells
 * `onMeasure('end')` and resolves to the measured load. The callbacks bracket the CPU readings.
 */
export function httpLoad(plan: HttpPlan, onMeasure: (phase: 'start' | 'end') => void): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), ['--child'], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let result: LoadResult | undefined;
    child.on('message', (m: { phase: 'start' | 'end'; result?: LoadResult }) => {
      onMeasure(m.phase);
      if (m.phase === 'end') result = m.result;
    });
    child.once('error', reject);
    child.once('exit', (code) => (result ? resolve(result) : reject(new Error(`http load client exited with ${code}`))));
    child.send(plan);
  });
}

if (process.argv.includes('--child')) {
  process.once('message', (plan: HttpPlan) => {
    void (async () => {
      if (plan.warmup > 0) await run(plan, plan.warmup, 1_000_000);
      process.send!({ phase: 'start' });
      const result = await run(plan, plan.count, 0);
      process.send!({ phase: 'end', result }, () => process.disconnect());
    })();
  });
}
