// @ts-nocheck
import { describe, expect, it } from 'vitest';
import type { Item } from '../../shared/db/tenant-db';
import { eventHash, eventSk, GENESIS_HASH } from '../../functions/core/chain-format';
import { ChainVerifier, verifyChain, type CheckpointFact } from '../../functions/core/chain-verify';

const STREAM = 'T#0301#AUDIT#P#p1';

/** A well-formed chain of n events, as audit-chain.ts writes them. */
function chain(n: number): Item[] {
  const out: Item[] = [];
  let prev = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq++) {
    const item: Item = { pk: STREAM, sk: eventSk(seq), stream: STREAM, seq, prevHash: prev, eventId: `e${seq}`, time: `2025-01-01T00:00:0${seq}.000Z`, tenant: '0301', action: 'entry.read', outcome: 'success', actor: { sub: 'u', roles: ['clinician'] }, requestId: `r${seq}` };
    item.hash = eventHash(item);
    prev = item.hash as string;
    out.push(item);
  }
  return out;
}

const headOf = (items: Item[]) => ({ seq: items.length, hash: String(items.at(-1)?.hash) });
const rehash = (item: Item): Item => ({ ...item, hash: eventHash(item) });

describe('audit chain verification', () => {
  it('accepts an intact chain with its head and a valid checkpoint', () => {
    const items = chain(5);
    expect(verifyChain(STREAM, items, headOf(items), [{ seq: 3, hash: String(items[2]!.hash), valid: true }])).toEqual({ checked: 5, broken: undefined });
  });

  it('accepts an empty stream without a head', () => {
    expect(verifyChain(STREAM, [], undefined).broken).toBeUndefined();
  });

  it('names an edited event as a hash mismatch at its own sequence number', () => {
    const items = chain(5);
    items[2] = { ...items[2]!, action: 'entry.sign' };
    expect(verifyChain(STREAM, items, headOf(chain(5))).broken).toEqual({ stream: STREAM, seq: 3, reason: 'hash-mismatch' });
  });

  it('names an edited and re-hashed event by the broken link after it', () => {
    const items = chain(5);
    items[2] = rehash({ ...items[2]!, outcome: 'denied' });
    expect(verifyChain(STREAM, items, headOf(chain(5))).broken).toEqual({ stream: STREAM, seq: 4, reason: 'broken-link' });
  });

  it('names a removed event as a gap at the first missing number', () => {
    const items = chain(5);
    items.splice(1, 1);
    expect(verifyChain(STREAM, items, headOf(chain(5))).broken).toEqual({ stream: STREAM, seq: 2, reason: 'gap' });
  });

  it('names swapped events as reordered at the first moved slot', () => {
    const items = chain(5);
    const a = items[1]!;
    const b = items[2]!;
    items[1] = { ...b, sk: a.sk };
    items[2] = { ...a, sk: b.sk };
    expect(verifyChain(STREAM, items, headOf(chain(5))).broken).toEqual({ stream: STREAM, seq: 2, reason: 'reordered' });
  });

  it('names events moved and renumbered as a hash mismatch (the number is hashed)', () => {
    const items = chain(5);
    const a = items[1]!;
    const b = items[2]!;
    items[1] = { ...b, sk: a.sk, seq: 2 };
    items[2] = { ...a, sk: b.sk, seq: 3 };
    expect(verifyChain(STREAM, items, headOf(chain(5))).broken).toEqual({ stream: STREAM, seq: 2, reason: 'hash-mismatch' });
  });

  it('names newest events removed (head kept) as missing events', () => {
    const items = chain(5);
    expect(verifyChain(STREAM, items.slice(0, 3), headOf(items)).broken).toEqual({ stream: STREAM, seq: 4, reason: 'missing-events' });
  });

  it('names a head that does not match the last event', () => {
    const items = chain(5);
    expect(verifyChain(STREAM, items, { seq: 5, hash: 'f'.repeat(64) }).broken).toEqual({ stream: STREAM, seq: 5, reason: 'head-mismatch' });
    expect(verifyChain(STREAM, items, undefined).broken).toEqual({ stream: STREAM, seq: 5, reason: 'head-mismatch' });
  });

  it('catches truncation with a rewritten head only through a signed checkpoint past the end', () => {
    const items = chain(6);
    const truncated = items.slice(0, 3);
    const checkpoint: CheckpointFact = { seq: 5, hash: String(items[4]!.hash), valid: true };
    expect(verifyChain(STREAM, truncated, headOf(truncated)).broken).toBeUndefined();
    expect(verifyChain(STREAM, truncated, headOf(truncated), [checkpoint]).broken).toEqual({ stream: STREAM, seq: 4, reason: 'missing-events' });
  });

  it('catches a chain recomputed from an edit onwards through the checkpoint hash', () => {
    const items = chain(5);
    const forged: Item[] = items.slice(0, 1);
    let prev = String(items[0]!.hash);
    for (const original of items.slice(1)) {
      const item = rehash({ ...original, prevHash: prev, outcome: original.seq === 2 ? 'denied' : original.outcome });
      prev = String(item.hash);
      forged.push(item);
    }
    const checkpoint: CheckpointFact = { seq: 4, hash: String(items[3]!.hash), valid: true };
    expect(verifyChain(STREAM, forged, headOf(forged)).broken).toBeUndefined();
    expect(verifyChain(STREAM, forged, headOf(forged), [checkpoint]).broken).toEqual({ stream: STREAM, seq: 4, reason: 'checkpoint-mismatch' });
  });

  it('treats a checkpoint whose signature fails as a checkpoint mismatch', () => {
    const items = chain(5);
    expect(verifyChain(STREAM, items, headOf(items), [{ seq: 2, hash: String(items[1]!.hash), valid: false }]).broken).toEqual({ stream: STREAM, seq: 2, reason: 'checkpoint-mismatch' });
    expect(verifyChain(STREAM, items, headOf(items), [{ seq: 9, hash: 'x', valid: false }]).broken).toEqual({ stream: STREAM, seq: 9, reason: 'checkpoint-mismatch' });
  });

  it('continues after an already verified event and still checks the link', () => {
    const items = chain(6);
    const v = new ChainVerifier(STREAM, { head: headOf(items), after: { seq: 3, hash: String(items[2]!.hash) } });
    for (const item of items.slice(3)) expect(v.add(item)).toBeUndefined();
    expect(v.finish()).toBeUndefined();
    const wrong = new ChainVerifier(STREAM, { head: headOf(items), after: { seq: 3, hash: String(items[1]!.hash) } });
    expect(wrong.add(items[3]!)).toEqual({ stream: STREAM, seq: 4, reason: 'broken-link' });
  });

  it('accepts events past a head that lags behind them, as writers move the head after their event', () => {
    const items = chain(6);
    expect(verifyChain(STREAM, items, headOf(items.slice(0, 4))).broken).toBeUndefined();
  });

  it('still names a lagging head whose hash is not the event it names (head mismatch at that event)', () => {
    const items = chain(6);
    expect(verifyChain(STREAM, items, { seq: 4, hash: String(items[2]!.hash) }).broken).toEqual({ stream: STREAM, seq: 4, reason: 'head-mismatch' });
  });
});
