import { describe, expect, it } from 'vitest';
import { dayShardOf } from '../../functions/core/chain-format';
import type { StoredEvent } from '../../functions/audit/audit-store';
import { freshPositions, mergeDaySlots, parseSlotPositions, type SlotPositions, type SlotSlice } from '../../functions/audit/day-merge';

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

function pageThrough(read: ReturnType<typeof store>, limit: number): StoredEvent[][] {
  const pages: StoredEvent[][] = [];
  let positions = freshPositions(SLOTS);
  for (let i = 0; i < 200; i++) {
    const merged = mergeDaySlots(read(positions, limit), positions, limit);
    pages.push(merged.taken);
    if (Object.keys(merged.positions).length === 0) return pages;
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

  it('drops a partition read to its end, and keeps one with events left at its last shown event', () => {
    const positions = freshPositions(SLOTS);
    const merged = mergeDaySlots(store(bySlot)(positions, 2), positions, 2);
    expect(merged.taken.map((e) => e.eventId)).toEqual(newestFirst.slice(0, 2));
    expect(merged.positions['1']).toBeUndefined();
    expect(merged.positions['0']).toBe(String(merged.taken.filter((e) => bySlot['0']!.includes(e)).at(-1)!.gsi2sk));
    // A partition with events left but none shown this round stays where it was.
    expect(merged.positions['2']).toBe('');
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
