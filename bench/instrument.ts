import { readdirSync, readFileSync } from 'node:fs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LocalKeystore } from '../shared/crypto/local-keystore';

/**
 * Counting for the bench only: every DynamoDB client in this process (the platform's, the vended
 * per-session ones and the bench's own) gets one SDK middleware the first time it sends, and the
 * local keystore's two methods are wrapped. Both do nothing unless a recording is open, so the
 * throughput rounds run the production code paths as they are; during a recording the middleware
 * asks DynamoDB for `ReturnConsumedCapacity: TOTAL` and notes each call's start, end and units.
 * Nothing here is imported by production code.
 */

export interface CallRecord {
  command: string;
  start: number;
  end: number;
  read: number;
  write: number;
}

interface Recording {
  calls: CallRecord[];
  keys: number;
}

let recording: Recording | undefined;
const instrumented = new WeakSet<object>();

/** Commands whose input takes ReturnConsumedCapacity. */
const CAPACITY_COMMANDS = new Set([
  'GetItemCommand', 'PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand', 'QueryCommand', 'ScanCommand',
  'BatchGetItemCommand', 'BatchWriteItemCommand', 'TransactGetItemsCommand', 'TransactWriteItemsCommand',
]);

interface Capacity {
  CapacityUnits?: number;
  ReadCapacityUnits?: number;
  WriteCapacityUnits?: number;
}

/** Read and write units of one answer. DynamoDB Local gives CapacityUnits only; a Get/Query/BatchGet reads, the rest write. */
function unitsOf(command: string, consumed: Capacity | Capacity[] | undefined): { read: number; write: number } {
  const list = consumed === undefined ? [] : Array.isArray(consumed) ? consumed : [consumed];
  let read = 0;
  let write = 0;
  const reads = /^(Get|Query|Scan|BatchGet|TransactGet)/.test(command);
  for (const c of list) {
    if (c.ReadCapacityUnits !== undefined || c.WriteCapacityUnits !== undefined) {
      read += c.ReadCapacityUnits ?? 0;
      write += c.WriteCapacityUnits ?? 0;
    } else if (reads) read += c.CapacityUnits ?? 0;
    else write += c.CapacityUnits ?? 0;
  }
  return { read, write };
}

type Middleware = (next: (args: { input: Record<string, unknown> }) => Promise<{ output: Record<string, unknown> }>, context: { commandName?: string }) => (args: { input: Record<string, unknown> }) => Promise<{ output: Record<string, unknown> }>;

const countingMiddleware: Middleware = (next, context) => async (args) => {
  const open = recording;
  if (!open) return next(args);
  const command = context.commandName ?? 'unknown';
  if (CAPACITY_COMMANDS.has(command)) args.input.ReturnConsumedCapacity = 'TOTAL';
  const start = performance.now();
  const out = await next(args);
  open.calls.push({ command: command.replace(/Command$/, ''), start, end: performance.now(), ...unitsOf(command, out.output.ConsumedCapacity as Capacity | Capacity[] | undefined) });
  return out;
};

let installed = false;

/** Installs the counting hooks once per process. */
export function installCounting(): void {
  if (installed) return;
  installed = true;
  const proto = DynamoDBClient.prototype as unknown as { send: (this: DynamoDBClient, ...args: unknown[]) => unknown };
  const send = proto.send;
  proto.send = function (this: DynamoDBClient, ...args: unknown[]) {
    if (!instrumented.has(this)) {
      instrumented.add(this);
      (this.middlewareStack as unknown as { add: (m: Middleware, o: object) => void }).add(countingMiddleware, { step: 'initialize', name: 'benchCounting' });
      // Clients cache each command's resolved stack (cacheMiddleware, shared/db/client.ts): drop
      // what a client resolved before the counting was added.
      delete (this as unknown as { handlers?: unknown }).handlers;
    }
    return send.apply(this, args);
  };
  const keystore = LocalKeystore.prototype as unknown as Record<'generateDataKey' | 'decryptDataKey', (...a: unknown[]) => Promise<unknown>>;
  for (const name of ['generateDataKey', 'decryptDataKey'] as const) {
    const original = keystore[name];
    keystore[name] = function (this: unknown, ...a: unknown[]) {
      if (recording) recording.keys += 1;
      return original.apply(this, a);
    };
  }
}

/** The longest chain of calls each started after the one before it ended: the round trips a client waits for in sequence. */
export function sequentialDepth(calls: CallRecord[]): number {
  const sorted = [...calls].sort((a, b) => a.start - b.start);
  const depth: number[] = [];
  let best = 0;
  sorted.forEach((c, i) => {
    let d = 1;
    for (let j = 0; j < i; j++) if (sorted[j]!.end <= c.start) d = Math.max(d, depth[j]! + 1);
    depth.push(d);
    best = Math.max(best, d);
  });
  return best;
}

export interface OpCounts {
  /** DynamoDB calls per operation (mean over the samples). */
  calls: number;
  depth: number;
  readUnits: number;
  writeUnits: number;
  keyCalls: number;
  /** Calls by command, per operation. */
  commands: Record<string, number>;
}

/** Runs `op` `samples` times one after another, recording each; the mean counts per operation. */
export async function countOp(op: (i: number) => Promise<boolean | void>, samples = 20, offset = 100_000): Promise<OpCounts> {
  installCounting();
  const totals = { calls: 0, depth: 0, readUnits: 0, writeUnits: 0, keyCalls: 0 };
  const commands: Record<string, number> = {};
  for (let i = 0; i < samples; i++) {
    const rec: Recording = { calls: [], keys: 0 };
    recording = rec;
    try {
      if ((await op(offset + i)) === false) throw new Error('a counted operation failed');
    } finally {
      recording = undefined;
    }
    totals.calls += rec.calls.length;
    totals.depth += sequentialDepth(rec.calls);
    totals.keyCalls += rec.keys;
    for (const c of rec.calls) {
      totals.readUnits += c.read;
      totals.writeUnits += c.write;
      commands[c.command] = (commands[c.command] ?? 0) + 1;
    }
  }
  const mean = (n: number) => Math.round((n / samples) * 100) / 100;
  return {
    calls: mean(totals.calls),
    depth: mean(totals.depth),
    readUnits: mean(totals.readUnits),
    writeUnits: mean(totals.writeUnits),
    keyCalls: mean(totals.keyCalls),
    commands: Object.fromEntries(Object.entries(commands).map(([k, v]) => [k, mean(v)])),
  };
}

/** The process id of the DynamoDB Local JVM listening on `port` (its command line names the port). */
export function dynamoPid(port: number): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      const at = args.indexOf('-port');
      if (args.some((a) => a.includes('DynamoDBLocal')) && at >= 0 && args[at + 1] === String(port)) return Number(entry);
    } catch {
      // a process that ended while we looked
    }
  }
  return undefined;
}

const TICK_MS = 10; // USER_HZ = 100 on Linux

/**
 * CPU ms used so far by the process `pid`, all its threads together (utime + stime of
 * /proc/<pid>/stat, which sums /proc/<pid>/task/* and keeps the time of threads that ended).
 */
export function processCpuMs(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return 0;
  }
}

/** This process's CPU ms so far (user + system). */
export function nodeCpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}
