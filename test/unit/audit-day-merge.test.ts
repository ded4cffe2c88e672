import { describe, expect, it } from 'vitest';
import { dayShardOf } from '../../functions/core/chain-format';
import type { StoredEvent } from '../../functions/audit/audit-store';
import { freshPositions, mergeDaySlots, parseSlotPositions, readDepth, type SlotPositions, type SlotSlice } from '../../functions/audit/day-merge';

/** One day of the tenant log spread over index partitions, and the pages a reader goes through. */

const DAY = '2026-12-05';
const SLOTS = ['L', '0', '1', '2'];

function ev(n: number): StoredEvent {
  const eventId = `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
  // Some events share a second: the event id orders them.
  const time = new Date(Date.UTC(2026, 11, 5, 10, 0, Math.floor(n / 3))).toISOString();
  return { pk: 'T#0301#AUDIT#TENANT', sk: `E#${n}`, seq: n, eventId, time, tenant: '0301', action: 'entry.read', outcome: 'success', actor: { sub: 'u' }, requestId: 'r', gsi2sk: `${time}#${eventId}` };
}

/** Partitions answering like daySlotEvents: newest first, strictly below a position. */
function store(bySlot: Record<string, StoredEvent[]>) {
  return (positions: SlotPositions, limit: number): SlotSlice[] =>
    Object.keys(positions).map((slot) => {
      const below = positions[slot] || '~';
      const all = (bySlot[slot] ?? []).filter((e) => String(e.gsi2sk) < below).sort((a, b) => (String(a.gsi2sk) < String(b.gsi2sk) ? 1 : -1));
      return { slot, items: all.slice(0, limit), more: all.length > limit };
    });
}

/** Pages of `limit` as the service reads them: rounds of readDepth per partition until the page is full. */
function pageThrough(read: ReturnType<typeof store>, limit: number, depth = readDepth): StoredEvent[][] {
  const pages: StoredEvent[][] = [];
  let positions = freshPositions(SLOTS);
  let page: StoredEvent[] = [];
  for (let i = 0; i < 500; i++) {
    const need = limit - page.length;
    const merged = mergeDaySlots(read(positions, depth(need, Object.keys(positions).length)), positions, need);
    page.push(...merged.taken);
    const done = Object.keys(merged.positions).length === 0;
    if (page.length === limit || done) {
      pages.push(page);
      page = [];
    }
    if (done) return pages;
    // Through a cursor and back.
    positions = parseSlotPositions(JSON.parse(JSON.stringify(merged.positions)), DAY, SLOTS)!;
    expect(positions).toBeDefined();
  }
  throw new Error('never ended');
}

describe('one day merged from its index partitions', () => {
  const events = Array.from({ length: 50 }, (_, n) => ev(n));
  // Uneven: one partition holds most, the unsharded key a few, one none at all.
  const bySlot: Record<string, StoredEvent[]> = { L: [], '0': [], '1': [], '2': [] };
  events.forEach((e, n) => bySlot[n % 7 === 0 ? 'L' : n % 5 === 0 ? '2' : '0']!.push(e));
  const newestFirst = [...events].reverse().map((e) => e.eventId);

  it.each([1, 2, 3, 7, 50, 60])('pages of %i show every event once, newest first', (limit) => {
    const pages = pageThrough(store(bySlot), limit);
    for (const page of pages) expect(page.length).toBeLessThanOrEqual(limit);
    expect(pages.flat().map((e) => e.eventId)).toEqual(newestFirst);
  });

  it('takes only events no partition can still top, and keeps a partition with events left at its last taken event', () => {
    const positions = freshPositions(SLOTS);
    const slices = store(bySlot)(positions, 3);
    const merged = mergeDaySlots(slices, positions, 50);
    // Every event taken is newer than anything left unread; none is skipped.
    const left = events.filter((e) => !merged.taken.includes(e));
    expect(merged.taken.map((e) => e.eventId)).toEqual(newestFirst.slice(0, merged.taken.length));
    expect(merged.taken.length).toBeGreaterThanOrEqual(3);
    expect(left.every((e) => String(e.gsi2sk) < String(merged.taken.at(-1)!.gsi2sk))).toBe(true);
    // The empty partition drops out; the others go on below their last taken event, or stay where they were.
    expect(merged.positions['1']).toBeUndefined();
    for (const slot of ['L', '0', '2']) {
      const mine = merged.taken.filter((e) => bySlot[slot]!.includes(e));
      expect(merged.positions[slot]).toBe(mine.length > 0 ? String(mine.at(-1)!.gsi2sk) : '');
    }
  });

  it('reads fewer events than a whole page from every partition would, with events spread evenly as the event-id hash spreads them', () => {
    const even: Record<string, StoredEvent[]> = { L: [], '0': [], '1': [], '2': [] };
    const many = Array.from({ length: 400 }, (_, n) => ev(n));
    many.forEach((e, n) => even[SLOTS[n % SLOTS.length]!]!.push(e));
    const counter = () => {
      const c = { read: 0, fn: (positions: SlotPositions, limit: number) => store(even)(positions, limit) };
      c.fn = (positions, limit) => {
        const slices = store(even)(positions, limit);
        c.read += slices.reduce((n, sl) => n + sl.items.length, 0);
        return slices;
      };
      return c;
    };
    const share = counter();
    const whole = counter();
    const order = [...many].reverse().map((e) => e.eventId);
    expect(pageThrough(share.fn, 50).flat().map((e) => e.eventId)).toEqual(order);
    expect(pageThrough(whole.fn, 50, (need) => need).flat().map((e) => e.eventId)).toEqual(order);
    expect(share.read).toBeLessThan(whole.read / 2);
  });

  it('refuses positions that are not this day, not a partition, or not an index key', () => {
    const key = String(ev(4).gsi2sk);
    expect(parseSlotPositions({ '0': key, L: '' }, DAY, SLOTS)).toEqual({ '0': key, L: '' });
    for (const bad of [{}, [], null, 'x', { '9': key }, { '0': 'E#000001' }, { '0': key.replace(DAY, '2026-12-04') }, { '0': 7 }]) {
      expect(parseSlotPositions(bad, DAY, SLOTS), JSON.stringify(bad)).toBeUndefined();
    }
  });

  it('spreads event ids evenly over the shards', () => {
    const counts = new Array<number>(8).fill(0);
    for (let n = 0; n < 8000; n++) counts[dayShardOf(`00000000-0000-4000-8000-${String(n).padStart(12, '0')}`, 8)]! += 1;
    for (const c of counts) expect(c).toBeGreaterThan(800);
  });
});
