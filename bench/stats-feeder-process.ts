import '../local/terminal-env';
import { startStreamFeeder } from '../local/stream-feeder';
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

async function main(): Promise<void> {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  const feeder = await startStreamFeeder({ endpoint: config().dynamoEndpoint ?? '', stage: process.env.FJ_BENCH_STAGE ?? 'bench', intervalMs: 0 });
  let polling: Promise<void> | undefined;
  let active = false;
  const reply = (message: Record<string, unknown>) => process.send?.(message);
  process.on('message', (raw: Command) => {
    void (async () => {
      try {
        switch (raw.cmd) {
          case 'drain': {
            let read = 0;
            let counts: OpCounts | undefined;
            const started = performance.now();
            if (raw.count) counts = await countOp(async () => void (read = await feeder.drain()), 1);
            else read = await feeder.drain();
            reply({ id: raw.id, read, ms: performance.now() - started, counts });
            return;
          }
          case 'poll':
            active = true;
            polling = (async () => {
              while (active) {
                await feeder.drain();
                await new Promise((r) => setTimeout(r, raw.pollMs ?? 250));
              }
            })();
            reply({ id: raw.id });
            return;
          case 'stop':
            active = false;
            await polling;
            reply({ id: raw.id });
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
