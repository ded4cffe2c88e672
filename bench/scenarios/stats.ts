import { randomUUID } from 'node:crypto';
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { applyBatch } from '../../functions/stats/stats-store';
import { setUp } from './journal';
import { ENTRY_TYPES } from '../../shared/contracts/journal';
import type { StatsMetric } from '../../shared/contracts/stats';
import { jobSession } from '../../shared/db/sessions';
import type { BenchContext, BenchScenario } from '../context';
import { countOp, nodeCpuMs, processCpuMs, type OpCounts } from '../instrument';
import { load, mergeRounds, percentile, throughputRow, type BenchResult, type LoadResult } from '../lib';

const TENANT = '0301';
const WRITER = 'oslo.lege';
const LEADER = 'oslo.leder';
const CONCURRENCY = 16;
const WRITES = 600;
const ROUNDS = 4;
const READS = 300;
/** The municipality the read row stands for: 100,000 entries over a year, 20 units. */
const ENTRIES = 100_000;
const UNITS = 20;
const YEAR = '2019';
/** The read the `stats.read` row measures, and its concurrency (leaders reading at once). */
export const STATS_READ = { leader: LEADER, path: `/v1/stats?from=${YEAR}-01&to=${YEAR}-12`, concurrency: 4 };

interface FeederReply {
  id?: number;
  read?: number;
  polls?: number;
  cpuMs?: number;
  streamCalls?: Record<string, number>;
  ms?: number;
  counts?: OpCounts;
  error?: string;
}

/** The aggregator and the stream feeder in a process of their own (bench/stats-feeder-process.ts). */
async function aggregatorProcess(stage: string): Promise<{ send: (message: Record<string, unknown>) => Promise<FeederReply> }> {
  const child = fork(fileURLToPath(new URL('../stats-feeder-process.ts', import.meta.url)), { execArgv: ['--import', 'tsx', ...(process.env.FJ_FEEDER_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.FJ_FEEDER_PROF}`] : [])], env: { ...process.env, FJ_BENCH_STAGE: stage } });
  const waiting = new Map<number, (reply: FeederReply) => void>();
  const ready = new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the aggregator process ended (${String(code)})`)));
    child.on('message', (m: FeederReply & { ready?: boolean }) => {
      if (m.ready) resolve();
      else if (m.id !== undefined) waiting.get(m.id)?.(m);
    });
  });
  await ready;
  let next = 0;
  return {
    send: (message) =>
      new Promise((resolve, reject) => {
        const id = next++;
        waiting.set(id, (reply) => {
          waiting.delete(id);
          if (reply.error) reject(new Error(reply.error));
          else resolve(reply);
        });
        child.send({ ...message, id });
      }),
  };
}

/**
 * `stats.update`: what keeping the statistics current costs an audited write. Journal writes
 * (create a draft, audited) through the gateway, in rounds with the aggregator polling the change
 * streams as the local runtime does (one GetRecords a shard every STATS_FEED_INTERVAL_MS, Lambda's
 * batching window for these streams) and rounds without it, alternating (base, op, op, base);
 * ratio = with / without (goal: the `journal.write` ratio drops by at most 5 %, i.e. >= 0.95).
 *
 * Read it for what it is: the statistics are never in the write path (the write is the same
 * transaction with or without them; the tables' change streams are on in both rounds). The
 * aggregator runs in a process of its own (a function of its own in AWS) at a lower scheduling
 * priority, as it has compute of its own in AWS; what it makes DynamoDB Local do (GetRecords, its
 * BatchGetItem and transactions) shares the two cores at full priority. The row's counts: the
 * aggregator's CPU ms per write (`node ms`) and DynamoDB Local's extra CPU ms per write, rounds
 * with minus rounds without (`ddb ms`); that it kept up is printed (records unread at a round's
 * end, about one polling interval's worth).
 *
 * `stats.aggregate`: WRITES entries written with the feeder idle, then one drain counted: stream
 * records per second through the aggregator, and per journal write the DynamoDB calls and write
 * units the aggregator made and the CPU ms of both processes (machine-independent but the CPU).
 *
 * `stats.read`: the leader's report for 12 months of a municipality whose statistics count 100,000
 * entries (cells as the aggregator leaves them: every month × 20 units × every entry type, and the
 * other metrics), through the gateway, STATS_READ.concurrency requests at a time (goal: p99 <
 * 100 ms locally); counts per read: calls, depth, RRU, WRU (the audit event); the response's bytes
 * are printed. Nothing changes between these reads, so every month's version is unchanged.
 * `stats.read.fresh`: the same read right after a count of its last month moved (the latency is
 * the read's alone): that month is read again and the tables published again.
 */
export const statsScenario: BenchScenario = async (ctx: BenchContext) => {
  const { stack, call } = ctx;
  const fixtures = await setUp();
  const writer = await stack.tokenFor(WRITER);
  const write = async (i: number) => {
    const { patientId } = fixtures[i % fixtures.length]!;
    const res = await call(`/v1/patients/${patientId}/entries`, writer, {
      method: 'POST',
      json: { type: 'journalnotat', title: 'Statistikk', text: 'Ytelsestest for statistikk.' },
      headers: { 'idempotency-key': `bench-st-${i}-${randomUUID()}` },
    });
    return res.status === 201;
  };
  const feeder = await aggregatorProcess(ctx.stage);
  // Catch up on what setUp wrote, so the measured rounds count only their own writes.
  await feeder.send({ cmd: 'drain' });
  const count = Math.ceil(WRITES / ROUNDS);
  const bases: LoadResult[] = [];
  const ops: LoadResult[] = [];
  /** CPU ms of each side's rounds: DynamoDB Local, the bench process (gateway), the aggregator process. */
  const cpu = { base: { dynamo: 0, node: 0 }, op: { dynamo: 0, node: 0, aggregator: 0, read: 0, polls: 0, behind: 0, streamCalls: {} as Record<string, number> } };
  const measured = async (side: { dynamo: number; node: number }) => {
    const d0 = processCpuMs(ctx.dynamoPid);
    const n0 = nodeCpuMs();
    const r = await load(write, { count, concurrency: CONCURRENCY });
    side.dynamo += processCpuMs(ctx.dynamoPid) - d0;
    side.node += nodeCpuMs() - n0;
    return r;
  };
  const withFeeder = async () => {
    await feeder.send({ cmd: 'poll' });
    let r: LoadResult;
    try {
      r = await measured(cpu.op);
    } finally {
      const polled = await feeder.send({ cmd: 'stop' });
      cpu.op.aggregator += polled.cpuMs ?? 0;
      cpu.op.read += polled.read ?? 0;
      cpu.op.polls += polled.polls ?? 0;
      for (const [k, v] of Object.entries(polled.streamCalls ?? {})) cpu.op.streamCalls[k] = (cpu.op.streamCalls[k] ?? 0) + v;
      // What it had not read yet when the round ended (outside the measurement): it must keep up.
      cpu.op.behind += (await feeder.send({ cmd: 'drain' })).read ?? 0;
    }
    return r;
  };
  const without = async () => {
    const r = await measured(cpu.base);
    // The stream still holds these writes: counted between rounds, outside the measurement.
    await feeder.send({ cmd: 'drain' });
    return r;
  };
  for (let round = 0; round < ROUNDS; round++) {
    if (round % 2 === 0) {
      bases.push(await without());
      ops.push(await withFeeder());
    } else {
      ops.push(await withFeeder());
      bases.push(await without());
    }
  }
  // The aggregator alone: a backlog of WRITES entries (each with its audit events) in one drain.
  await load(write, { count: WRITES, concurrency: CONCURRENCY });
  const d0 = processCpuMs(ctx.dynamoPid);
  const drained = await feeder.send({ cmd: 'drain', count: true });
  const drainDynamoMs = processCpuMs(ctx.dynamoPid) - d0;
  const events = drained.read ?? 0;
  const seconds = (drained.ms ?? 1) / 1000;
  const counts = drained.counts!;
  await feeder.send({ cmd: 'exit' });
  const base = mergeRounds(bases);
  const op = mergeRounds(ops);
  const written = count * ROUNDS;
  const ms = (n: number, d = written) => Math.round((n / d) * 100) / 100;
  console.error(`stats.update: per write, DynamoDB Local ${ms(cpu.base.dynamo)} ms without the aggregator, ${ms(cpu.op.dynamo)} ms with; the aggregator process ${ms(cpu.op.aggregator)} ms (${cpu.op.read} stream records in ${cpu.op.polls} polls, ${JSON.stringify(cpu.op.streamCalls)}; ${cpu.op.behind} records still unread when the rounds ended); drain of ${events} records: aggregator ${ms(drained.cpuMs ?? 0)} ms, DynamoDB Local ${ms(drainDynamoMs)} ms per write`);

  await seedYear();
  const leader = await stack.tokenFor(LEADER);
  const get = async () => {
    const res = await call(STATS_READ.path, leader);
    return { ok: res.status === 200, bytes: Number(res.headers.get('content-length') ?? 0) };
  };
  const read = async () => (await get()).ok;
  await load(read, { count: 30, concurrency: STATS_READ.concurrency });
  const reads = await load(read, { count: READS, concurrency: STATS_READ.concurrency });
  console.error(`stats.read: ${(await get()).bytes} bytes of JSON a report`);
  const readCounts = await countOp(read, 10);
  // Fresh: before each read one count of the period's last month moves (as the aggregator moves it), so that month is read again and the tables published again.
  let bump = 0;
  const fresh = async () => {
    await applyBatch(jobSession('stats', TENANT), [{ tenant: TENANT, eventId: `bench-fresh-${bump++}-${randomUUID()}`, cells: [{ month: `${YEAR}-12`, metric: 'patients.new', unit: '-', category: '-', n: 1 }] }]);
    const t0 = performance.now();
    const ok = await read();
    return { ok, ms: performance.now() - t0 };
  };
  const freshCounts = await countOp(async () => {
    await applyBatch(jobSession('stats', TENANT), [{ tenant: TENANT, eventId: `bench-fresh-c-${randomUUID()}`, cells: [{ month: `${YEAR}-12`, metric: 'patients.new', unit: '-', category: '-', n: 1 }] }]);
  }, 1).then(async () => countOp(read, 1));
  const freshReads = await timedAfter(fresh, READS / 3);

  // Counts per journal write (each write brings several stream records: entry, version, idempotency record, audit event).
  const per = (n: number) => Math.round((n / WRITES) * 1000) / 1000;
  const aggregate: BenchResult = {
    name: 'stats.aggregate',
    value: Math.round(events / seconds),
    unit: 'events/s',
    counts: { calls: per(counts.calls), readUnits: per(counts.readUnits), writeUnits: per(counts.writeUnits), commands: Object.fromEntries(Object.entries(counts.commands).map(([k, v]) => [k, per(v)])), nodeCpuMs: ms(drained.cpuMs ?? 0, WRITES), dynamoCpuMs: ms(drainDynamoMs, WRITES), requests: WRITES },
  };
  const update: BenchResult = { ...throughputRow('stats.update', op, base), counts: { nodeCpuMs: ms(cpu.op.aggregator), dynamoCpuMs: ms(cpu.op.dynamo - cpu.base.dynamo), requests: written } };
  const readRow = (name: string, r: LoadResult, c: OpCounts): BenchResult => ({ ...throughputRow(name, r), counts: { calls: c.calls, depth: c.depth, readUnits: c.readUnits, writeUnits: c.writeUnits, commands: c.commands, requests: 1 } });
  return [throughputRow('stats.update.base', base), update, aggregate, readRow('stats.read', reads, readCounts), readRow('stats.read.fresh', freshReads, freshCounts)];
};

/** Runs `op` (a change, then a read) at the read's concurrency; latency is the read's alone, throughput the whole op's. */
async function timedAfter(op: () => Promise<{ ok: boolean; ms: number }>, count: number): Promise<LoadResult> {
  const latencies: number[] = [];
  const r = await load(async () => {
    const { ok, ms } = await op();
    latencies.push(ms);
    return ok;
  }, { count, concurrency: STATS_READ.concurrency });
  latencies.sort((x, y) => x - y);
  return { ...r, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

/** A year of cells for a municipality with ENTRIES entries over UNITS units, written as the aggregator leaves them. */
export async function seedYear(): Promise<void> {
  const session = jobSession('stats', TENANT);
  const types = Object.keys(ENTRY_TYPES);
  const months = Array.from({ length: 12 }, (_, i) => `${YEAR}-${String(i + 1).padStart(2, '0')}`);
  const perCell = Math.round(ENTRIES / (months.length * UNITS * types.length));
  const cells: { month: string; metric: StatsMetric; unit: string; category: string; count: number }[] = [];
  for (const month of months) {
    for (let u = 0; u < UNITS; u++) {
      const unit = `0301-bench-${u}`;
      for (const type of types) cells.push({ month, metric: 'entries.created', unit, category: type, count: perCell });
      cells.push({ month, metric: 'patients.served', unit, category: '-', count: Math.round(perCell * 2) });
      cells.push({ month, metric: 'relationships.created', unit, category: 'ordinary-care', count: Math.round(perCell / 3) });
      cells.push({ month, metric: 'emergency.granted', unit, category: '-', count: u % 4 });
    }
    cells.push({ month, metric: 'patients.new', unit: '-', category: '-', count: 300 });
  }
  await applyBatch(session, cells.map((c, i) => ({ tenant: TENANT, eventId: `bench-seed-${i}`, cells: [{ ...c, n: c.count }] })));
}
