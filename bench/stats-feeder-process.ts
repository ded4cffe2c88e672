import '../local/terminal-env';
import { setPriority } from 'node:os';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { STATS_FEED_INTERVAL_MS, startStreamFeeder } from '../local/stream-feeder';
import { config } from '../shared/config';
import { countOp, type OpCounts } from './instrument';

/**
 * The statistics aggregator in a process of its own for the `stats` bench scenario, as it is a
 * function of its own (fed by DynamoDB Streams) in AWS: the local stream feeder and the aggregator
 * code, driven by messages from the bench process (which inherits its environment: the same
 * DynamoDB Local and stage). It shares the machine's cores with the bench, not its event loop.
 *
 * Messages: `{ id, cmd: 'drain', count? }` reads until caught up (with `count`, recording the
 * DynamoDB calls and units it made); `{ id, cmd: 'poll' }` / `{ id, cmd: 'stop' }` starts and stops
 * polling every POLL_MS in the background; `{ id, cmd: 'exit' }`. Each is answered with its `id`.
 */

interface Command {
  id: number;
  cmd: 'drain' | 'poll' | 'stop' | 'exit';
  count?: boolean;
  pollMs?: number;
}

/** Stream calls by command (DescribeStream, GetShardIterator, GetRecords) since the last reset: the feeder's own reads. */
let streamCalls: Record<string, number> = {};
const streamsProto = DynamoDBStreamsClient.prototype as unknown as { send: (...args: unknown[]) => unknown };
const streamsSend = streamsProto.send;
streamsProto.send = function (this: unknown, ...args: unknown[]) {
  const name = (args[0] as { constructor: { name: string } }).constructor.name.replace(/Command$/, '');
  streamCalls[name] = (streamCalls[name] ?? 0) + 1;
  return streamsSend.apply(this, args);
};

function cpuMsSince(start: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(start);
  return (u.user + u.system) / 1000;
}

/**
 * In AWS the aggregator has compute of its own: nothing it does takes CPU from the function that
 * writes. Here it shares two cores with the gateway, so it gives way to it (a lower scheduling
 * priority); what it makes DynamoDB Local do is not lowered, and whether it kept up is measured
 * (the records still waiting when a round ends).
 */
const AGGREGATOR_NICE = 10;

async function main(): Promise<void> {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  setPriority(AGGREGATOR_NICE);
  const feeder = await startStreamFeeder({ endpoint: config().dynamoEndpoint ?? '', stage: process.env.FJ_BENCH_STAGE ?? 'bench', intervalMs: 0 });
  let polling: Promise<void> | undefined;
  let active = false;
  /** What a polling period cost this process: CPU (user + system) and the records it read. */
  let period = { cpu: process.cpuUsage(), read: 0, polls: 0 };
  const reply = (message: Record<string, unknown>) => process.send?.(message);
  process.on('message', (raw: Command) => {
    void (async () => {
      try {
        switch (raw.cmd) {
          case 'drain': {
            let read = 0;
            let counts: OpCounts | undefined;
            const started = performance.now();
            const cpu = process.cpuUsage();
            streamCalls = {};
            if (raw.count) counts = await countOp(async () => void (read = await feeder.drain()), 1);
            else read = await feeder.drain();
            reply({ id: raw.id, read, ms: performance.now() - started, cpuMs: cpuMsSince(cpu), counts, streamCalls });
            return;
          }
          case 'poll':
            active = true;
            period = { cpu: process.cpuUsage(), read: 0, polls: 0 };
            streamCalls = {};
            polling = (async () => {
              // As the local runtime's background ticks: one poll of every shard, then the interval.
              while (active) {
                period.read += await feeder.poll();
                period.polls += 1;
                await new Promise((r) => setTimeout(r, raw.pollMs ?? STATS_FEED_INTERVAL_MS));
              }
            })();
            reply({ id: raw.id });
            return;
          case 'stop':
            active = false;
            await polling;
            reply({ id: raw.id, read: period.read, polls: period.polls, cpuMs: cpuMsSince(period.cpu), streamCalls });
            return;
          case 'exit':
            active = false;
            await polling;
            await feeder.stop();
            reply({ id: raw.id });
            process.exit(0);
        }
      } catch (error) {
        reply({ id: raw.id, error: String(error) });
      }
    })();
  });
  reply({ ready: true });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
