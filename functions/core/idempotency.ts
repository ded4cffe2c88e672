import { createHash } from 'node:crypto';
import { ConflictError } from '../../shared/errors';
import { canonicalJson } from '../../shared/encoding/canonical-json';
import type { TenantSession } from '../../shared/db/sessions';
import type { Item, PlatformDb, TenantDb, TxWrite } from '../../shared/db/tenant-db';
import type { TableId } from '../../shared/db/tables';
import { journalKeys, openIdempotentResult, sealIdempotentResult } from './journal-record';

/**
 * Idempotency-Key handling for POSTs. The record is written in the same transaction as the change
 * it stands for, so "the change happened" and "the key is used" are one fact. A retry with the same
 * key and the same request gets the stored result and writes nothing; the same key with another
 * request is refused (409). Records expire (TTL attribute `expiresAt`) after 24 hours.
 */

export const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;

export interface IdempotencyScope {
  /** The municipality's session the change is made in; absent for a citizen (their store says where). */
  session?: TenantSession;
  /** Keys are scoped to the caller and the operation: two users cannot collide. */
  callerSub: string;
  operation: string;
  key: string;
  /** Hash of the request (path parameters and body) the key was first used with. */
  requestHash: string;
}

/** What a write use case returns, and what a replay gives back. */
export interface WriteOutcome<T> {
  value: T;
  version: number;
  created: boolean;
}

/** A stable hash of what was asked (key order does not matter). */
export function requestHash(request: unknown): string {
  return createHash('sha256').update(canonicalJson(request)).digest('hex');
}

function recordDigest(scope: IdempotencyScope): string {
  return createHash('sha256').update(`${scope.session?.tenant ?? 'citizen'}\u0000${scope.callerSub}\u0000${scope.operation}\u0000${scope.key}`).digest('hex');
}

/**
 * Where a service keeps its idempotency records and how it keeps the stored outcome. The journal
 * keeps them in the tenant's journal table, sealed under the tenant's key; a service whose change
 * lives elsewhere (the region-wide sharing table) keeps them beside that change, so they still go
 * into the change's own transaction.
 */
export interface IdempotencyStore {
  table: TableId;
  /** The handle the record is read with (the tenant's session, or the platform's sharing table). */
  db: TenantDb | PlatformDb;
  key(digest: string): { pk: string; sk: string };
  /** The outcome's stored attributes. */
  keep(digest: string, outcome: unknown): Promise<Item>;
  /** The outcome back from the stored item. */
  open<T>(digest: string, item: Item): Promise<T>;
}

/** The journal's store: the tenant's journal table, outcome sealed under the tenant's key. */
export function journalIdempotencyStore(session: TenantSession | undefined): IdempotencyStore {
  if (!session) throw new Error('a journal idempotency record needs the tenant session');
  return {
    table: 'journal',
    db: session.db,
    key: (digest) => ({ pk: journalKeys.idempotencyPk(session.tenant, digest), sk: journalKeys.idempotencySk }),
    keep: async (digest, outcome) => ({ sealed: await sealIdempotentResult(session, digest, outcome) }),
    open: <T>(digest: string, item: Item) => openIdempotentResult<T>(session, digest, item.sealed as Uint8Array),
  };
}

/** The stored outcome for this key, if the request was done before; 409 if the key was used for something else. */
export async function replayIdempotent<T>(scope: IdempotencyScope, store: IdempotencyStore = journalIdempotencyStore(scope.session)): Promise<WriteOutcome<T> | undefined> {
  const digest = recordDigest(scope);
  const { pk, sk } = store.key(digest);
  const item = await store.db.get(store.table, pk, sk);
  if (!item) return undefined;
  // An expired record may linger until DynamoDB's TTL sweep removes it; it no longer counts.
  if (typeof item.expiresAt === 'number' && item.expiresAt * 1000 < Date.now()) return undefined;
  if (item.requestHash !== scope.requestHash) {
    throw new ConflictError('Idempotency-Key er allerede brukt for en annen forespørsel.', { idempotencyKey: 'reused' });
  }
  return store.open<WriteOutcome<T>>(digest, item);
}

/** The record's write for the change's transaction; fails its condition if the key was taken meanwhile. */
export async function idempotencyWrite<T>(scope: IdempotencyScope, outcome: WriteOutcome<T>, now: Date, store: IdempotencyStore = journalIdempotencyStore(scope.session)): Promise<TxWrite> {
  const digest = recordDigest(scope);
  return {
    kind: 'put',
    table: store.table,
    item: {
      ...store.key(digest),
      itemType: 'idempotency',
      operation: scope.operation,
      requestHash: scope.requestHash,
      ...(await store.keep(digest, outcome)),
      createdAt: now.toISOString(),
      expiresAt: Math.floor(now.getTime() / 1000) + IDEMPOTENCY_TTL_SECONDS,
    },
    // A record past its expiry that the TTL sweep has not removed yet may be replaced.
    condition: { expression: 'attribute_not_exists(pk) OR expiresAt < :now', values: { ':now': Math.floor(now.getTime() / 1000) } },
  };
}
