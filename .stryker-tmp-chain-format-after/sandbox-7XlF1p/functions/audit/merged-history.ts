// @ts-nocheck
import type { StoredEvent } from './audit-store';

/**
 * One log's history merged from its shards (chain-format.ts STREAM_SHARDS), newest first. Pure:
 * the store reads each shard's newest events below a position, this orders them and says where
 * the next page starts.
 *
 * Order: by time, then shard number, then sequence number (oldest first; a page shows the reverse).
 * Each shard is consumed strictly in its chain order, so two events of one chain are never shown
 * the other way round, even if a writer's clock stepped back. The cursor holds, for every shard
 * that existed when the first page was read, the sequence number below which it goes on: events
 * appended later (and shards opened later) never slip into a later page, as in one chain.
 */

/** Where a shard goes on: its events with seq < below are still to be shown. */
export type ShardPositions = Record<number, number>;

/** One shard's events below its position, newest first, as read for a page. */
export interface ShardSlice {
  shard: number;
  items: StoredEvent[];
  /** The read stopped at its limit: the shard may hold more below the last item. */
  more: boolean;
}

/** Newest-first order of two events of different shards: positive when `b` comes first. */
function newerFirst(a: { e: StoredEvent; shard: number }, b: { e: StoredEvent; shard: number }): number {
  if (a.e.time !== b.e.time) return a.e.time < b.e.time ? 1 : -1;
  if (a.shard !== b.shard) return b.shard - a.shard;
  return b.e.seq - a.e.seq;
}

/** The first `limit` events of the merged history and the positions after them (undefined when nothing is left). */
export function mergePage(slices: ShardSlice[], limit: number): { items: StoredEvent[]; next?: ShardPositions } {
  const at = slices.map(() => 0);
  const items: StoredEvent[] = [];
  while (items.length < limit) {
    let best = -1;
    for (let i = 0; i < slices.length; i++) {
      const e = slices[i]!.items[at[i]!];
      if (!e) continue;
      if (best < 0 || newerFirst({ e: slices[best]!.items[at[best]!]!, shard: slices[best]!.shard }, { e, shard: slices[i]!.shard }) > 0) best = i;
    }
    if (best < 0) break;
    items.push(slices[best]!.items[at[best]!]!);
    at[best]! += 1;
  }
  const next: ShardPositions = {};
  slices.forEach((slice, i) => {
    const used = at[i]!;
    const left = used < slice.items.length || slice.more;
    if (!left) return;
    // Below the last shown event of this shard; or, when none was shown, below where it was read.
    const below = used > 0 ? slice.items[used - 1]!.seq : (slice.items[0]?.seq ?? 0) + 1;
    if (below > 1) next[slice.shard] = below;
  });
  return Object.keys(next).length > 0 ? { items, next } : { items };
}

/** A cursor's positions, checked: shard numbers and positions in range; undefined when malformed. */
export function parsePositions(value: unknown, shards: number): ShardPositions | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const p = (value as { p?: unknown }).p;
  if (!Array.isArray(p) || p.length === 0 || p.length > shards) return undefined;
  const out: ShardPositions = {};
  for (const pair of p) {
    if (!Array.isArray(pair) || pair.length !== 2) return undefined;
    const [shard, below] = pair as unknown[];
    if (!Number.isInteger(shard) || (shard as number) < 0 || (shard as number) >= shards || (shard as number) in out) return undefined;
    if (!Number.isInteger(below) || (below as number) < 2 || (below as number) > 1e12) return undefined;
    out[shard as number] = below as number;
  }
  return out;
}

/** The sealed form of positions (`{ p: [[shard, below], ...] }`). */
export function positionsValue(next: ShardPositions): { p: [number, number][] } {
  return { p: Object.entries(next).map(([s, b]) => [Number(s), b] as [number, number]).sort((a, b) => a[0] - b[0]) };
}
