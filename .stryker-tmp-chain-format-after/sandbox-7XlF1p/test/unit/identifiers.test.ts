// @ts-nocheck
import { describe, expect, it } from 'vitest';
import { isValidKommunenummer, isValidOrgNumber, parseNationalId, syntheticNationalId } from '../../shared/contracts/identifiers';

describe('national ids', () => {
  it.each(['15838512329', '01817045606', '29821298774'])('accepts the synthetic number %s', (id) => {
    expect(parseNationalId(id)).toEqual({ kind: 'fnr', synthetic: true });
  });

  it.each(['02013299997', '30108299920'])("accepts Skatteetaten's example %s", (id) => {
    expect(parseNationalId(id)).toBeDefined();
  });

  it('accepts a 2032-rule number whose first check digit uses 12 − (sum mod 11)', () => {
    // Build one: take nine digits, pick k1 = (12 − s1) mod 11 (not the classic 11 − s1), then k2.
    const base = '010132555';
    const d = [...base].map(Number);
    const s1 = [3, 7, 6, 1, 8, 9, 4, 5, 2].reduce((s, w, i) => s + w * (d[i] ?? 0), 0) % 11;
    const k1 = (12 - s1) % 11;
    const r2 = 11 - ([5, 4, 3, 2, 7, 6, 5, 4, 3, 2].reduce((s, w, i) => s + w * ([...d, k1][i] ?? 0), 0) % 11);
    const k2 = r2 === 11 ? 0 : r2;
    if (k1 === 10 || k2 === 10) return;
    expect(parseNationalId(`${base}${k1}${k2}`)).toBeDefined();
  });

  it('recognises a D-nummer (day + 40)', () => {
    const id = syntheticNationalId({ day: 15, month: 3, year: 1985 }, 123);
    const dnr = String(Number(id.slice(0, 2)) + 40) + id.slice(2, 9);
    const K1 = [3, 7, 6, 1, 8, 9, 4, 5, 2];
    const K2 = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2];
    const d = [...dnr].map(Number);
    const r1 = 11 - (K1.reduce((s, w, i) => s + w * (d[i] ?? 0), 0) % 11);
    const k1 = r1 === 11 ? 0 : r1;
    const r2 = 11 - (K2.reduce((s, w, i) => s + w * ([...d, k1][i] ?? 0), 0) % 11);
    const k2 = r2 === 11 ? 0 : r2;
    if (k1 === 10 || k2 === 10) return;
    expect(parseNationalId(`${dnr}${k1}${k2}`)?.kind).toBe('dnr');
  });

  it.each([
    ['wrong second check digit', '15838512328'],
    ['wrong first check digit', '15838512339'],
    ['ten digits', '1583851232'],
    ['letters', '1583851232a'],
    ['day 00', '00838512329'],
    ['examples known to fail mod-11', '13057444850'],
  ])('rejects %s', (_why, id) => {
    expect(parseNationalId(id)).toBeUndefined();
  });

  it('generates numbers that validate', () => {
    for (let i = 0; i < 50; i++) {
      const id = syntheticNationalId({ day: 1 + (i % 28), month: 1 + (i % 12), year: 1940 + i }, 100 + i);
      expect(parseNationalId(id)?.synthetic).toBe(true);
    }
  });
});

describe('organisation numbers', () => {
  it.each(['123456785', '915933149', '994598759'])('accepts %s', (n) => expect(isValidOrgNumber(n)).toBe(true));
  it.each(['921592761', '123456789', '12345678'])('rejects %s', (n) => expect(isValidOrgNumber(n)).toBe(false));
});

describe('kommunenummer', () => {
  it.each(['0301', '4601', '1804', '5001', '5501'])('accepts %s', (n) => expect(isValidKommunenummer(n)).toBe(true));
  it.each(['9999', '0000', '301', '03011', '3024'])('rejects %s', (n) => expect(isValidKommunenummer(n)).toBe(false));
});
