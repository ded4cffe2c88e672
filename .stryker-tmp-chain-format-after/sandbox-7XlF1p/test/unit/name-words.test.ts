// @ts-nocheck
import { describe, expect, it } from 'vitest';
import { createPatientSchema, searchPatientsSchema } from '../../shared/contracts/journal';
import { MAX_NAME_WORDS, MAX_PREFIX, MIN_PREFIX, nameTokens, nameWordsFit } from '../../shared/contracts/names';
import { ValidationError } from '../../shared/errors';
import { namePrefixes } from '../../functions/journal/name-index';
import { createPatientWrites } from '../../functions/journal/patient-store';

/** Distinct 12-letter words with distinct first letters: each gives every prefix from 2 to 12. */
const word = (i: number) => String.fromCharCode(97 + i).repeat(2) + 'bcdefghijk'.slice(0, MAX_PREFIX - 2);
const nameOf = (count: number) => Array.from({ length: count }, (_, i) => word(i)).join(' ');

describe('bounded name words (issue 16, item 3)', () => {
  it('keeps the worst-case create-patient transaction well under DynamoDB’s 100 items', () => {
    const prefixes = namePrefixes(nameOf(MAX_NAME_WORDS));
    expect(prefixes).toHaveLength(MAX_NAME_WORDS * (MAX_PREFIX - MIN_PREFIX + 1));
    const writes = createPatientWrites({
      tenant: '0301',
      patientId: 'p',
      nidKey: 'k',
      sealed: Buffer.alloc(0),
      createdAt: '2026-01-01T00:00:00Z',
      createdBy: 'u',
      nameTokenHashes: prefixes,
    });
    // + the idempotency record, + the audit event, its stream head, the registry's stream-open entry and its head.
    const total = writes.length + 1 + 4;
    expect(total).toBeLessThanOrEqual(90);
  });

  it('counts words as the index splits them (hyphens split, repeats and case fold)', () => {
    expect(nameTokens('Anne-Marie Berg  berg BERG')).toEqual(['anne', 'marie', 'berg']);
    expect(nameWordsFit('a b c d e f g')).toBe(true);
    expect(nameWordsFit('a b c d e f g a A')).toBe(true);
    expect(nameWordsFit('a b c d e f g h')).toBe(false);
    expect(nameWordsFit('a-b-c-d-e-f-g-h')).toBe(false);
  });

  it('the contract refuses more words on the name field, within the 200 characters', () => {
    const base = { nationalId: '15838512329', birthDate: '1985-03-15', gender: 'male' };
    expect(createPatientSchema.safeParse({ ...base, name: nameOf(MAX_NAME_WORDS) }).success).toBe(true);
    for (const count of [MAX_NAME_WORDS + 1, 15]) {
      const name = nameOf(count);
      expect(name.length).toBeLessThanOrEqual(200);
      const r = createPatientSchema.safeParse({ ...base, name });
      expect(r.error?.issues.map((i) => i.path.join('.'))).toEqual(['name']);
    }
    // Searching stays as it was: a query is not stored.
    expect(searchPatientsSchema.safeParse({ name: nameOf(15) }).success).toBe(true);
  });

  it('the name index refuses a name it cannot store with a 400 naming the field, for any caller', () => {
    expect(() => namePrefixes(nameOf(15))).toThrow(ValidationError);
    try {
      namePrefixes(nameOf(15));
    } catch (error) {
      expect((error as ValidationError).issues.map((i) => i.field)).toEqual(['body.name']);
    }
  });
});
