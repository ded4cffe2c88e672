import { lookupHasher } from '../../shared/crypto/lookup-hash';

/**
 * Searchable names without names in the table: each name token is normalised (lower case,
 * accents stripped, æ→ae, ø→o, å→a) and every prefix of 2 to 12 characters is stored as a keyed
 * hash (HMAC under the region's lookup key, purpose `name-token`). A search hashes the typed tokens
 * the same way and intersects the hits. Someone with the table but without the key sees only that
 * some patients share some prefix, never a name. Hits are checked against the decrypted name.
 */

export const MIN_PREFIX = 2;
export const MAX_PREFIX = 12;

/** Lower-cased, accent-free tokens of a name. */
export function nameTokens(name: string): string[] {
  const folded = name
    .toLowerCase()
    .replace(/æ/g, 'ae')
    .replace(/ø/g, 'o')
    .normalize('NFKD')
    .replace(/\p{M}/gu, '');
  return [...new Set(folded.split(/[^\p{L}\p{N}]+/u).filter((t) => t.length > 0))];
}

/** Every indexed prefix of a name's tokens. */
export function namePrefixes(name: string): string[] {
  const out = new Set<string>();
  for (const token of nameTokens(name)) {
    for (let n = Math.min(MIN_PREFIX, token.length); n <= Math.min(MAX_PREFIX, token.length); n++) out.add(token.slice(0, n));
  }
  return [...out];
}

/** The prefixes a search for `query` looks up: one per typed token, cut to the indexed length. */
export function queryPrefixes(query: string): string[] {
  return [...new Set(nameTokens(query).map((t) => t.slice(0, MAX_PREFIX)))];
}

/** Whether a decrypted name matches a query: every typed token starts some token of the name. */
export function nameMatches(name: string, query: string): boolean {
  const tokens = nameTokens(name);
  return nameTokens(query).every((q) => tokens.some((t) => t.startsWith(q)));
}

export function hashNamePrefix(prefix: string): Promise<string> {
  return lookupHasher().hash('name-token', prefix);
}
