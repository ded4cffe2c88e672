import { randomUUID } from 'node:crypto';
import type { AuditPatientView, AuditReviewView as ReviewView, ReviewConclusion as Conclusion, ReviewQueueItemView as QueueItemView, ReviewQueueKind } from '../../shared/contracts/audit';
import type { TenantSession } from '../../shared/db/sessions';
import { openKeyCursor, sealPage } from '../../shared/crypto/cursor-codec';
import { NotFoundError } from '../../shared/errors';
import { commitAudited } from '../core/commit';
import { assertTenantAuditReader, auditEventFor, recordAuditAct, type AuditRequest } from './audit-access';
import { queueItem, queuePage, readEventBySk, reviewsBetween, reviewWrite, type QueuePointer, type ReviewRecord, type StoredReview } from './audit-store';
import { toEventView } from './event-view';
import { patientIdentities } from './patient-identity';

/**
 * The tenant auditor's review queue: flagged events (emergency access, self-authorised care
 * relationships, refused attempts) with the reviews recorded for them. A review is a new item beside the queue
 * item, never an update, and is written in one transaction with its own audit event.
 */

const QUEUE_SK = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z#[0-9a-f-]{36}$/;

/** The queue item's opaque id (its key inside the tenant's queue). */
export function queueItemId(queueSk: string): string {
  return Buffer.from(queueSk, 'utf8').toString('base64url');
}

function queueSkOf(itemId: string): string {
  const sk = Buffer.from(itemId, 'base64url').toString('utf8');
  if (!QUEUE_SK.test(sk)) throw new NotFoundError('Finner ikke saken i kontrollkøen.');
  return sk;
}

const noteContext = (tenant: string, reviewId: string) => ({ tenant, record: reviewId, kind: 'audit-review-note' });

async function reviewView(session: TenantSession, r: ReviewRecord): Promise<ReviewView> {
  const note = (await session.keys.decrypt(noteContext(session.tenant, r.reviewId), r.noteSealed)).toString('utf8');
  return {
    id: r.reviewId,
    itemId: queueItemId(r.queueSk),
    eventId: r.eventId,
    time: r.time,
    reviewer: r.reviewer,
    conclusion: r.conclusion as Conclusion,
    note,
  };
}

async function itemView(session: TenantSession, pointer: QueuePointer, reviews: StoredReview[], patient: AuditPatientView | undefined): Promise<QueueItemView> {
  const event = await readEventBySk(session, pointer.eventStream, pointer.eventSk);
  const eventView = event && event.eventId === pointer.eventId ? await toEventView(event, { withReason: true, keys: session.keys }) : null;
  return {
    id: queueItemId(pointer.sk),
    eventId: pointer.eventId,
    time: pointer.time,
    action: pointer.action,
    flagReason: pointer.flagReason,
    patientId: pointer.patientId,
    ...(patient ? { patient } : {}),
    status: reviews.length > 0 ? 'reviewed' : 'open',
    event: eventView && patient ? { ...eventView, patient } : eventView,
    reviews: await Promise.all(reviews.map((r) => reviewView(session, r))),
  };
}

/** Whether a queue pointer is of the asked kind (what flagged its event). */
function ofKind(pointer: QueuePointer, kind: ReviewQueueKind | 'all'): boolean {
  return kind === 'all' || pointer.flagReason === kind;
}

/**
 * A page of the queue, newest first. With `status` open or reviewed, or a `kind`, other items are
 * left out of the page, so a page may hold fewer than `limit` items while a cursor remains. The
 * patients are named for the auditor role, from the municipality's own patient records.
 */
export async function listReviewQueue(
  req: AuditRequest,
  query: { status: 'open' | 'reviewed' | 'all'; kind?: ReviewQueueKind | 'all'; limit: number; cursor?: string },
): Promise<{ items: QueueItemView[]; nextCursor?: string }> {
  await assertTenantAuditReader(req, 'review-queue');
  const scope = { list: 'audit.review-queue', tenant: req.tenant, sub: req.caller.sub };
  const page = await queuePage(req.session, { limit: query.limit, cursor: await openKeyCursor(scope, query.cursor) });
  const pointers = page.items.filter((p) => ofKind(p, query.kind ?? 'all'));
  const sks = pointers.map((p) => p.sk).sort();
  const reviews = sks.length > 0 ? await reviewsBetween(req.session, sks[0] ?? '', sks.at(-1) ?? '') : [];
  const patients = await patientIdentities(req.caller, req.session, pointers.map((p) => p.patientId));
  const items = await Promise.all(
    pointers.map((p) => itemView(req.session, p, reviews.filter((r) => r.queueSk === p.sk), p.patientId ? patients.get(p.patientId) : undefined)),
  );
  const shown = items.filter((i) => query.status === 'all' || i.status === query.status);
  await recordAuditAct(req, [auditEventFor(req, 'audit.read', { details: { view: 'review-queue', count: shown.length } })]);
  return sealPage(scope, { items: shown, nextCursor: page.nextCursor });
}

/** Records the auditor's review of one queue item, with its audit event, in one transaction. */
export async function reviewQueueItem(req: AuditRequest, itemId: string, body: { conclusion: Conclusion; note: string }): Promise<ReviewView> {
  await assertTenantAuditReader(req, 'review');
  const queueSk = queueSkOf(itemId);
  const pointer = await queueItem(req.session, queueSk);
  if (!pointer) throw new NotFoundError('Finner ikke saken i kontrollkøen.');
  const reviewId = randomUUID();
  const review: ReviewRecord = {
    reviewId,
    queueSk,
    eventId: pointer.eventId,
    time: new Date().toISOString(),
    reviewer: { sub: req.caller.sub, ...(req.caller.name ? { name: req.caller.name } : {}) },
    conclusion: body.conclusion,
    // The note may name what the auditor found; it is sealed like other free text.
    noteSealed: await req.session.keys.encrypt(noteContext(req.tenant, reviewId), body.note),
  };
  await commitAudited(req.session.db, () => [reviewWrite(req.tenant, review)], [
    auditEventFor(req, 'audit.review', { recordId: pointer.eventId, details: { conclusion: body.conclusion, reviewId } }),
  ], []);
  return reviewView(req.session, review);
}
