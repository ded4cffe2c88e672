import { createHash } from 'node:crypto';
import type { RequestSessions } from '../../shared/db/session-source';
import type { TenantSession } from '../../shared/db/sessions';
import { ConditionFailedError, TransactionConflictError, type Item, type PlatformDb, type TenantDb, type TxWrite } from '../../shared/db/tenant-db';
import type { TableId } from '../../shared/db/tables';
import { canonicalJson } from '../../shared/encoding/canonical-json';
import { ConflictError, TooManyRequestsError } from '../../shared/errors';
import { groupBy } from '../../shared/group-by';
import { appendAudit, appendAuditAcross, commitWithAudit } from './audit-chain';
import type { AuditEventInput } from './audit-event';
import { journalKeys, openIdempotentResult, sealIdempotentResult } from './journal-record';

/** What recordAccess needs of a request: its own session and the sessions it may open for other logs. */
export interface AccessRecorder {
  session?: TenantSession;
  sessions: RequestSessions;
}

/** A write of a change, with the domain error to raise when its condition fails. */
export interface GuardedWrite {
  write: TxWrite;
  onConditionFailed: () => Error;
}

/** Thrown when the idempotency record's condition failed: another request with the same key won. */
export class IdempotencyRaceError extends Error {
  constructor() {
    super('Idempotency key taken concurrently');
    this.name = 'IdempotencyRaceError';
  }
}

export const CONTENDED_CHANGE = 'Mange samtidige endringer på denne pasienten; prøv igjen.';
export const CONTENDED_READ = 'Mange samtidige oppslag på denne pasienten; prøv igjen.';
export const CONTENDED = 'Mange samtidige endringer; prøv igjen.';

/** The domain error to raise when the write at the same index fails its condition (undefined: none expected). */
export type ConditionErrors = readonly ((() => Error) | undefined)[];

/**
 * THE place where a store conflict becomes an answer. A failed condition on one of the change's
 * own writes becomes that write's domain error (412, 409, ...); any other failed condition or a
 * transaction conflict (an audit chain that stays contended after the audit layer's retries) is
 * 429, so the client retries. Anything else is passed on unchanged.
 */
export function storeConflictError(error: unknown, detail: string, writes: readonly Pick<GuardedWrite, 'onConditionFailed'>[] | ConditionErrors = []): unknown {
  if (error instanceof ConditionFailedError && error.index !== undefined && error.index < writes.length) {
    const guard = writes[error.index];
    const onConditionFailed = typeof guard === 'function' ? guard : guard?.onConditionFailed;
    if (onConditionFailed) return onConditionFailed();
  }
  if (error instanceof ConditionFailedError || error instanceof TransactionConflictError) return new TooManyRequestsError(detail);
  return error;
}

/**
 * THE commit of a change with its audit events, in one transaction (both or neither; the audit
 * chain's races retried in ./audit-chain.ts). The writes are built in the callback, once per
 * attempt; a failed condition on write i becomes onConditionFailed[i](), any other store conflict
 * 429 with `detail` (storeConflictError).
 */
export async function commitAudited(db: TenantDb, build: Parameters<typeof commitWithAudit>[1], events: AuditEventInput[], onConditionFailed: ConditionErrors, detail = CONTENDED): Promise<void> {
  // How many writes the last attempt built: a write that is optional (a user without a pid has no
  // pid index write) leaves its refusal unused, and the index past the built writes is the audit
  // log's (contended: 429), never that refusal.
  let built = 0;
  try {
    await commitWithAudit(
      db,
      async () => {
        const writes = await build();
        built = writes.length;
        return writes;
      },
      events,
    );
  } catch (error) {
    throw storeConflictError(error, detail, onConditionFailed.slice(0, built));
  }
}

/** commitAudited for a patient's change in the caller's session, each write with its own refusal. */
export async function commitChange(session: TenantSession, writes: GuardedWrite[], events: AuditEventInput[]): Promise<void> {
  const plain = writes.map((w) => w.write);
  await commitAudited(session.db, () => plain, events, writes.map((w) => w.onConditionFailed), CONTENDED_CHANGE);
}

/**
 * Records events of a use case that changes nothing else (reads, searches, refusals) and resolves
 * only once they are stored: a read is answered after its trace exists in every log, never before
 * (fail closed). Each municipality's events go into its own chain; the caller's municipality
 * (its session) and one other (a retrieval, a list from one origin) are written in one transaction
 * under a sharing-read session of the other, both or neither; more municipalities in parallel, each
 * through the request's session for its log (never a full session of another municipality). A
 * chain that stays contended is 429.
 */
export async function recordAccess(events: AuditEventInput[], req: AccessRecorder): Promise<void> {
  const byTenant = groupBy(events, (e) => e.tenant);
  const ownTenant = req.session?.tenant;
  const peer = [...byTenant.keys()].find((t) => t !== ownTenant);
  try {
    if (byTenant.size === 2 && ownTenant && byTenant.has(ownTenant) && peer) await appendAuditAcross(await req.sessions.auditDb(peer), events);
    else await Promise.all([...byTenant].map(async ([tenant, tenantEvents]) => appendAudit(await req.sessions.auditDb(tenant), tenantEvents)));
  } catch (error) {
    throw storeConflictError(error, CONTENDED_READ);
  }
}

/**
 * Commits a change under an Idempotency-Key: the key's record goes into the same transaction, so
 * the change and "this key is used" happen together. When another request with the same key won
 * the race, its stored outcome is returned instead (or 409 if it was a different request).
 */
export async function commitIdempotent<T>(scope: IdempotencyScope, now: Date, outcome: WriteOutcome<T>, writes: GuardedWrite[], events: AuditEventInput[]): Promise<WriteOutcome<T>> {
  const record = await idempotencyWrite(scope, outcome, now);
  try {
    if (!scope.session) throw new Error('an idempotent change is made in a tenant session');
    await commitChange(scope.session, [{ write: record, onConditionFailed: () => new IdempotencyRaceError() }, ...writes], events);
    return outcome;
  } catch (error) {
    if (!(error instanceof IdempotencyRaceError)) throw error;
    const prior = await replayIdempotent<T>(scope);
    if (prior) return prior;
    throw new ConflictError('En forespørsel med samme Idempotency-Key pågår; prøv igjen.');
  }
}

// ---------------------------------------------------------------- idempotency

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
  /** Set on a replay: the stored outcome of an earlier request with the same key (nothing was written now). */
  replayed?: boolean;
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
  const { pk, sk } = idempotencyRecordKey(scope, store);
  return replayFrom<T>(scope, await store.db.get(store.table, pk, sk), store);
}

/** Where the key's record lives: what a use case reads along with its access decision (one round trip, not one of its own). */
export function idempotencyRecordKey(scope: IdempotencyScope, store: IdempotencyStore = journalIdempotencyStore(scope.session)): { table: TableId; pk: string; sk: string } {
  return { table: store.table, ...store.key(recordDigest(scope)) };
}

/** replayIdempotent on the record read already (undefined: there is none). */
export async function replayFrom<T>(scope: IdempotencyScope, item: Item | undefined, store: IdempotencyStore = journalIdempotencyStore(scope.session)): Promise<WriteOutcome<T> | undefined> {
  if (!item) return undefined;
  // An expired record may linger until DynamoDB's TTL sweep removes it; it no longer counts.
  if (typeof item.expiresAt === 'number' && item.expiresAt * 1000 < Date.now()) return undefined;
  if (item.requestHash !== scope.requestHash) {
    throw new ConflictError('Idempotency-Key er allerede brukt for en annen forespørsel.', { idempotencyKey: 'reused' });
  }
  return { ...(await store.open<WriteOutcome<T>>(recordDigest(scope), item)), replayed: true };
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
