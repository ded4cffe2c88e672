// @ts-nocheck
import { createHash } from 'node:crypto';
import { cursors, sealCursor } from '../../shared/crypto/cursor-codec';
import { ValidationError } from '../../shared/errors';
import type { FhirResource } from './document-map';

/** Who a search is for and what it asked: a `_page` opens only for the same caller and search. */
export interface SearchScope {
  resource: string;
  tenant: string;
  sub: string;
  /** The search parameters, without `_page` (and `_count`, which a client may change between pages). */
  params: Record<string, string | undefined>;
}

function scopeOf(s: SearchScope) {
  const params = Object.entries(s.params)
    .filter(([k, v]) => v !== undefined && k !== '_page' && k !== '_count')
    .sort(([a], [b]) => a.localeCompare(b));
  return { list: `fhir.${s.resource}`, tenant: s.tenant, sub: s.sub, of: createHash('sha256').update(JSON.stringify(params)).digest('base64url') };
}

/** Where the page starts: 0, or the offset an opaque `_page` from a previous page names. */
export async function pageStart(scope: SearchScope, page: string | undefined): Promise<number> {
  if (page === undefined) return 0;
  let position: { offset?: unknown };
  try {
    position = (await cursors().open(scopeOf(scope), page)) as { offset?: unknown };
  } catch {
    // The same answer as any list's bad cursor, naming FHIR's parameter.
    throw new ValidationError('Ugyldig cursor.', [{ field: 'query._page', message: 'Ukjent eller ugyldig cursor' }]);
  }
  if (typeof position.offset !== 'number' || !Number.isInteger(position.offset) || position.offset < 0) return 0;
  return position.offset;
}

/**
 * A `searchset` Bundle of one page of `matches`: `total` when the service knows it, a `self` link,
 * and a `next` link with an opaque, sealed `_page` while more remain.
 */
export async function searchset(options: {
  scope: SearchScope;
  base: string;
  matches: readonly FhirResource[];
  start: number;
  count: number;
  /** False when the service bounded the matches (there may be more than it returned). */
  complete: boolean;
}): Promise<Record<string, unknown>> {
  const { scope, base, matches, start, count } = options;
  const page = matches.slice(start, start + count);
  const query = new URLSearchParams(Object.entries(scope.params).filter((e): e is [string, string] => e[1] !== undefined && e[0] !== '_page'));
  const url = (extra: Record<string, string>) => {
    const q = new URLSearchParams(query);
    for (const [k, v] of Object.entries(extra)) q.set(k, v);
    return `${base}/${scope.resource}?${q.toString()}`;
  };
  const next = start + count < matches.length ? await sealCursor(scopeOf(scope), { offset: start + count }) : undefined;
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    ...(options.complete ? { total: matches.length } : {}),
    link: [{ relation: 'self', url: url({ _count: String(count) }) }, ...(next ? [{ relation: 'next', url: url({ _count: String(count), _page: next }) }] : [])],
    entry: page.map((resource) => ({ fullUrl: `${base}/${resource.resourceType}/${resource.id}`, resource, search: { mode: 'match' } })),
  };
}
