import { randomUUID } from 'node:crypto';
import { applyStatsChanges } from '../../functions/stats/aggregator';
import { applyBatch } from '../../functions/stats/stats-store';
import { setUp } from './journal';
import { startStreamFeeder } from '../../local/stream-feeder';
import { config } from '../../shared/config';
import { ENTRY_TYPES } from '../../shared/contracts/journal';
import type { StatsMetric } from '../../shared/contracts/stats';
import { jobSession } from '../../shared/db/sessions';
import type { BenchContext, BenchScenario } from '../context';
import { load, mergeRounds, throughputRow, type BenchResult, type LoadResult } from '../lib';

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

/**
 * `stats.update`: what keeping the statistics current costs an audited write. Journal writes
 * (create a draft, audited) through the gateway, in rounds with the local runtime's stream feeder
 * applying the aggregator in the background (as DynamoDB Streams and the aggregator function do in
 * AWS) and rounds without it, alternating (base, op, op, base); ratio = with / without (goal: the
 * `journal.write` ratio drops by at most 5 %, i.e. ratio >= 0.95). The statistics are never in the
 * write path: what is measured is the load the feeder and its counts add to the same DynamoDB.
 *
 * `stats.read`: the leader's report for 12 months of a municipality whose statistics count 100,000
 * entries (cells as the aggregator leaves them: every month × 20 units × every entry type, and the
 * other metrics), through the gateway (goal: p99 < 100 ms locally).
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
  const feeder = await startStreamFeeder({ endpoint: config().dynamoEndpoint ?? '', stage: ctx.stage, intervalMs: 0, apply: applyStatsChanges });
  // Catch up on what setUp wrote, so the measured rounds count only their own writes.
  await feeder.drain();
  const count = Math.ceil(WRITES / ROUNDS);
  const bases: LoadResult[] = [];
  const ops: LoadResult[] = [];
  const withFeeder = async () => {
    let active = true;
    const loop = (async () => {
      while (active) if ((await feeder.drain()) === 0) await new Promise((r) => setTimeout(r, 100));
    })();
    try {
      return await load(write, { count, concurrency: CONCURRENCY });
    } finally {
      active = false;
      await loop;
    }
  };
  const without = async () => {
    const r = await load(write, { count, concurrency: CONCURRENCY });
    // The stream still holds these writes: counted between rounds, outside the measurement.
    await feeder.drain();
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
  await feeder.stop();
  const base = mergeRounds(bases);
  const op = mergeRounds(ops);

  // A year of cells for 100,000 entries, written as the aggregator leaves them.
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
  const leader = await stack.tokenFor(LEADER);
  const read = async () => (await call(`/v1/stats?from=${YEAR}-01&to=${YEAR}-12`, leader)).status === 200;
  await load(read, { count: 30, concurrency: 4 });
  const reads = await load(read, { count: READS, concurrency: 4 });

  const rows: BenchResult[] = [throughputRow('stats.update.base', base), throughputRow('stats.update', op, base), throughputRow('stats.read', reads)];
  return rows;
};
