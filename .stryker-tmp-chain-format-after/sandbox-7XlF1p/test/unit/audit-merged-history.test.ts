// @ts-nocheck
import { describe, expect, it } from 'vitest';
import { patientOfStream, shardOf, shardStream, shardStreams, STREAM_SHARDS, streamOf } from '../../functions/core/chain-format';
import type { StoredEvent } from '../../functions/audit/audit-store';
import { mergePage, parsePositions, positionsValue, type ShardPositions, type ShardSlice } from '../../functions/audit/merged-history';

/** Events of one log spread over shards, and the history a reader pages through. */

function ev(shard: number, seq: number, time: string): StoredEvent {
  return { pk: shardStream(streamOf('0301', 'p1'), shard), sk: `E#${seq}`, seq, eventId: `${shard}-${seq}`, time, tenant: '0301', action: 'entry.read', outcome: 'success', actor: { sub: 'u' }, requestId: 'r' };
}

/** A store of shards (each oldest first) that answers like shardEventsBelow (newest first below a position). */
function store(shards: Record<number, StoredEvent[]>) {
  return (positions: ShardPositions | undefined, limit: number): ShardSlice[] =>
    Object.entries(shards)
      .filter(([s]) => !positions || Number(s) in positions)
      .map(([s, events]) => {
        const below = positions?.[Number(s)] ?? Infinity;
        const all = events.filter((e) => e.seq < below).reverse();
        return { shard: Number(s), items: all.slice(0, limit), more: all.length > limit };
      });
}

function pageThrough(read: ReturnType<typeof store>, limit: number): StoredEvent[] {
  const out: StoredEvent[] = [];
  let positions: ShardPositions | undefined;
  for (let i = 0; i < 100; i++) {
    const page = mergePage(read(positions, limit), limit);
    out.push(...page.items);
    if (!page.next) return out;
    // Through the sealed form and back, as a cursor travels.
    positions = parsePositions(JSON.parse(JSON.stringify(positionsValue(page.next))), STREAM_SHARDS);
  }
  throw new Error('never ended');
}

const t = (ms: number) => new Date(Date.UTC(2026, 11, 5, 10, 0, 0, ms)).toISOString();

describe('a log merged from its shards', () => {
  const shards: Record<number, StoredEvent[]> = {
    0: [ev(0, 1, t(0)), ev(0, 2, t(5)), ev(0, 3, t(9)), ev(0, 4, t(30))],
    3: [ev(3, 1, t(5)), ev(3, 2, t(6)), ev(3, 3, t(40))],
    11: [ev(11, 1, t(1)), ev(11, 2, t(31))],
  };

  it('pages through every event once, newest first, ties broken by shard then sequence, for any page size', () => {
    const expected = Object.values(shards)
      .flat()
      .sort((a, b) => (a.time !== b.time ? (a.time < b.time ? 1 : -1) : shardOf(b.pk).shard - shardOf(a.pk).shard || b.seq - a.seq))
      .map((e) => e.eventId);
    for (const limit of [1, 2, 3, 4, 9, 50]) expect(pageThrough(store(shards), limit).map((e) => e.eventId)).toEqual(expected);
  });

  it('keeps each chain in its own order even when a writer clock stepped back', () => {
    const skewed = { 0: [ev(0, 1, t(10)), ev(0, 2, t(3)), ev(0, 3, t(20))], 1: [ev(1, 1, t(5))] };
    const ids = pageThrough(store(skewed), 1).map((e) => e.eventId);
    expect(ids.filter((id) => id.startsWith('0-'))).toEqual(['0-3', '0-2', '0-1']);
    expect(ids).toHaveLength(4);
  });

  it('a cursor does not let events appended after the first page into later pages', () => {
    const live: Record<number, StoredEvent[]> = { 0: [ev(0, 1, t(1)), ev(0, 2, t(2))], 5: [ev(5, 1, t(3))] };
    const first = mergePage(store(live)(undefined, 2), 2);
    expect(first.items.map((e) => e.eventId)).toEqual(['5-1', '0-2']);
    live[0]!.push(ev(0, 3, t(50)));
    live[5]!.push(ev(5, 2, t(51)));
    live[7] = [ev(7, 1, t(52))];
    const second = mergePage(store(live)(first.next, 2), 2);
    expect(second.items.map((e) => e.eventId)).toEqual(['0-1']);
    expect(second.next).toBeUndefined();
  });

  it('refuses malformed cursor positions', () => {
    for (const bad of [null, [], { p: [] }, { p: [[0]] }, { p: [[16, 4]] }, { p: [[0, 1]] }, { p: [[0, 3], [0, 4]] }, { p: [['0', 3]] }]) {
      expect(parsePositions(bad, STREAM_SHARDS)).toBeUndefined();
    }
    expect(parsePositions({ p: [[0, 3], [4, 9]] }, STREAM_SHARDS)).toEqual({ 0: 3, 4: 9 });
  });
});

describe('shard streams', () => {
  it('shard 0 is the base stream (the layout before sharding); the others are named after it', () => {
    const base = streamOf('0301', 'a-b-c');
    expect(shardStream(base, 0)).toBe(base);
    expect(shardStreams(base)).toHaveLength(STREAM_SHARDS);
    expect(new Set(shardStreams(base)).size).toBe(STREAM_SHARDS);
    for (const [k, s] of shardStreams(base).entries()) {
      expect(shardOf(s)).toEqual({ base, shard: k });
      expect(patientOfStream(s)).toBe('a-b-c');
    }
    expect(patientOfStream(shardStream(streamOf('0301', undefined), 4))).toBeUndefined();
  });
});
