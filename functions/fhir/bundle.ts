import { createHash } from 'node:crypto';
import { cursors, sealCursor } from '../../shared/crypto/cursor-codec';
import { ValidationError } from '../../shared/errors';
import type { FhirResource } from './document-map';

/** Who a search is for and what it asked: a `_page` opens only for the same caller and search. */
export interface SearchScope {
  resource: string;
  /** Where the search is served below the base when not `<resource>` (a compartment: `Patient/<id>/DocumentReference`). */
  path?: string;
  tenant: string;
  sub: string;
  /** The search parameters, without `_page` (and `_count`, which a client may change between pages). */
  params: Record<string, string | undefined>;
}

function scopeOf(s: SearchScope) {
  const params = Object.entries(s.params)
    .filter(([k, v]) => v !== undefined && k !== '_page' && k !== '_count')
    .sort(([a], [b]) => a.localeCompare(b));
  return { list: `fhir.${s.path ?? s.resource}`, tenant: s.tenant, sub: s.sub, of: createHash('sha256').update(JSON.stringify(params)).digest('base64url') };
}

/** A page's position in a list the store pages itself (its sealed page key), or undefined on a first page. */
export async function pageKey(scope: SearchScope, page: string | undefined): Promise<string | undefined> {
  if (page === undefined) return undefined;
  const position = await cursors()
    .open(scopeOf(scope), page)
    .catch(() => undefined);
  // The same answer as any list's bad cursor, naming FHIR's parameter.
  if (typeof position !== 'string') throw new ValidationError('Ugyldig cursor.', [{ field: 'query._page', message: 'Ukjent eller ugyldig cursor' }]);
  return position;
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
  const { scope, matches, start, count } = options;
  const next = start + count < matches.length ? await sealCursor(scopeOf(scope), { offset: start + count }) : undefined;
  return bundleOf(scope, options.base, matches.slice(start, start + count), count, next, options.complete ? matches.length : undefined);
}

/**
 * A `searchset` Bundle of one page a store paged itself: its matches, and a `next` link with the
 * store's page key sealed as the opaque `_page` while the store has more. Without a total (the
 * store does not count).
 */
export async function keyedSearchset(options: { scope: SearchScope; base: string; page: readonly FhirResource[]; count: number; nextKey: string | undefined }): Promise<Record<string, unknown>> {
  const next = options.nextKey === undefined ? undefined : await sealCursor(scopeOf(options.scope), options.nextKey);
  return bundleOf(options.scope, options.base, options.page, options.count, next, undefined);
}

function bundleOf(scope: SearchScope, base: string, page: readonly FhirResource[], count: number, next: string | undefined, total: number | undefined): Record<string, unknown> {
  const query = new URLSearchParams(Object.entries(scope.params).filter((e): e is [string, string] => e[1] !== undefined && e[0] !== '_page'));
  const url = (extra: Record<string, string>) => {
    const q = new URLSearchParams(query);
    for (const [k, v] of Object.entries(extra)) q.set(k, v);
    return `${base}/${scope.path ?? scope.resource}?${q.toString()}`;
  };
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    ...(total !== undefined ? { total } : {}),
    link: [{ relation: 'self', url: url({ _count: String(count) }) }, ...(next ? [{ relation: 'next', url: url({ _count: String(count), _page: next }) }] : [])],
    entry: page.map((resource) => ({ fullUrl: `${base}/${resource.resourceType}/${resource.id}`, resource, search: { mode: 'match' } })),
  };
}
