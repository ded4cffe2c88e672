// @ts-nocheck
import { MAX_PREFIX, MIN_PREFIX, nameTokens, nameWordsFit, TOO_MANY_NAME_WORDS } from '../../shared/contracts/names';
import { lookupHasher } from '../../shared/crypto/lookup-hash';
import { ValidationError } from '../../shared/errors';

/**
 * Searchable names without names in the table: each name token is normalised (lower case,
 * accents stripped, æ→ae, ø→o, å→a) and every prefix of 2 to 12 characters is stored as a keyed
 * hash (HMAC under the region's lookup key, purpose `name-token`). A search hashes the typed tokens
 * the same way and intersects the hits. Someone with the table but without the key sees only that
 * some patients share some prefix, never a name. Hits are checked against the decrypted name.
 */

export { MAX_NAME_WORDS, MAX_PREFIX, MIN_PREFIX, nameTokens } from '../../shared/contracts/names';

/**
 * Every indexed prefix of a name's tokens. A name of more than MAX_NAME_WORDS words cannot be
 * stored in one transaction: the contract refuses it at the edge, and this refuses it again (400)
 * for any other caller, before a single hash is computed.
 */
export function namePrefixes(name: string): string[] {
  if (!nameWordsFit(name)) throw new ValidationError(TOO_MANY_NAME_WORDS, [{ field: 'body.name', message: TOO_MANY_NAME_WORDS }]);
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
