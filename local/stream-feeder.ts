import { DescribeTableCommand, DynamoDBClient, UpdateTableCommand } from '@aws-sdk/client-dynamodb';
import { DescribeStreamCommand, DynamoDBStreamsClient, GetRecordsCommand, GetShardIteratorCommand, type _Record } from '@aws-sdk/client-dynamodb-streams';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { applyStatsChanges } from '../functions/stats/aggregator';
import { passesStreamFilter, type StatsChange } from '../functions/stats/contributions';
import { TABLES, tableName } from '../shared/db/tables';

/**
 * The local runtime's stand-in for Lambda's DynamoDB Streams event source: it reads the change
 * streams of DynamoDB Local (which supports them like DynamoDB) and hands each batch to the same
 * aggregator code the AWS stream handler calls (functions/stats/aggregator.ts). Nothing in the
 * journal's write path knows about it, and nothing scans the journal.
 *
 * Like Lambda, it delivers at least once: a shard's position only moves on after its batch was
 * applied, and a restarted feeder reads each stream again from its oldest record (the counts are
 * idempotent per stream record).
 */

export interface StreamFeeder {
  /** Reads until every shard is caught up; resolves with the number of records read. */
  drain(): Promise<number>;
  /** One poll of every shard, as one background tick does (one GetRecords a shard); resolves with the number of records read. */
  poll(): Promise<number>;
  stop(): Promise<void>;
}

export interface StreamFeederOptions {
  endpoint: string;
  stage: string;
  region?: string;
  /** Milliseconds between polls in the background; 0: only when drain() is called. */
  intervalMs?: number;
  /** What a batch is handed to (the aggregator; a test may wrap it). */
  apply?: (changes: StatsChange[]) => Promise<unknown>;
  onError?: (error: unknown) => void;
}

const STREAMED = TABLES.filter((t) => t.stream);
/** How often a stream's shards are listed again while none closed. */
const SHARD_LIST_MS = 10_000;
/** The polling interval of the local runtime (local/start.ts) and of the bench: Lambda's batching window for these streams (infra/constructs/stats-aggregator.ts). */
export const STATS_FEED_INTERVAL_MS = 1_000;

interface Shard {
  shardId: string;
  iterator?: string;
  /** The last record applied: where a fresh iterator resumes. */
  lastSequence?: string;
  closed: boolean;
}

/** Starts reading the journal's and the audit log's change streams. */
export async function startStreamFeeder(options: StreamFeederOptions): Promise<StreamFeeder> {
  const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
  const region = options.region ?? 'eu-north-1';
  const dynamo = new DynamoDBClient({ endpoint: options.endpoint, region, credentials });
  const streams = new DynamoDBStreamsClient({ endpoint: options.endpoint, region, credentials });
  const apply = options.apply ?? applyStatsChanges;

  // A table made before it had a stream (a persisted .data/ database) gets one now.
  const arns = new Map<StatsChange['table'], string>();
  for (const def of STREAMED) {
    const name = tableName(options.stage, def.id);
    let arn = (await dynamo.send(new DescribeTableCommand({ TableName: name }))).Table?.LatestStreamArn;
    if (!arn) {
      const out = await dynamo.send(new UpdateTableCommand({ TableName: name, StreamSpecification: { StreamEnabled: true, StreamViewType: def.stream } }));
      arn = out.TableDescription?.LatestStreamArn;
    }
    if (!arn) throw new Error(`No change stream on ${name}`);
    arns.set(def.id as StatsChange['table'], arn);
  }
  dynamo.destroy();

  const shards = new Map<string, Shard>();
  /** Iterators renewed in the current poll: that shard is not known to be caught up yet. */
  let resets = 0;
  /** When each stream's shards were last listed; listed again when a shard closes, else every SHARD_LIST_MS (as Lambda's poller discovers new shards). */
  const listed = new Map<string, number>();

  async function pollTable(table: StatsChange['table'], arn: string): Promise<number> {
    if (Date.now() - (listed.get(arn) ?? -Infinity) >= SHARD_LIST_MS) {
      const described = await streams.send(new DescribeStreamCommand({ StreamArn: arn }));
      for (const s of described.StreamDescription?.Shards ?? []) {
        const id = `${arn}/${s.ShardId}`;
        if (shards.has(id) || !s.ShardId) continue;
        shards.set(id, { shardId: s.ShardId, closed: false });
      }
      listed.set(arn, Date.now());
    }
    let read = 0;
    for (const [id, shard] of shards) {
      if (!id.startsWith(`${arn}/`) || shard.closed) continue;
      shard.iterator ??= await iteratorOf(arn, shard);
      let out;
      try {
        out = await streams.send(new GetRecordsCommand({ ShardIterator: shard.iterator, Limit: 1000 }));
      } catch (error) {
        // An iterator taken while the shard was empty, or one that expired (15 minutes): take a new
        // one from the last record applied (or the oldest) on the next poll.
        if (error instanceof Error && (error.name === 'TrimmedDataAccessException' || error.name === 'ExpiredIteratorException')) {
          shard.iterator = undefined;
          resets += 1;
          continue;
        }
        throw error;
      }
      const records = out.Records ?? [];
      // Only what the event source mapping's filter lets through reaches the aggregator (decoded then).
      const passed = records.filter((r) => passesStreamFilter(table, r.eventName, r.dynamodb?.NewImage));
      if (passed.length > 0) await apply(passed.map((r) => changeOf(table, r)).filter((c) => c !== undefined));
      // Only after the batch was applied does the shard move on: a failure reads it again.
      shard.lastSequence = records.at(-1)?.dynamodb?.SequenceNumber ?? shard.lastSequence;
      shard.iterator = out.NextShardIterator;
      if (!out.NextShardIterator) {
        shard.closed = true;
        listed.delete(arn); // its child shards: listed on the next poll
      }
      read += records.length;
    }
    return read;
  }

  async function iteratorOf(arn: string, shard: Shard): Promise<string | undefined> {
    const out = await streams.send(
      new GetShardIteratorCommand(
        shard.lastSequence
          ? { StreamArn: arn, ShardId: shard.shardId, ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: shard.lastSequence }
          : { StreamArn: arn, ShardId: shard.shardId, ShardIteratorType: 'TRIM_HORIZON' },
      ),
    );
    return out.ShardIterator;
  }

  let running: Promise<number> | undefined;
  const pollOnce = (): Promise<number> => {
    running ??= (async () => {
      try {
        let read = 0;
        for (const [table, arn] of arns) read += await pollTable(table, arn);
        return read;
      } finally {
        running = undefined;
      }
    })();
    return running;
  };

  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const schedule = () => {
    if (stopped || !options.intervalMs) return;
    timer = setTimeout(() => {
      pollOnce()
        .catch((error: unknown) => options.onError?.(error))
        .finally(schedule);
    }, options.intervalMs);
    timer.unref();
  };
  schedule();

  return {
    poll: pollOnce,
    async drain() {
      let total = 0;
      // A poll already under way may have started before the caller's last write: wait it out first.
      if (running) await running.catch(() => 0);
      // A drain also picks up shards opened since the last listing.
      listed.clear();
      for (let renewedInARow = 0; renewedInARow < 3; ) {
        resets = 0;
        const read = await pollOnce();
        total += read;
        if (read === 0 && resets === 0) return total;
        renewedInARow = read === 0 ? renewedInARow + 1 : 0;
      }
      return total;
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running?.catch(() => 0);
      streams.destroy();
    },
  };
}

function changeOf(table: StatsChange['table'], r: _Record): StatsChange | undefined {
  if (!r.eventID || !r.eventName) return undefined;
  const image = r.dynamodb?.NewImage;
  return { table, eventId: r.eventID, eventName: r.eventName, ...(image ? { newImage: unmarshall(image) } : {}) };
}
