import type { StoredEvent } from './audit-store';

/**
 * One day of the tenant's log merged from its day-index partitions (audit-store.ts daySlots),
 * newest first. Pure: the store reads each partition's newest events below its position, this
 * takes the newest of them that are certain and says where each partition goes on.
 *
 * Index keys (`<time>#<event id>`) are unique, so the merged order is one total order, the same
 * order the unsharded day had. A round reads each partition only about its share of the page
 * (readDepth), not the whole page, so a page costs about its own events in read units rather than
 * a page per shard. An event read is certain when no partition can still hold a newer unread one:
 * it is at or above the lowest key read from every partition that may hold more (the threshold).
 * The partition that sets the threshold is taken whole, so every round makes progress. A
 * partition's position is the index key of the last event taken from it (its later reads start
 * below that); one read to its end and taken whole drops out.
 */

/** Events to read from each partition in a round: its share of what the page still needs, and one more. */
export function readDepth(need: number, partitions: number): number {
  return Math.ceil(need / Math.max(1, partitions)) + 1;
}

/** Where each partition of a day goes on: `''` for not read yet, else the index key to read below. */
export type SlotPositions = Record<string, string>;

/** One partition's newest events below its position, as read for a round. */
export interface SlotSlice {
  slot: string;
  items: StoredEvent[];
  /** The read stopped at its limit: the partition may hold more below its last item. */
  more: boolean;
}

/** The newest certain events of the slices (at most `need`) and every partition's position after them (absent when read to its end). */
export function mergeDaySlots(slices: SlotSlice[], previous: SlotPositions, need: number): { taken: StoredEvent[]; positions: SlotPositions } {
  const key = (e: StoredEvent) => String(e.gsi2sk);
  // The lowest key read from any partition that may hold more: nothing unread is at or above it.
  let threshold = '';
  for (const s of slices) {
    const last = s.items.at(-1);
    if (s.more && last && key(last) > threshold) threshold = key(last);
  }
  const all = slices.flatMap((s) => s.items.map((item) => ({ slot: s.slot, item }))).filter((t) => key(t.item) >= threshold);
  all.sort((a, b) => (key(a.item) < key(b.item) ? 1 : -1));
  const taken = all.slice(0, need);
  const positions: SlotPositions = {};
  for (const s of slices) {
    const mine = taken.filter((t) => t.slot === s.slot);
    if (!s.more && mine.length === s.items.length) continue;
    positions[s.slot] = mine.length > 0 ? key(mine.at(-1)!.item) : (previous[s.slot] ?? '');
  }
  return { taken: taken.map((t) => t.item), positions };
}

/** Every partition of a day, none read yet. */
export function freshPositions(slots: readonly string[]): SlotPositions {
  return Object.fromEntries(slots.map((s) => [s, '']));
}

const INDEX_KEY = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z#[0-9a-f-]{36}$/;

/** A cursor's positions for `day`, checked against the partitions there are; undefined when malformed. */
export function parseSlotPositions(value: unknown, day: string, slots: readonly string[]): SlotPositions | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0 || entries.length > slots.length) return undefined;
  const out: SlotPositions = {};
  for (const [slot, at] of entries) {
    if (!slots.includes(slot) || typeof at !== 'string') return undefined;
    if (at !== '' && (!INDEX_KEY.test(at) || at.slice(0, 10) !== day)) return undefined;
    out[slot] = at;
  }
  return out;
}
