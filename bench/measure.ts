import type { BenchContext } from './context';
import { httpLoad, type HttpPlan } from './http-load';
import { countOp, nodeCpuMs, processCpuMs, type OpCounts } from './instrument';
import { alternating, load, throughputRow, type BenchResult, type LoadResult } from './lib';

/**
 * The cost model of bench/README.md ("Counts and the cost model"): the figures there and here must
 * stay the same. Latency: every DynamoDB round trip in sequence costs CALL_MS (a Lambda in the same
 * region as its table; GetItem/Query p50 is single-digit ms, a transaction somewhat more), plus the
 * Node CPU of the request. Money: on-demand request units, Lambda and API Gateway per request.
 */
export const MODEL = {
  callMs: 5,
  /** USD per million on-demand read / write request units (DynamoDB Standard table class). */
  usdPerMillionRead: 0.125,
  usdPerMillionWrite: 0.625,
  /** USD per KMS request (symmetric), per million. */
  usdPerMillionKms: 3,
  /** Lambda: USD per GB-second (x86) and per million invocations; the functions run with 1 GB. */
  usdPerGbSecond: 0.0000166667,
  lambdaGb: 1,
  usdPerMillionInvocations: 0.2,
  /** HTTP API, per million requests. */
  usdPerMillionApi: 1,
};

export interface Counts extends OpCounts {
  /** Node CPU ms per request of the process serving it (gateway + handlers; the load client runs in another process). */
  nodeCpuMs?: number;
  dynamoCpuMs?: number;
  /** depth x MODEL.callMs + Node CPU. */
  modeledMs?: number;
  /** USD per million requests under MODEL. */
  usdPerMillion?: number;
  /** Requests per operation (create + sign through the gateway is two). */
  requests: number;
}

export function model(counts: OpCounts, nodeCpu: number | undefined, requests: number): Pick<Counts, 'modeledMs' | 'usdPerMillion'> {
  const modeledMs = counts.depth * MODEL.callMs + (nodeCpu ?? 0) * requests;
  const usd =
    counts.readUnits * MODEL.usdPerMillionRead +
    counts.writeUnits * MODEL.usdPerMillionWrite +
    counts.keyCalls * MODEL.usdPerMillionKms +
    requests * (MODEL.usdPerMillionInvocations + MODEL.usdPerMillionApi) +
    (modeledMs / 1000) * MODEL.lambdaGb * MODEL.usdPerGbSecond * 1e6;
  return { modeledMs: Math.round(modeledMs * 100) / 100, usdPerMillion: Math.round(usd * 100) / 100 };
}

/** Node and DynamoDB Local CPU ms per request while `plan` runs from its own process. */
export async function httpRow(ctx: BenchContext, name: string, plan: Omit<HttpPlan, 'url'>, perOp = 1): Promise<{ row: BenchResult; nodeCpuMs: number; dynamoCpuMs: number; load: LoadResult }> {
  let start = { node: 0, dynamo: 0 };
  let end = { node: 0, dynamo: 0 };
  const read = () => ({ node: nodeCpuMs(), dynamo: processCpuMs(ctx.dynamoPid) });
  const result = await httpLoad({ ...plan, url: ctx.stack.url }, (phase) => {
    if (phase === 'start') start = read();
    else end = read();
  });
  const requests = plan.count * perOp;
  const round = (n: number) => Math.round(n * 100) / 100;
  const nodeCpu = round((end.node - start.node) / requests);
  const dynamoCpu = round((end.dynamo - start.dynamo) / requests);
  return {
    row: { ...throughputRow(name, result), counts: { nodeCpuMs: nodeCpu, dynamoCpuMs: dynamoCpu, requests: perOp } },
    nodeCpuMs: nodeCpu,
    dynamoCpuMs: dynamoCpu,
    load: result,
  };
}

export interface OperationSpec {
  name: string;
  /** The name of the HTTP row (`http.journal.read`, ...). */
  httpName: string;
  /** The operation through the gateway (in-process client, as the older rows). */
  op: (i: number) => Promise<boolean | void>;
  /** The least DynamoDB work it can do (bench/minimum.ts). */
  minimum: (i: number) => Promise<boolean | void>;
  /** The same operation from the out-of-process HTTP client, for the CPU figures. */
  http: Omit<HttpPlan, 'url' | 'count' | 'concurrency' | 'warmup'>;
  /** Gateway requests per operation. */
  requests: number;
  count: number;
  concurrency: number;
  rounds: number;
  warmup: number;
}

/**
 * One operation's rows: `<name>.minimum` and `<name>` (ratio to the minimum) from mirrored rounds,
 * both with their counts (calls, depth, units, key calls: sequential samples); the operation's
 * CPU per request from an HTTP run of its own, and the modeled AWS latency and cost.
 */
export async function measureOperation(ctx: BenchContext, spec: OperationSpec): Promise<BenchResult[]> {
  console.error(`bench:   ${spec.name} ...`);
  await load(spec.minimum, { count: spec.warmup, concurrency: spec.concurrency });
  await load(spec.op, { count: spec.warmup, concurrency: spec.concurrency });
  const minCounts = await countOp(spec.minimum);
  const opCounts = await countOp(spec.op);
  const { base, op } = await alternating(spec.minimum, spec.op, { count: spec.count, concurrency: spec.concurrency, rounds: spec.rounds });
  const cpu = await httpRow(ctx, spec.httpName, { ...spec.http, count: Math.ceil(spec.count / 2), concurrency: spec.concurrency, warmup: Math.ceil(spec.warmup / 2) }, spec.requests);
  const rows: BenchResult[] = [
    cpu.row,
    { ...throughputRow(`${spec.name}.minimum`, base), counts: { ...minCounts, requests: 1, ...model(minCounts, undefined, 1) } },
    {
      ...throughputRow(spec.name, op, base),
      counts: { ...opCounts, requests: spec.requests, nodeCpuMs: cpu.nodeCpuMs, dynamoCpuMs: cpu.dynamoCpuMs, ...model(opCounts, cpu.nodeCpuMs, spec.requests) },
    },
  ];
  // Each row as soon as it is measured: a later failure does not lose it.
  for (const row of rows) console.error(`bench:   ${JSON.stringify(row)}`);
  return rows;
}
