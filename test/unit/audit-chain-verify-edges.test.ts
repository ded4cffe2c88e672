import { describe, expect, it } from 'vitest';
import type { Item } from '../../shared/db/tenant-db';
import { eventHash, eventSk, GENESIS_HASH } from '../../functions/core/chain-format';
import { ChainVerifier, verifyChain } from '../../functions/core/chain-verify';

/**
 * Edges of the chain verifier that the mutation run (issue 20, point 4) found untested: anchored
 * positions, what happens after the first break, non-event sort keys, a duplicated event, signed
 * checkpoints at and past the end in any order, and the verifier's running state.
 */

const STREAM = 'T#4601#AUDIT#P#p9';

function chain(n: number): Item[] {
  const out: Item[] = [];
  let prev = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq++) {
    const item: Item = { pk: STREAM, sk: eventSk(seq), stream: STREAM, seq, prevHash: prev, eventId: `e${seq}`, time: `2025-02-01T00:00:0${seq}.000Z`, tenant: '4601', action: 'entry.read', outcome: 'success', actor: { sub: 'u', roles: ['clinician'] }, requestId: `r${seq}` };
    item.hash = eventHash(item);
    prev = item.hash as string;
    out.push(item);
  }
  return out;
}

const headOf = (items: Item[]) => ({ seq: items.length, hash: String(items.at(-1)?.hash) });

function run(verifier: ChainVerifier, items: Item[]) {
  for (const item of items) if (verifier.add(item)) break;
  return verifier.finish();
}

describe('the anchored position of a stream (its leaf in the latest signed tree head)', () => {
  it('holds when the event there has the anchored hash, before or at the end', () => {
    const items = chain(5);
    expect(run(new ChainVerifier(STREAM, { head: headOf(items), anchored: { seq: 3, hash: String(items[2]!.hash) } }), items)).toBeUndefined();
    expect(run(new ChainVerifier(STREAM, { head: headOf(items), anchored: { seq: 5, hash: String(items[4]!.hash) } }), items)).toBeUndefined();
  });

  it('names an anchored event replaced by another valid one (re-hashed chain, moved head) as anchor-mismatch there', () => {
    const forged = chain(5);
    const anchored = { seq: 4, hash: 'a'.repeat(64) };
    expect(run(new ChainVerifier(STREAM, { head: headOf(forged), anchored }), forged)).toEqual({ stream: STREAM, seq: 4, reason: 'anchor-mismatch' });
  });

  it('names anchored events that are gone (truncated, head rolled back) as missing after the last one found', () => {
    const items = chain(3);
    expect(run(new ChainVerifier(STREAM, { head: headOf(items), anchored: { seq: 5, hash: 'b'.repeat(64) } }), items)).toEqual({ stream: STREAM, seq: 4, reason: 'missing-events' });
    expect(run(new ChainVerifier(STREAM, { head: undefined, anchored: { seq: 2, hash: 'c'.repeat(64) } }), [])).toEqual({ stream: STREAM, seq: 1, reason: 'missing-events' });
  });
});

describe('the verifier state', () => {
  it('reports where it is: last sequence number and hash verified, no result while intact', () => {
    const items = chain(3);
    const v = new ChainVerifier(STREAM, { head: headOf(items) });
    v.add(items[0]!);
    v.add(items[1]!);
    expect(v.lastSeq).toBe(2);
    expect(v.lastEventHash).toBe(items[1]!.hash);
    expect(v.result).toBeUndefined();
    expect(v.checked).toBe(2);
  });

  it('keeps the first break: later events neither replace it nor count', () => {
    const items = chain(5);
    items[2] = { ...items[2]!, action: 'entry.sign' };
    const v = new ChainVerifier(STREAM, { head: headOf(chain(5)) });
    for (const item of items) v.add(item);
    expect(v.result).toEqual({ stream: STREAM, seq: 3, reason: 'hash-mismatch' });
    expect(v.add(items[4]!)).toEqual({ stream: STREAM, seq: 3, reason: 'hash-mismatch' });
    expect(v.finish()).toEqual({ stream: STREAM, seq: 3, reason: 'hash-mismatch' });
    expect(v.checked).toBe(3);
    expect(v.lastSeq).toBe(2);
  });
});

describe('what sits in an event slot', () => {
  it('an item whose sort key is not an event key is a gap', () => {
    const items = chain(2);
    const odd = { ...items[0]!, sk: 'X#000001' };
    expect(verifyChain(STREAM, [odd, items[1]!], headOf(items)).broken).toEqual({ stream: STREAM, seq: 1, reason: 'gap' });
  });

  it('an event stored twice (the same slot again) is reordered, not a broken link', () => {
    const items = chain(3);
    expect(verifyChain(STREAM, [items[0]!, items[1]!, items[1]!, items[2]!], headOf(items)).broken).toEqual({ stream: STREAM, seq: 3, reason: 'reordered' });
  });

  it('an event without a hash is a hash mismatch', () => {
    const items = chain(2);
    const { hash: _dropped, ...bare } = items[1]!;
    expect(verifyChain(STREAM, [items[0]!, bare], headOf(items)).broken).toEqual({ stream: STREAM, seq: 2, reason: 'hash-mismatch' });
  });
});

describe('signed checkpoints at and past the end', () => {
  const valid = (seq: number, hash = 'd'.repeat(64)) => ({ seq, hash, valid: true });
  const forged = (seq: number) => ({ seq, hash: 'e'.repeat(64), valid: false });

  it('a valid checkpoint at the last event is no truncation', () => {
    const items = chain(4);
    expect(verifyChain(STREAM, items, headOf(items), [{ seq: 4, hash: String(items[3]!.hash), valid: true }]).broken).toBeUndefined();
  });

  it('the lowest forged checkpoint past the end is named, whatever order they come in', () => {
    const items = chain(3);
    expect(verifyChain(STREAM, items, headOf(items), [forged(9), forged(6)]).broken).toEqual({ stream: STREAM, seq: 6, reason: 'checkpoint-mismatch' });
  });

  it('a forged checkpoint with a valid one only beyond it is named; one with a valid one before it is truncation', () => {
    const items = chain(3);
    expect(verifyChain(STREAM, items, headOf(items), [forged(5), valid(8)]).broken).toEqual({ stream: STREAM, seq: 5, reason: 'checkpoint-mismatch' });
    expect(verifyChain(STREAM, items, headOf(items), [valid(5), forged(8)]).broken).toEqual({ stream: STREAM, seq: 4, reason: 'missing-events' });
    expect(verifyChain(STREAM, items, headOf(items), [forged(8), valid(5)]).broken).toEqual({ stream: STREAM, seq: 4, reason: 'missing-events' });
  });
});
