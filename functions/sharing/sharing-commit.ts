import { globalKey } from '../../shared/db/keys';
import { platformDb, type TenantSession } from '../../shared/db/sessions';
import { ConflictError, TooManyRequestsError } from '../../shared/errors';
import type { AuditEventInput } from '../core/audit-event';
import { commitChange, commitIdempotent, CONTENDED, type GuardedWrite, IdempotencyRaceError, type IdempotencyScope, type IdempotencyStore, idempotencyWrite, replayIdempotent, requestHash, storeConflictError, type WriteOutcome } from '../core/commit';
import { deliverPendingAudit, outboxWrite, type DeliverySessions } from './audit-outbox';
import type { PatientAccessRequest } from '../core/patient-access';

/**
 * How sharing changes are committed: with their audit events, under the request's Idempotency-Key
 * (the record in the change's own transaction), and for a citizen's change that other
 * municipalities must log, with an outbox item in that same transaction (./audit-outbox.ts).
 *
 * The key is optional here only for in-process callers (seeds, tests); the HTTP routes require it.
 */

/** A prepared Idempotency-Key: its scope and where its record lives. */
export interface SharingIdempotency {
  scope: IdempotencyScope;
  store?: IdempotencyStore;
}

/**
 * Staff act in their own municipality: the record lives in its journal table, sealed under its
 * key, like the journal's own (the answer may name the patient's id there).
 */
export function staffIdempotency(session: TenantSession, req: PatientAccessRequest, operation: string, key: string | undefined, request: unknown): SharingIdempotency | undefined {
  if (key === undefined) return undefined;
  return { scope: { session, callerSub: req.caller.sub, operation, key, requestHash: requestHash(request) } };
}

/**
 * A citizen acts in no municipality (and may be a patient in none), so the record lives beside
 * the change, in the citizen's partition of the sharing table. It keeps the answer unsealed: the
 * answer holds nothing but what the blocks and consents beside it hold unsealed already (targets,
 * statuses, times) and display names from the directory.
 */
export function citizenIdempotency(nidKey: string, req: PatientAccessRequest, operation: string, key: string | undefined, request: unknown): SharingIdempotency | undefined {
  if (key === undefined) return undefined;
  const store: IdempotencyStore = {
    table: 'sharing',
    db: platformDb(),
    key: (digest) => ({ pk: globalKey('CIT', nidKey, 'IDEM', digest), sk: 'IDEM' }),
    keep: async (_digest, outcome) => ({ outcome: JSON.stringify(outcome) }),
    open: async <T>(_digest: string, item: Record<string, unknown>) => JSON.parse(String(item.outcome)) as T,
  };
  return { scope: { callerSub: req.caller.sub, operation, key, requestHash: requestHash(request) }, store };
}

/** The answer given before to this key and request, if any (409 if the key was used for another request). */
export async function replay<T>(idem: SharingIdempotency | undefined): Promise<T | undefined> {
  if (!idem) return undefined;
  return (await replayIdempotent<T>(idem.scope, idem.store))?.value;
}

/** Commits a staff member's change and its events in their municipality, under the key when given. */
export async function commitStaffChange<T>(session: TenantSession, idem: SharingIdempotency | undefined, now: Date, value: T, change: GuardedWrite[], events: AuditEventInput[]): Promise<T> {
  if (!idem) {
    await commitChange(session, change, events);
    return value;
  }
  return (await commitIdempotent(idem.scope, now, { value, version: 1, created: true }, change, events)).value;
}

/** Maps a failed transaction without audit events (no municipality to log in) like commitChange does. */
async function transactRegion(writes: GuardedWrite[]): Promise<void> {
  try {
    await platformDb().transact(writes.map((w) => w.write));
  } catch (error) {
    throw storeConflictError(error, CONTENDED, writes);
  }
}

/**
 * Commits a citizen's change in one transaction with: the first municipality's events, the
 * Idempotency-Key's record, and an outbox item owing the other municipalities theirs; then
 * delivers those (what fails stays pending, see ./audit-outbox.ts). Without any municipality (no
 * record anywhere yet) the change item itself is the record of who did it and when.
 */
export async function commitCitizenChange<T>(
  nidKey: string,
  sessions: DeliverySessions,
  idem: SharingIdempotency | undefined,
  now: Date,
  value: T,
  change: GuardedWrite[],
  events: AuditEventInput[],
): Promise<T> {
  const first = events[0]?.tenant;
  const owed = outboxWrite(
    nidKey,
    events.filter((e) => e.tenant !== first),
    now,
  );
  const outcome: WriteOutcome<T> = { value, version: 1, created: true };
  const writes: GuardedWrite[] = [
    ...(idem ? [{ write: await idempotencyWrite(idem.scope, outcome, now, idem.store), onConditionFailed: () => new IdempotencyRaceError() }] : []),
    ...change,
    ...(owed ? [{ write: owed, onConditionFailed: () => new TooManyRequestsError(CONTENDED) }] : []),
  ];
  try {
    const session = first === undefined ? undefined : await sessions(first);
    if (first !== undefined && !session) throw new Error('no session for the first municipality of a citizen change');
    if (session) await commitChange(session, writes, events.filter((e) => e.tenant === first));
    else await transactRegion(writes);
  } catch (error) {
    if (!(error instanceof IdempotencyRaceError) || !idem) throw error;
    // Another request with this key won the race: its answer is ours (or 409 if it asked something else).
    const prior = await replay<T>(idem);
    if (prior !== undefined) return prior;
    throw new ConflictError('En forespørsel med samme Idempotency-Key pågår; prøv igjen.');
  }
  if (owed) await deliverPendingAudit(nidKey, sessions, now);
  return value;
}

/** A retried request gets its earlier answer, and finishes what that request may have left owing. */
export async function replayCitizen<T>(nidKey: string, sessions: DeliverySessions, idem: SharingIdempotency | undefined): Promise<T | undefined> {
  const prior = await replay<T>(idem);
  if (prior !== undefined) await deliverPendingAudit(nidKey, sessions);
  return prior;
}
