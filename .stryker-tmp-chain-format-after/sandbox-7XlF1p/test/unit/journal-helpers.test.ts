// @ts-nocheck
import { describe, expect, it } from 'vitest';
import { createPatientSchema, correctEntrySchema, isSharableEntryType, searchPatientsSchema } from '../../shared/contracts/journal';
import { etagOf, expectVersion } from '../../shared/http/etag';
import { requestHash } from '../../functions/core/commit';
import { nameMatches, namePrefixes, nameTokens, queryPrefixes } from '../../functions/journal/name-index';

describe('ETag / If-Match', () => {
  it('round-trips a version', () => {
    expect(expectVersion(etagOf(7))).toBe(7);
  });
  it('is 428 when absent or *, 412 when it names no version of ours (weak tags included)', () => {
    for (const v of [undefined, '', '*']) expect(() => expectVersion(v)).toThrow(expect.objectContaining({ kind: 'precondition-required' }) as Error);
    for (const v of ['W/"v3"', 'v3', '"3"', '"vx"']) expect(() => expectVersion(v)).toThrow(expect.objectContaining({ kind: 'precondition-failed' }) as Error);
  });
});

describe('name index', () => {
  it('folds case and Norwegian letters, and splits hyphenated names', () => {
    expect(nameTokens('Åse Prøvestad-LIEN')).toEqual(['ase', 'provestad', 'lien']);
    expect(nameTokens('Bjørn Ærlig')).toEqual(['bjorn', 'aerlig']);
  });
  it('indexes prefixes of 2 to 12 characters of every token', () => {
    const p = namePrefixes('Ola Kristoffersenberg');
    expect(p).toContain('ol');
    expect(p).toContain('ola');
    expect(p).toContain('kristofferse');
    expect(p).not.toContain('kristoffersen');
    expect(p).not.toContain('k');
    expect(p.every((x) => x.length >= 2 && x.length <= 12)).toBe(true);
  });
  it('looks up what was indexed, and checks every typed token', () => {
    const indexed = new Set(namePrefixes('Kari Prøvesen'));
    for (const q of ['kari', 'PROVESEN', 'prø', 'ka pr', 'Kari Prøvesen']) {
      for (const prefix of queryPrefixes(q)) expect(indexed.has(prefix), q).toBe(true);
      expect(nameMatches('Kari Prøvesen', q)).toBe(true);
    }
    expect(nameMatches('Kari Prøvesen', 'kari hansen')).toBe(false);
    expect(queryPrefixes('Kristoffersenberg')).toEqual(['kristofferse']);
  });
});

describe('idempotency request hash', () => {
  it('ignores key order but not values', () => {
    expect(requestHash({ a: 1, b: { c: 2, d: [1, 2] } })).toBe(requestHash({ b: { d: [1, 2], c: 2 }, a: 1 }));
    expect(requestHash({ a: 1 })).not.toBe(requestHash({ a: 2 }));
    expect(requestHash({ a: [1, 2] })).not.toBe(requestHash({ a: [2, 1] }));
  });
});

describe('journal contracts', () => {
  it('validates national ids with both check digits and accepts D-numbers, synthetic and 2032 numbers', () => {
    const base = { name: 'X', birthDate: '1985-03-15', gender: 'unknown' };
    for (const nationalId of ['15838512329', '01817045606', '29821298774', '02013299997', '30108299920']) {
      expect(createPatientSchema.safeParse({ ...base, nationalId }).success, nationalId).toBe(true);
    }
    for (const nationalId of ['15838512328', '15838512339', '1583851232', 'abcdefghijk']) {
      const r = createPatientSchema.safeParse({ ...base, nationalId });
      expect(r.success, nationalId).toBe(false);
      expect(r.error?.issues[0]?.path).toEqual(['nationalId']);
    }
  });
  it('searches by exactly one of national id or name', () => {
    expect(searchPatientsSchema.safeParse({ nationalId: '15838512329' }).success).toBe(true);
    expect(searchPatientsSchema.safeParse({ name: 'Ola' }).success).toBe(true);
    expect(searchPatientsSchema.safeParse({ nationalId: '15838512329', name: 'Ola' }).success).toBe(false);
    expect(searchPatientsSchema.safeParse({}).success).toBe(false);
  });
  it('requires a reason for a correction', () => {
    expect(correctEntrySchema.safeParse({ title: 't', text: 'x' }).success).toBe(false);
  });
  it('marks which entry types are sharable', () => {
    expect(isSharableEntryType('epikrise')).toBe(true);
    expect(isSharableEntryType('vaksinasjon')).toBe(true);
    expect(isSharableEntryType('journalnotat')).toBe(false);
    expect(isSharableEntryType('sykepleienotat')).toBe(false);
  });
});
