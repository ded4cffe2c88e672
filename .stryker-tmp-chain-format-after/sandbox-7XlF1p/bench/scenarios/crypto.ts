// @ts-nocheck
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { percentile, type BenchResult } from '../lib';

const run = promisify(execFile);

/**
 * crypto.record2k: median and p99 of encrypt + decrypt of a 2 KB entry under a tenant's key (data
 * key cached), in a process of its own and before DynamoDB Local starts, so the figure is the
 * record's own cost and not the JVM's start-up competing for the cores. Goal: median <= 50 µs.
 */
export async function cryptoScenario(): Promise<BenchResult[]> {
  const script = join(import.meta.dirname, '..', 'crypto-record2k.ts');
  const { stdout } = await run(process.execPath, ['--import', 'tsx', script], { maxBuffer: 16 * 1024 * 1024 });
  const samples = JSON.parse(stdout) as number[];
  const ms = (us: number) => Math.round(us) / 1000;
  return [{ name: 'crypto.record2k', value: Math.round(percentile(samples, 50) * 10) / 10, unit: 'µs', p50_ms: ms(percentile(samples, 50)), p99_ms: ms(percentile(samples, 99)) }];
}
