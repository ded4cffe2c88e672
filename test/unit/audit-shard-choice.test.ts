import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { noteContention, shardFor } from '../../functions/core/audit-chain';
import { STREAM_SHARDS } from '../../functions/core/chain-format';

/**
 * Which shard of a log an audit append goes to (functions/core/audit-chain.ts): a quiet log stays
 * on one chain; a retry, or any append to a log that met contention in the last minute, spreads by
 * a hash of the request id and attempt. Under Stryker (npm run test:mutation) these pin the rule.
 */

const hashShard = (requestId: string, attempt: number) => createHash('sha256').update(`${requestId}#${attempt}`).digest().readUInt32BE(0) % STREAM_SHARDS;
let n = 0;
const freshLog = () => `T#0301#AUDIT#P#shard-test-${++n}`;

describe('shardFor', () => {
  it('keeps a quiet log on shard 0 for a first attempt, whatever the request', () => {
    const log = freshLog();
    for (const id of ['a', 'b', 'req-123', 'x'.repeat(40)]) expect(shardFor(log, id, 0, 1_000)).toBe(0);
  });

  it('spreads a retry by a hash of the request id and the attempt, within the shards', () => {
    const log = freshLog();
    const seen = new Set<number>();
    for (let i = 0; i < 200; i++) {
      for (const attempt of [1, 2, 5]) {
        const shard = shardFor(log, `req-${i}`, attempt, 1_000);
        expect(shard).toBe(hashShard(`req-${i}`, attempt));
        expect(shard).toBeGreaterThanOrEqual(0);
        expect(shard).toBeLessThan(STREAM_SHARDS);
        seen.add(shard);
      }
    }
    // Every shard is used: the hash reaches them all.
    expect(seen.size).toBe(STREAM_SHARDS);
    // The same request's next attempt goes elsewhere for most ids (it does not queue behind the head it lost to).
    const moved = Array.from({ length: 100 }, (_, i) => shardFor(log, `r${i}`, 1, 0) !== shardFor(log, `r${i}`, 2, 0)).filter(Boolean).length;
    expect(moved).toBeGreaterThan(80);
  });

  it('spreads first attempts of a log that met contention, for one minute from the last contention, then stops', () => {
    const log = freshLog();
    const other = freshLog();
    const id = Array.from({ length: 50 }, (_, i) => `hot-${i}`).find((r) => hashShard(r, 0) !== 0)!;
    noteContention(log, 10_000);
    expect(shardFor(log, id, 0, 10_000)).toBe(hashShard(id, 0));
    expect(shardFor(log, id, 0, 69_999)).toBe(hashShard(id, 0));
    // Another log is not affected.
    expect(shardFor(other, id, 0, 10_000)).toBe(0);
    // Exactly at the end of the minute it is quiet again, and stays so.
    expect(shardFor(log, id, 0, 70_000)).toBe(0);
    expect(shardFor(log, id, 0, 69_999)).toBe(0);
  });

  it('a new contention extends the minute from its own time', () => {
    const log = freshLog();
    const id = Array.from({ length: 50 }, (_, i) => `ext-${i}`).find((r) => hashShard(r, 0) !== 0)!;
    noteContention(log, 0);
    noteContention(log, 30_000);
    expect(shardFor(log, id, 0, 89_999)).toBe(hashShard(id, 0));
    expect(shardFor(log, id, 0, 90_000)).toBe(0);
  });

  it('forgets every hint when ten thousand logs are hot, except that the one noted now stays hot', () => {
    const first = freshLog();
    const id = Array.from({ length: 50 }, (_, i) => `many-${i}`).find((r) => hashShard(r, 0) !== 0)!;
    noteContention(first, 0);
    for (let i = 0; i < 9_999; i++) noteContention(`T#0301#AUDIT#P#bulk-${n}-${i}`, 0);
    // Full now (10,000 hot): noting one of them again keeps the others.
    noteContention(first, 0);
    expect(shardFor(first, id, 0, 1)).toBe(hashShard(id, 0));
    const last = freshLog();
    noteContention(last, 0);
    expect(shardFor(first, id, 0, 1)).toBe(0);
    expect(shardFor(last, id, 0, 1)).toBe(hashShard(id, 0));
  });
});
