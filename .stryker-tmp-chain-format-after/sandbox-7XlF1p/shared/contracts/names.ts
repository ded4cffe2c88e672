/**
 * How a person's name becomes searchable words, shared by the contract (which bounds the words at
 * the edge) and the name index in functions/journal/name-index.ts (which stores their prefixes).
 */
// @ts-nocheck


/** Lower-cased, accent-free, distinct words of a name (æ→ae, ø→o, å→a; any non-letter/digit splits). */
export function nameTokens(name: string): string[] {
  const folded = name
    .toLowerCase()
    .replace(/æ/g, 'ae')
    .replace(/ø/g, 'o')
    .normalize('NFKD')
    .replace(/\p{M}/gu, '');
  return [...new Set(folded.split(/[^\p{L}\p{N}]+/u).filter((t) => t.length > 0))];
}

/** Shortest and longest indexed prefix of a word. */
export const MIN_PREFIX = 2;
export const MAX_PREFIX = 12;

/**
 * At most this many distinct words per patient name. Each word is stored as up to
 * MAX_PREFIX − MIN_PREFIX + 1 = 11 prefix items, written in the create-patient transaction beside
 * 7 other items (idempotency record, national-id item, patient record, audit event and its
 * stream head, the audit registry's stream-open entry and its head): 7 words give at most
 * 7 × 11 + 7 = 84 items, well under DynamoDB's 100 per transaction. `Anne-Marie` counts as two
 * words (the index splits at the hyphen).
 */
export const MAX_NAME_WORDS = 7;

export const TOO_MANY_NAME_WORDS = `Navnet kan ha høyst ${MAX_NAME_WORDS} ulike ord (bindestrek skiller ord)`;

/** Whether a name's words fit the name index (see MAX_NAME_WORDS). */
export function nameWordsFit(name: string): boolean {
  return nameTokens(name).length <= MAX_NAME_WORDS;
}
