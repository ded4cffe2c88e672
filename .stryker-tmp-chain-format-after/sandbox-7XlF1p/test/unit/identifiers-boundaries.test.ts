// @ts-nocheck
import { describe, expect, it } from 'vitest';
import {
  isValidOrgNumber,
  kommunenummerSchema,
  nationalIdSchema,
  orgNumberSchema,
  parseNationalId,
  sexFromNationalId,
  syntheticNationalId,
} from '../../shared/contracts/identifiers';

/**
 * The edges of identifier validation that a registration depends on: every day and month limit
 * (fødselsnummer, D-nummer day + 40, synthetic month + 40 / + 80), check digits that come out as
 * 0, the 2032 first-check-digit rule, and the messages a user is shown. The check digits are
 * computed here independently of the code under test (mod 11, Skatteetaten's weights).
 */

const K1 = [3, 7, 6, 1, 8, 9, 4, 5, 2];
const K2 = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2];
const sum = (d: number[], w: number[]) => w.reduce((s, x, i) => s + x * (d[i] ?? 0), 0);

/** Nine digits plus both check digits (k1 from `base` − (sum mod 11)), or undefined where a check digit would be 10. */
function complete(nine: string, base = 11): string | undefined {
  const d = [...nine].map(Number);
  const k1 = (base - (sum(d, K1) % 11)) % 11;
  const k2 = (11 - (sum([...d, k1], K2) % 11)) % 11;
  if (k1 === 10 || k2 === 10) return undefined;
  return `${nine}${k1}${k2}`;
}

/** A valid number with this day and month field (as written in the number) and year, from the first individual number that gives valid check digits. */
function numberWith(dd: number, mm: number, yy = 85, individualFrom = 100): string {
  for (let ind = individualFrom; ind < individualFrom + 100; ind++) {
    const id = complete(`${String(dd).padStart(2, '0')}${String(mm).padStart(2, '0')}${String(yy).padStart(2, '0')}${String(ind).padStart(3, '0')}`);
    if (id) return id;
  }
  throw new Error('no valid number in range');
}

describe('national id: day and month limits', () => {
  it.each([
    ['fødselsnummer, first day', 1, 1, { kind: 'fnr', synthetic: false }],
    ['fødselsnummer, day 31 of month 12', 31, 12, { kind: 'fnr', synthetic: false }],
    ['D-nummer, day 1 (41)', 41, 1, { kind: 'dnr', synthetic: false }],
    ['D-nummer, day 31 (71)', 71, 12, { kind: 'dnr', synthetic: false }],
    ['NAV Dolly, month 1 (41)', 1, 41, { kind: 'fnr', synthetic: true }],
    ['NAV Dolly, month 12 (52)', 15, 52, { kind: 'fnr', synthetic: true }],
    ['Test-Norge, month 1 (81)', 1, 81, { kind: 'fnr', synthetic: true }],
    ['Test-Norge, month 12 (92)', 28, 92, { kind: 'fnr', synthetic: true }],
    ['synthetic D-nummer', 55, 83, { kind: 'dnr', synthetic: true }],
  ])('accepts %s', (_what, dd, mm, info) => {
    expect(parseNationalId(numberWith(dd, mm))).toEqual(info);
  });

  it.each([
    ['day 0', 0, 1],
    ['day 32', 32, 1],
    ['day 40', 40, 1],
    ['D-nummer day 40 + 0', 40, 5],
    ['D-nummer day 72', 72, 1],
    ['month 0', 15, 0],
    ['month 13', 15, 13],
    ['month 40', 15, 40],
    ['Dolly month 53', 15, 53],
    ['month 80', 15, 80],
    ['Test-Norge month 93', 15, 93],
  ])('rejects %s even with valid check digits', (_what, dd, mm) => {
    const id = numberWith(dd, mm);
    expect(parseNationalId(id), id).toBeUndefined();
  });
});

describe('national id: check digits', () => {
  it('accepts check digits that come out as 0 (remainder 0), and Skatteetaten’s examples as ordinary numbers', () => {
    expect(parseNationalId('15038510190')).toEqual({ kind: 'fnr', synthetic: false }); // k2: remainder 0
    expect(parseNationalId('15038511308')).toEqual({ kind: 'fnr', synthetic: false }); // k1: remainder 0
    expect(parseNationalId('02013299997')).toEqual({ kind: 'fnr', synthetic: false });
    expect(parseNationalId('30108299920')).toEqual({ kind: 'fnr', synthetic: false });
  });

  it('rejects every wrong value of either check digit', () => {
    const id = '15038510190';
    for (let digit = 0; digit <= 9; digit++) {
      const wrongK2 = `${id.slice(0, 10)}${digit}`;
      if (wrongK2 !== id) expect(parseNationalId(wrongK2), wrongK2).toBeUndefined();
    }
    // k1 may be any of {11,12,13,14} − (sum mod 11) from 2032: those four values pass, the other six fail.
    const nine = id.slice(0, 9);
    const allowed = new Set([11, 12, 13, 14].map((base) => complete(nine, base)?.[9]).filter(Boolean));
    for (let k1 = 0; k1 <= 9; k1++) {
      const d = [...nine].map(Number);
      const k2 = (11 - (sum([...d, k1], K2) % 11)) % 11;
      if (k2 === 10) continue;
      const candidate = `${nine}${k1}${k2}`;
      expect(parseNationalId(candidate) !== undefined, candidate).toBe(allowed.has(String(k1)));
    }
  });

  it('accepts first check digits of the 2032 rule from 12, 13 and 14', () => {
    const seen = new Set<number>();
    for (let ind = 100; ind < 160; ind++) {
      for (const base of [12, 13, 14]) {
        const id = complete(`010150${ind}`, base);
        if (!id || id === complete(`010150${ind}`, 11)) continue;
        expect(parseNationalId(id), id).toBeDefined();
        seen.add(base);
      }
    }
    expect([...seen].sort()).toEqual([12, 13, 14]);
  });

  it('takes exactly eleven digits: no spaces, signs or other characters around them', () => {
    for (const id of [' 15038510190', '15038510190 ', '150385101900', '+5038510190', '1503851019O']) expect(parseNationalId(id), id).toBeUndefined();
  });
});

/** A valid number with exactly this year and individual number (the day of May chosen so that both check digits exist). */
function numberWithIndividual(yy: number, individual: number): string {
  for (let dd = 1; dd <= 28; dd++) {
    const id = complete(`${String(dd).padStart(2, '0')}05${String(yy).padStart(2, '0')}${String(individual).padStart(3, '0')}`);
    if (id) return id;
  }
  throw new Error('no valid number');
}

describe('sex from a national id at the 2032 edges', () => {
  it.each([
    [32, 500, undefined],
    [39, 500, undefined],
    [39, 999, undefined],
    [31, 500, 'known'],
    [40, 500, 'known'],
    [35, 499, 'known'],
  ])('year %i with individual number exactly %i', (yy, individual, expected) => {
    const id = numberWithIndividual(yy, individual);
    const sex = sexFromNationalId(id);
    if (expected === undefined) expect(sex, id).toBeUndefined();
    else expect(sex, id).toBe(individual % 2 === 1 ? 'male' : 'female');
  });

  // Individual number 500–999 with year 32–39 reads as born 2032–2039: the new scheme, no sex.
  it.each([
    ['individual 500, year 32', 32, 500, undefined],
    ['individual 999, year 39', 39, 900, undefined],
    ['individual 499, year 35 (born 1935)', 35, 400, 'known'],
    ['individual 500, year 31 (born 2031)', 31, 500, 'known'],
    ['individual 500, year 40 (born 1940)', 40, 500, 'known'],
  ])('%s', (_what, yy, individualFrom, expected) => {
    const id = numberWith(10, 5, yy, individualFrom);
    const individual = Number(id.slice(6, 9));
    // The helper takes the first individual number with valid check digits; stay on the intended side of 500.
    expect(individual >= 500).toBe(individualFrom >= 500);
    const sex = sexFromNationalId(id);
    if (expected === undefined) expect(sex, id).toBeUndefined();
    else expect(sex, id).toBe(Number(id[8]) % 2 === 1 ? 'male' : 'female');
  });

  it('reads a number given with surrounding spaces as the form sends it', () => {
    expect(sexFromNationalId(' 15838512329 ')).toBe('male');
    expect(sexFromNationalId('\t01817045606\n')).toBe('female');
  });
});

describe('synthetic numbers for demo data', () => {
  it('gives, for every starting individual number, a valid Test-Norge number of that birth date: the first individual number from there with valid check digits', () => {
    for (let start = 0; start < 1000; start += 7) {
      const id = syntheticNationalId({ day: 9, month: 11, year: 1963 }, start);
      expect(id.slice(0, 6)).toBe('099163');
      expect(parseNationalId(id)).toEqual({ kind: 'fnr', synthetic: true });
      let want: string | undefined;
      for (let ind = start; !want; ind++) want = complete(`099163${String(ind % 1000).padStart(3, '0')}`);
      expect(id).toBe(want);
    }
    // Years of this century keep two digits: 2005 is 05.
    expect(syntheticNationalId({ day: 1, month: 2, year: 2005 }, 10).slice(0, 6)).toBe('018205');
  });
});

describe('organisation numbers', () => {
  it('accepts a check digit of 0 (remainder 0) and rejects the other nine', () => {
    expect(isValidOrgNumber('910000020')).toBe(true);
    for (let digit = 1; digit <= 9; digit++) expect(isValidOrgNumber(`91000002${digit}`)).toBe(false);
  });

  it('rejects every number whose weighted sum leaves remainder 1 (no check digit exists)', () => {
    for (let digit = 0; digit <= 9; digit++) expect(isValidOrgNumber(`91000008${digit}`)).toBe(false);
  });

  it('takes exactly nine digits', () => {
    for (const n of [' 910000020', '910000020 ', '9100000200', 'x10000020']) expect(isValidOrgNumber(n), n).toBe(false);
  });
});

describe('the messages a user is shown', () => {
  it('names the check digit for a wrong national id or organisation number, and the county for a kommunenummer', () => {
    expect(nationalIdSchema.safeParse('15038510191').error?.issues.map((i) => i.message)).toEqual(['Ugyldig fødselsnummer eller D-nummer (kontrollsiffer)']);
    expect(orgNumberSchema.safeParse('910000021').error?.issues.map((i) => i.message)).toEqual(['Ugyldig organisasjonsnummer (kontrollsiffer)']);
    expect(kommunenummerSchema.safeParse('9999').error?.issues.map((i) => i.message)).toEqual(['Ugyldig kommunenummer: fire sifre med kjent fylkesnummer']);
  });

  it('accepts a national id or organisation number pasted with spaces around it, and stores it trimmed', () => {
    expect(nationalIdSchema.safeParse(' 15038510190 ')).toEqual({ success: true, data: '15038510190' });
    expect(orgNumberSchema.safeParse(' 910000020\t')).toEqual({ success: true, data: '910000020' });
  });
});
