// @ts-nocheck
import { describe, expect, it } from 'vitest';
import { alternating } from '../../bench/lib';

describe('bench: alternating rounds', () => {
  it('mirrors the order every other round, so a steady drift falls on both sides alike', async () => {
    const rounds: string[] = [];
    await alternating(async () => void rounds.push('b'), async () => void rounds.push('o'), { count: 4, concurrency: 1, rounds: 4 });
    expect(rounds.join('')).toBe('boobboob');
  });

  it('counts each side over all its rounds and refuses an odd number of rounds', async () => {
    let calls = 0;
    const { base, op } = await alternating(async () => void calls++, async () => false, { count: 6, concurrency: 2, rounds: 2 });
    expect(base.ops).toBe(6);
    expect(base.errors).toBe(0);
    expect(op.errors).toBe(6);
    expect(calls).toBe(6);
    await expect(alternating(async () => {}, async () => {}, { count: 3, concurrency: 1, rounds: 3 })).rejects.toThrow(/even number/);
  });
});
