// @ts-nocheck
import * as z from './zod';

const K1 = [3, 7, 6, 1, 8, 9, 4, 5, 2];
const K2 = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2];

function weightedSum(digits: number[], weights: number[]): number {
  return weights.reduce((sum, w, i) => sum + w * (digits[i] ?? 0), 0);
}

export type NationalIdKind = 'fnr' | 'dnr';

export interface NationalIdInfo {
  kind: NationalIdKind;
  /** Test-Norge synthetic number (month + 80) or NAV Dolly (month + 40). */
  synthetic: boolean;
}

/**
 * Checks a fødselsnummer or D-nummer: 11 digits, a plausible day and month (D-nummer day + 40,
 * synthetic month + 40 / + 80) and both mod-11 check digits. From 2032 the first check digit may
 * be {11,12,13,14} − (sum mod 11), so every such value is accepted.
 */
export function parseNationalId(value: string): NationalIdInfo | undefined {
  if (!/^\d{11}$/.test(value)) return undefined;
  const d = [...value].map(Number);
  const k2 = 11 - (weightedSum(d, K2) % 11);
  if ((k2 === 11 ? 0 : k2) !== d[10]) return undefined;
  const s1 = weightedSum(d, K1) % 11;
  const k1Options = [11, 12, 13, 14].map((base) => (base - s1) % 11);
  if (!k1Options.includes(d[9] ?? -1)) return undefined;
  let day = Number(value.slice(0, 2));
  let month = Number(value.slice(2, 4));
  let kind: NationalIdKind = 'fnr';
  let synthetic = false;
  if (day > 40) {
    day -= 40;
    kind = 'dnr';
  }
  if (month > 80) {
    month -= 80;
    synthetic = true;
  } else if (month > 40) {
    month -= 40;
    synthetic = true;
  }
  if (day < 1 || day > 31 || month < 1 || month > 12) return undefined;
  return { kind, synthetic };
}

/** The sex a national id encodes. */
export type NationalIdSex = 'male' | 'female';

/**
 * Whether the first check digit follows the scheme before 2032 (k1 = 11 − (sum mod 11), 11 → 0).
 * A number whose k1 only fits {12,13,14} − (sum mod 11) is of the new scheme.
 */
function hasClassicFirstCheckDigit(value: string): boolean {
  const d = [...value].map(Number);
  const r1 = 11 - (weightedSum(d, K1) % 11);
  return (r1 === 11 ? 0 : r1) === d[9];
}

/**
 * Whether the number reads (by the classic century rule: individual number 500–999 with year
 * 00–39 is 2000–2039) as born on or after 1 January 2032. Every number issued from that date is of
 * the new scheme, so such a number cannot be one of the old scheme even when k1 fits the old rule.
 */
function readsAsBornFrom2032(value: string): boolean {
  const yy = Number(value.slice(4, 6));
  const individual = Number(value.slice(6, 9));
  return individual >= 500 && yy >= 32 && yy <= 39;
}

/**
 * The sex a fødselsnummer or D-nummer encodes: the ninth digit (the last digit of the individual
 * number) odd is male, even is female. Synthetic numbers (month + 80 / + 40) follow the same rule.
 * Only numbers of the scheme before 2032 encode sex: a number whose first check digit needs the
 * 2032 rule ({12,13,14} − (sum mod 11)), or that reads as born from 2032 (issued under the new
 * scheme), gives `undefined`, as does anything that is not a valid national id. (Skatteetaten: never derive sex or century from the new numbers. A new number whose
 * k1 happens to fit the classic rule cannot be told apart by the number alone.)
 */
export function sexFromNationalId(value: string): NationalIdSex | undefined {
  const id = value.trim();
  if (!parseNationalId(id) || !hasClassicFirstCheckDigit(id) || readsAsBornFrom2032(id)) return undefined;
  return Number(id[8]) % 2 === 1 ? 'male' : 'female';
}

/**
 * Whether a stated gender agrees with the national id: `male`/`female` must match the sex the
 * number encodes (where it encodes one); `other` and `unknown` are always allowed.
 */
export function genderMatchesNationalId(nationalId: string, gender: string): boolean {
  if (gender !== 'male' && gender !== 'female') return true;
  const sex = sexFromNationalId(nationalId);
  return sex === undefined || sex === gender;
}

/** Builds a valid synthetic (month + 80) fødselsnummer; used for demo data and tests only. */
export function syntheticNationalId(birth: { day: number; month: number; year: number }, individual: number): string {
  for (let ind = individual; ind < individual + 1000; ind++) {
    const base =
      String(birth.day).padStart(2, '0') +
      String(birth.month + 80).padStart(2, '0') +
      String(birth.year % 100).padStart(2, '0') +
      String(ind % 1000).padStart(3, '0');
    const d = [...base].map(Number);
    const r1 = 11 - (weightedSum(d, K1) % 11);
    const k1 = r1 === 11 ? 0 : r1;
    if (k1 === 10) continue;
    const r2 = 11 - (weightedSum([...d, k1], K2) % 11);
    const k2 = r2 === 11 ? 0 : r2;
    if (k2 === 10) continue;
    return `${base}${k1}${k2}`;
  }
  throw new Error('No valid synthetic number in range');
}

/** Organisasjonsnummer: nine digits, weights 3,2,7,6,5,4,3,2, remainder 1 is invalid. */
export function isValidOrgNumber(value: string): boolean {
  if (!/^\d{9}$/.test(value)) return false;
  const d = [...value].map(Number);
  const rest = weightedSum(d, [3, 2, 7, 6, 5, 4, 3, 2]) % 11;
  if (rest === 1) return false;
  const check = rest === 0 ? 0 : 11 - rest;
  return check === d[8];
}

/** County (fylke) prefixes of the 2024 kommunenummer list. */
export const COUNTY_PREFIXES = ['03', '11', '15', '18', '31', '32', '33', '34', '39', '40', '42', '46', '50', '55', '56'] as const;

export function isValidKommunenummer(value: string): boolean {
  return /^\d{4}$/.test(value) && (COUNTY_PREFIXES as readonly string[]).includes(value.slice(0, 2));
}

export const nationalIdSchema = z
  .string()
  .check(z.trim(), z.refine((v) => parseNationalId(v) !== undefined, { message: 'Ugyldig fødselsnummer eller D-nummer (kontrollsiffer)' }));

export const orgNumberSchema = z.string().check(z.trim(), z.refine(isValidOrgNumber, { message: 'Ugyldig organisasjonsnummer (kontrollsiffer)' }));

export const kommunenummerSchema = z
  .string()
  .check(z.refine(isValidKommunenummer, { message: 'Ugyldig kommunenummer: fire sifre med kjent fylkesnummer' }));
