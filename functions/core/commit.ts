import type { RequestSessions } from '../../shared/db/session-source';
import type { TenantSession } from '../../shared/db/sessions';
import { ConditionFailedError, TransactionConflictError, type TenantDb, type TxWrite } from '../../shared/db/tenant-db';
import { ConflictError, TooManyRequestsError } from '../../shared/errors';
import { groupBy } from '../../shared/group-by';
import { appendAudit, appendAuditAcross, commitWithAudit } from './audit-chain';
import type { AuditEventInput } from './audit-event';
import { idempotencyWrite, replayIdempotent, type IdempotencyScope, type WriteOutcome } from './idempotency';

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

/** Commits a change and its audit events in one transaction (both or neither); conflicts as storeConflictError says. */
export async function commitChange(session: TenantSession, writes: GuardedWrite[], events: AuditEventInput[]): Promise<void> {
  const plain = writes.map((w) => w.write);
  try {
    await commitWithAudit(session.db, () => plain, events);
  } catch (error) {
    throw storeConflictError(error, CONTENDED_CHANGE, writes);
  }
}

/**
 * commitWithAudit for changes whose writes are built in its callback (registry, users, vendors):
 * a failed condition on write i becomes onConditionFailed[i](), any other store conflict 429
 * (storeConflictError).
 */
export async function commitAudited(db: TenantDb, build: Parameters<typeof commitWithAudit>[1], events: AuditEventInput[], onConditionFailed: ConditionErrors, detail = CONTENDED): Promise<void> {
  try {
    await commitWithAudit(db, build, events);
  } catch (error) {
    throw storeConflictError(error, detail, onConditionFailed);
  }
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
