import { ConditionFailedError, TransactionConflictError, type TxWrite } from '../../shared/db/tenant-db';
import { ConflictError, TooManyRequestsError } from '../../shared/errors';
import { appendAudit, commitWithAudit } from './audit-chain';
import type { AuditEventInput } from './audit-event';
import { idempotencyWrite, replayIdempotent, type IdempotencyScope, type WriteOutcome } from './idempotency';

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

/**
 * Commits a change and its audit events in one transaction (both or neither). A failed condition
 * on one of the change's own writes becomes that write's domain error (412, 409, ...); an audit
 * chain that stays contended after the audit layer's retries becomes 429, so the client retries.
 */
export async function commitChange(tenant: string, writes: GuardedWrite[], events: AuditEventInput[]): Promise<void> {
  const plain = writes.map((w) => w.write);
  try {
    await commitWithAudit(tenant, () => plain, events);
  } catch (error) {
    if (error instanceof ConditionFailedError && error.index !== undefined && error.index < writes.length) {
      throw writes[error.index]?.onConditionFailed() ?? error;
    }
    if (error instanceof ConditionFailedError || error instanceof TransactionConflictError) {
      throw new TooManyRequestsError('Mange samtidige endringer på denne pasienten; prøv igjen.');
    }
    throw error;
  }
}

/**
 * Records events of a use case that changes nothing else (reads, searches, refusals) and resolves
 * only once they are stored: a read is answered after its trace exists, never before (fail closed).
 * A chain that stays contended is 429, so the client retries.
 */
export async function recordAccess(events: AuditEventInput[]): Promise<void> {
  try {
    await appendAudit(events);
  } catch (error) {
    if (error instanceof ConditionFailedError || error instanceof TransactionConflictError) {
      throw new TooManyRequestsError('Mange samtidige oppslag på denne pasienten; prøv igjen.');
    }
    throw error;
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
    await commitChange(scope.tenant, [{ write: record, onConditionFailed: () => new IdempotencyRaceError() }, ...writes], events);
    return outcome;
  } catch (error) {
    if (!(error instanceof IdempotencyRaceError)) throw error;
    const prior = await replayIdempotent<T>(scope);
    if (prior) return prior;
    throw new ConflictError('En forespørsel med samme Idempotency-Key pågår; prøv igjen.');
  }
}
