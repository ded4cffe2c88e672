// @ts-nocheck
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

/** One row of bench/results/latest.json. */
export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  p50_ms?: number;
  p99_ms?: number;
  errors?: number;
  baseline?: number;
  ratio?: number;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx] ?? 0;
}

export interface LoadResult {
  ops: number;
  opsPerSec: number;
  p50: number;
  p99: number;
  errors: number;
}

/**
 * Runs `op` from `concurrency` workers until `count` operations have finished; reports throughput,
 * p50 and p99 latency. An op that throws or returns false counts as an error.
 */
export async function load(op: (i: number) => Promise<boolean | void>, options: { count: number; concurrency: number }): Promise<LoadResult> {
  const latencies: number[] = [];
  let errors = 0;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      for (;;) {
        const i = next++;
        if (i >= options.count) return;
        const t0 = performance.now();
        try {
          if ((await op(i)) === false) errors++;
        } catch {
          errors++;
        }
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { ops: options.count, opsPerSec: options.count / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99), errors };
}

/** A throughput row, with a baseline measured in the same run where there is one. */
/** Rounds as one result: total operations over total time; latency percentiles of the worst round. */
export function mergeRounds(rounds: LoadResult[]): LoadResult {
  const ops = rounds.reduce((n, r) => n + r.ops, 0);
  const seconds = rounds.reduce((t, r) => t + r.ops / r.opsPerSec, 0);
  return { ops, opsPerSec: ops / seconds, p50: Math.max(...rounds.map((r) => r.p50)), p99: Math.max(...rounds.map((r) => r.p99)), errors: rounds.reduce((n, r) => n + r.errors, 0) };
}

/**
 * Measures `op` beside its `base` in alternating rounds, so a change in the machine's load (other
 * work on the same cores, the JVM's GC) falls on both alike. The order mirrors in every other round
 * (base, op, op, base, ...), so a steady drift (DynamoDB Local's JIT is still compiling minutes
 * into a run) cancels over an even number of rounds instead of always falling on the side measured
 * second.
 */
export async function alternating(
  base: (i: number) => Promise<boolean | void>,
  op: (i: number) => Promise<boolean | void>,
  options: { count: number; concurrency: number; rounds: number },
): Promise<{ base: LoadResult; op: LoadResult }> {
  if (options.rounds % 2 !== 0) throw new Error('alternating needs an even number of rounds');
  const bases: LoadResult[] = [];
  const ops: LoadResult[] = [];
  const count = Math.ceil(options.count / options.rounds);
  const run = (fn: (i: number) => Promise<boolean | void>) => load(fn, { count, concurrency: options.concurrency });
  for (let round = 0; round < options.rounds; round++) {
    if (round % 2 === 0) {
      bases.push(await run(base));
      ops.push(await run(op));
    } else {
      ops.push(await run(op));
      bases.push(await run(base));
    }
  }
  return { base: mergeRounds(bases), op: mergeRounds(ops) };
}

export function throughputRow(name: string, r: LoadResult, baseline?: LoadResult): BenchResult {
  const round = (n: number, d = 2) => Math.round(n * 10 ** d) / 10 ** d;
  return {
    name,
    value: round(r.opsPerSec, 1),
    unit: 'ops/s',
    p50_ms: round(r.p50),
    p99_ms: round(r.p99),
    errors: r.errors,
    ...(baseline ? { baseline: round(baseline.opsPerSec, 1), ratio: round(r.opsPerSec / baseline.opsPerSec, 3) } : {}),
  };
}

export function writeResults(dir: string, results: BenchResult[]): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'latest.json');
  writeFileSync(file, JSON.stringify(results, null, 2) + '\n');
  return file;
}

export function printResults(results: BenchResult[]): void {
  const rows = results.map((r) => [
    r.name,
    `${r.value} ${r.unit}`,
    r.p50_ms !== undefined ? `${r.p50_ms} ms` : '',
    r.p99_ms !== undefined ? `${r.p99_ms} ms` : '',
    r.errors !== undefined ? String(r.errors) : '',
    r.baseline !== undefined ? `${r.baseline}` : '',
    r.ratio !== undefined ? `${r.ratio}` : '',
  ]);
  const head = ['name', 'value', 'p50', 'p99', 'errors', 'baseline', 'ratio'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ');
  console.log(line(head));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
}
