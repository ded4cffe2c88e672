/** One request of the soak: when it ended, which operation, how long it took, and whether the answer was right. */
export interface Sample {
  at: number;
  op: string;
  ms: number;
  ok: boolean;
}

export interface MemorySample {
  at: number;
  heapMb: number;
  rssMb: number;
}

/** The p-th percentile (nearest rank) of `values`; 0 for none. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

function median(values: number[]): number {
  return percentile(values, 50);
}

export interface SoakReport {
  requests: number;
  throughput: number;
  p50: number;
  p99: number;
  errors: number;
  byOp: { op: string; requests: number; p50: number; p99: number; errors: number }[];
  byMinute: { minute: number; throughput: number; p99: number; errors: number; heapMb: number; rssMb: number }[];
  warmupMinutes: number;
  heapAfterWarmup: number;
  heapAtEnd: number;
  heapGrowthPct: number;
}

/**
 * The soak's figures. Warm-up is the first fifth of the run (DynamoDB Local's JIT and the
 * containers' caches fill then); memory growth compares the median heap of the samples in the
 * fifth after warm-up with the median of the last fifth, so one GC's timing cannot decide it.
 */
export function summarize(samples: Sample[], memory: MemorySample[], started: number, minutes: number): SoakReport {
  const durationMs = minutes * 60_000;
  const ms = samples.map((s) => s.ms);
  const ops = [...new Set(samples.map((s) => s.op))].sort();
  const byOp = ops.map((op) => {
    const mine = samples.filter((s) => s.op === op);
    return { op, requests: mine.length, p50: percentile(mine.map((s) => s.ms), 50), p99: percentile(mine.map((s) => s.ms), 99), errors: mine.filter((s) => !s.ok).length };
  });
  const byMinute: SoakReport['byMinute'] = [];
  for (let m = 0; m < Math.ceil(minutes); m++) {
    const from = started + m * 60_000;
    const to = Math.min(from + 60_000, started + durationMs);
    const inMinute = samples.filter((s) => s.at >= from && s.at < to);
    const mem = memory.filter((x) => x.at >= from && x.at < to + 1_000);
    const lastMem = mem.at(-1) ?? memory.at(-1);
    byMinute.push({
      minute: m + 1,
      throughput: inMinute.length / Math.max(1, (to - from) / 1000),
      p99: percentile(inMinute.map((s) => s.ms), 99),
      errors: inMinute.filter((s) => !s.ok).length,
      heapMb: lastMem?.heapMb ?? 0,
      rssMb: lastMem?.rssMb ?? 0,
    });
  }
  const fifth = durationMs / 5;
  const afterWarmup = memory.filter((x) => x.at >= started + fifth && x.at < started + 2 * fifth).map((x) => x.heapMb);
  const atEnd = memory.filter((x) => x.at >= started + 4 * fifth).map((x) => x.heapMb);
  const heapAfterWarmup = median(afterWarmup.length > 0 ? afterWarmup : memory.map((x) => x.heapMb));
  const heapAtEnd = median(atEnd.length > 0 ? atEnd : memory.slice(-1).map((x) => x.heapMb));
  return {
    requests: samples.length,
    throughput: samples.length / (durationMs / 1000),
    p50: percentile(ms, 50),
    p99: percentile(ms, 99),
    errors: samples.filter((s) => !s.ok).length,
    byOp,
    byMinute,
    warmupMinutes: fifth / 60_000,
    heapAfterWarmup,
    heapAtEnd,
    heapGrowthPct: heapAfterWarmup > 0 ? ((heapAtEnd - heapAfterWarmup) / heapAfterWarmup) * 100 : 0,
  };
}
