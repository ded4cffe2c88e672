// @ts-nocheck
import { describe, expect, it } from 'vitest';
import { genderMatchesNationalId, sexFromNationalId, syntheticNationalId } from '../../shared/contracts/identifiers';
import { createPatientSchema } from '../../shared/contracts/journal';

const K1 = [3, 7, 6, 1, 8, 9, 4, 5, 2];
const K2 = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2];
const sum = (d: number[], w: number[]) => w.reduce((s, x, i) => s + x * (d[i] ?? 0), 0);

/** Nine digits plus check digits, k1 from `base` − (sum mod 11) (11: the old scheme; 12–14: 2032). */
function withCheckDigits(nine: string, base: number): string | undefined {
  const d = [...nine].map(Number);
  const k1 = (base - (sum(d, K1) % 11)) % 11;
  const r2 = 11 - (sum([...d, k1], K2) % 11);
  const k2 = r2 === 11 ? 0 : r2;
  if (k1 === 10 || k2 === 10) return undefined;
  return `${nine}${k1}${k2}`;
}

describe('sex from the national id', () => {
  it.each([
    ['15838512329', 'male'],
    ['01817045606', 'female'],
    ['29821298774', 'male'],
  ])('reads %s (ninth digit) as %s', (id, sex) => {
    expect(sexFromNationalId(id)).toBe(sex);
  });

  it('reads the ninth digit of generated synthetic numbers, odd male and even female', () => {
    for (let ind = 100; ind < 160; ind++) {
      const id = syntheticNationalId({ day: 3, month: 7, year: 1977 }, ind);
      expect(sexFromNationalId(id)).toBe(Number(id[8]) % 2 === 1 ? 'male' : 'female');
    }
  });

  it('reads a D-nummer (day + 40) the same way', () => {
    const dnr = syntheticNationalId({ day: 55, month: 3, year: 1985 }, 400);
    expect(Number(dnr.slice(0, 2))).toBeGreaterThan(40);
    expect(sexFromNationalId(dnr)).toBe(Number(dnr[8]) % 2 === 1 ? 'male' : 'female');
  });

  it('never derives sex from a number of the 2032 scheme (k1 from 12, 13 or 14)', () => {
    let tried = 0;
    for (const nine of ['010185123', '150385124', '290270456', '010132555', '121299987']) {
      for (const base of [12, 13, 14]) {
        const id = withCheckDigits(nine, base);
        const classic = withCheckDigits(nine, 11);
        if (!id || id === classic) continue;
        tried++;
        expect(sexFromNationalId(id), id).toBeUndefined();
        expect(genderMatchesNationalId(id, 'male')).toBe(true);
        expect(genderMatchesNationalId(id, 'female')).toBe(true);
      }
    }
    expect(tried).toBeGreaterThan(3);
  });

  it("never derives sex from a number that reads as born from 2032 (Skatteetaten's example 02013299997)", () => {
    expect(sexFromNationalId('02013299997')).toBeUndefined();
  });

  it('gives nothing for what is not a valid national id', () => {
    for (const id of ['15838512328', '123', '', 'abcdefghijk']) expect(sexFromNationalId(id)).toBeUndefined();
  });
});

describe('create-patient contract: gender against the national id', () => {
  const base = { name: 'Test Testesen', birthDate: '1985-03-15' };

  it('refuses a stated sex that contradicts the number, naming the gender field', () => {
    const male = createPatientSchema.safeParse({ ...base, nationalId: '15838512329', gender: 'female' });
    expect(male.success).toBe(false);
    expect(male.error?.issues.map((i) => i.path.join('.'))).toEqual(['gender']);
    const female = createPatientSchema.safeParse({ ...base, nationalId: '01817045606', gender: 'male' });
    expect(female.error?.issues.map((i) => i.path.join('.'))).toEqual(['gender']);
  });

  it('accepts the matching sex, and other or unknown for any number', () => {
    expect(createPatientSchema.safeParse({ ...base, nationalId: '15838512329', gender: 'male' }).success).toBe(true);
    expect(createPatientSchema.safeParse({ ...base, nationalId: '01817045606', gender: 'female' }).success).toBe(true);
    for (const gender of ['other', 'unknown']) {
      expect(createPatientSchema.safeParse({ ...base, nationalId: '15838512329', gender }).success).toBe(true);
      expect(createPatientSchema.safeParse({ ...base, nationalId: '01817045606', gender }).success).toBe(true);
    }
  });

  it('accepts either sex for a number of the 2032 scheme', () => {
    for (const gender of ['male', 'female']) {
      expect(createPatientSchema.safeParse({ ...base, nationalId: '02013299997', birthDate: '2032-01-02', gender }).success).toBe(true);
    }
  });
});
