import { randomUUID } from 'node:crypto';
import {
  isSharableEntryType,
  type CorrectEntryRequest,
  type CreateEntryRequest,
  type EditDraftRequest,
  type Entry,
  type EntryAction,
  type EntryStatus,
  type EntryVersion,
  type EnteredInErrorRequest,
  type Timeline,
  type TimelineQuery,
} from '../../shared/contracts/journal';
import { ConflictError, NotFoundError, PreconditionFailedError, ValidationError } from '../../shared/errors';
import { settle } from '../../shared/settle';
import { readTenantProfile } from '../../shared/tenancy/tenant-profile';
import { expectVersion } from './etag';
import { replayIdempotent, requestHash, type IdempotencyScope, type WriteOutcome } from '../core/idempotency';
import { commitChange, commitIdempotent, type GuardedWrite, recordAccess } from '../core/commit';
import { authorize, authorOf, denyAfterAccess, accessEvent, nowOf, type Authorized, type TenantRequest } from '../core/patient-access';
import { openEntryVersion, sealEntryVersion } from '../core/journal-crypto';
import type { EntryItem, EntrySealed, EntryVersionItem } from '../core/journal-items';
import { journalKeys } from '../core/journal-keys';
import { entryVersionWrites, listEntryVersions, timelinePage } from './entry-store';
import { getEntry as loadEntry, toEntry } from '../core/entry-record';
import { documentIndexWrites } from '../core/document-index';

/**
 * Journal entries. Every change is a new, immutable version item beside the entry's head (the
 * current version); the head is replaced only if it is still at the version the caller read
 * (If-Match), and the version number must be free, so concurrent writers never lose an update.
 * Drafts are edited by their author; signing freezes the content; a correction (retting) or an
 * entered-in-error mark is a new version with a reason, and every earlier version stays readable.
 */

/** How far in the future an event time may lie (clock skew), in ms. */
const FUTURE_TOLERANCE_MS = 5 * 60_000;

export const RULE_AUTHOR_ONLY = 'draft-author-only';
export const RULE_HPR_REQUIRED = 'hpr-required';

/** One stored version as the API shows it. */
export async function toVersion(tenant: string, item: EntryVersionItem): Promise<EntryVersion> {
  const content = await openEntryVersion(tenant, item.patientId, item.entryId, item.version, item.sealed);
  return {
    entryId: item.entryId,
    version: item.version,
    action: item.action,
    status: item.status,
    title: content.title,
    text: content.text,
    ...(content.data ? { data: content.data } : {}),
    eventTime: item.eventTime,
    recordedAt: item.recordedAt,
    changedBy: item.changedBy,
    ...(content.reason ? { reason: content.reason } : {}),
  };
}

interface NextVersion {
  head: EntryItem;
  version: EntryVersionItem;
}

/** The head and version item of version `head.version + 1` (or of version 1 for a new entry). */
async function nextVersion(
  req: TenantRequest,
  base: Omit<EntryItem, 'version' | 'status' | 'recordedAt' | 'changedBy' | 'sealed' | 'gsi1sk'>,
  versionNo: number,
  action: EntryAction,
  status: EntryStatus,
  content: EntrySealed,
  now: Date,
  extra: Partial<Pick<EntryItem, 'signedAt' | 'signedBy'>> = {},
): Promise<NextVersion> {
  const recordedAt = now.toISOString();
  const changedBy = authorOf(req.caller);
  const sealed = await sealEntryVersion(req.tenant, base.patientId, base.entryId, versionNo, content);
  const head: EntryItem = {
    ...base,
    ...extra,
    status,
    version: versionNo,
    recordedAt,
    changedBy,
    sealed,
    gsi1sk: journalKeys.timelineSk(base.eventTime, base.entryId),
  };
  const version: EntryVersionItem = {
    pk: base.pk,
    sk: journalKeys.entryVersionSk(base.entryId, versionNo),
    itemType: 'entry-version',
    entryId: base.entryId,
    patientId: base.patientId,
    entryType: base.entryType,
    version: versionNo,
    action,
    status,
    unit: base.unit,
    eventTime: base.eventTime,
    recordedAt,
    changedBy,
    sealed,
  };
  return { head, version };
}

/**
 * Commits a new version; when another writer got there first (412), the refusal names the version
 * now current, so the client can read it and decide again.
 */
async function commitVersion<T>(req: TenantRequest, patientId: string, entryId: string, commit: () => Promise<T>): Promise<T> {
  try {
    return await commit();
  } catch (error) {
    if (!(error instanceof PreconditionFailedError) || error.extra.currentVersion !== undefined) throw error;
    const current = await loadEntry(req.tenant, patientId, entryId);
    throw new PreconditionFailedError(error.detail, current ? { currentVersion: current.version } : {});
  }
}

function guarded(next: NextVersion, expected: number | undefined): GuardedWrite[] {
  return entryVersionWrites(next.head, next.version, expected).map((write) => ({
    write,
    onConditionFailed: () => new PreconditionFailedError('Journalnotatet ble endret av noen andre; hent det på nytt.'),
  }));
}

/** The entry's writes plus, for sharable entries past draft, the document index update in the same transaction. */
async function guardedWithIndex(req: TenantRequest, auth: Authorized, next: NextVersion, expected: number, title: string): Promise<GuardedWrite[]> {
  const index = await documentIndexWrites(req.tenant, auth.context.patient.nidKey, next.head, title);
  return [
    ...guarded(next, expected),
    ...index.map((write) => ({ write, onConditionFailed: () => new PreconditionFailedError('Journalnotatet ble endret av noen andre; hent det på nytt.') })),
  ];
}

function eventTimeOf(value: string | undefined, now: Date): string {
  if (!value) return now.toISOString();
  const t = new Date(value);
  if (t.getTime() > now.getTime() + FUTURE_TOLERANCE_MS) {
    throw new ValidationError('Hendelsestidspunktet kan ikke ligge i fremtiden.', [{ field: 'body.eventTime', message: 'Kan ikke ligge i fremtiden' }]);
  }
  return t.toISOString();
}

async function unitFor(req: TenantRequest, requested: string | undefined): Promise<string> {
  const unit = requested ?? req.caller.unit;
  if (!unit) throw new ValidationError('Oppgi enheten journalnotatet skrives i.', [{ field: 'body.unit', message: 'Påkrevd når du ikke tilhører en enhet' }]);
  if (unit !== req.caller.unit) {
    const profile = await readTenantProfile(req.tenant);
    if (!profile?.units.some((u) => u.id === unit)) throw new ValidationError('Ukjent enhet.', [{ field: 'body.unit', message: 'Enheten finnes ikke i kommunen' }]);
  }
  return unit;
}

function target(auth: Authorized, entryId: string) {
  return { patientId: auth.context.patient.patientId, nidKey: auth.context.patient.nidKey, recordId: entryId };
}

function required(head: EntryItem | undefined): EntryItem {
  if (!head) throw new NotFoundError('Journalnotatet finnes ikke.');
  return head;
}

/** Signing, correcting and marking need a person with an HPR number (hpl § 40: who recorded it). */
async function requireHpr(req: TenantRequest, auditAction: string, auth: Authorized, entryId: string): Promise<void> {
  if (req.caller.kind !== 'person' || !req.caller.hpr) {
    await denyAfterAccess(req, auditAction, target(auth, entryId), RULE_HPR_REQUIRED, 'Bare helsepersonell med HPR-nummer kan signere eller rette journalnotater.');
  }
}

function scopeOf(req: TenantRequest, operation: string, key: string, request: unknown): IdempotencyScope {
  return { tenant: req.tenant, callerSub: req.caller.sub, operation, key, requestHash: requestHash(request) };
}

/** Creates a draft entry. */
export async function createEntry(req: TenantRequest, patientId: string, body: CreateEntryRequest, idempotencyKey: string): Promise<WriteOutcome<Entry>> {
  const scope = scopeOf(req, 'createEntry', idempotencyKey, { patientId, body });
  const priorRead = settle(replayIdempotent<Entry>(scope));
  const auth = await authorize(req, patientId, 'journal.write', 'entry.create');
  const prior = (await priorRead)();
  if (prior) return prior;

  const now = nowOf(req);
  const entryId = randomUUID();
  const unit = await unitFor(req, body.unit);
  const eventTime = eventTimeOf(body.eventTime, now);
  const author = authorOf(req.caller);
  const next = await nextVersion(
    req,
    {
      pk: journalKeys.patientPk(req.tenant, patientId),
      sk: journalKeys.entrySk(entryId),
      itemType: 'entry',
      entryId,
      patientId,
      entryType: body.type,
      unit,
      eventTime,
      createdAt: now.toISOString(),
      author,
      gsi1pk: journalKeys.timelinePk(req.tenant, patientId),
    },
    1,
    'created',
    'draft',
    { title: body.title, text: body.text, ...(body.data ? { data: body.data } : {}) },
    now,
  );
  const value = await toEntry(req.tenant, next.head);
  const event = accessEvent(req, 'entry.create', 'success', target(auth, entryId), auth.decision, { type: body.type, version: 1 });
  return commitIdempotent(scope, now, { value, version: 1, created: true }, guarded(next, undefined), [event]);
}

/** Edits a draft (its author only), conditional on If-Match. */
export async function editDraft(req: TenantRequest, patientId: string, entryId: string, body: EditDraftRequest, ifMatch: string | undefined): Promise<WriteOutcome<Entry>> {
  const expected = expectVersion(ifMatch);
  const headRead = settle(loadEntry(req.tenant, patientId, entryId));
  const auth = await authorize(req, patientId, 'journal.write', 'entry.update', { recordId: entryId });
  const head = required((await headRead)());
  if (head.status !== 'draft') throw new ConflictError('Signerte journalnotater endres ikke; lag en retting.', { status: head.status });
  if (head.author.sub !== req.caller.sub) {
    await denyAfterAccess(req, 'entry.update', target(auth, entryId), RULE_AUTHOR_ONLY, 'Bare forfatteren kan endre et utkast.');
  }
  if (head.version !== expected) throw new PreconditionFailedError('Journalnotatet er endret siden du hentet det.', { currentVersion: head.version });
  const now = nowOf(req);
  const eventTime = body.eventTime ? eventTimeOf(body.eventTime, now) : head.eventTime;
  const next = await nextVersion(req, { ...head, eventTime }, head.version + 1, 'edited', 'draft', { title: body.title, text: body.text, ...(body.data ? { data: body.data } : {}) }, now);
  const event = accessEvent(req, 'entry.update', 'success', target(auth, entryId), auth.decision, { version: next.head.version });
  await commitVersion(req, patientId, entryId, () => commitChange(req.tenant, guarded(next, head.version), [event]));
  return { value: await toEntry(req.tenant, next.head), version: next.head.version, created: false };
}

/** Signs a draft (its author, with HPR). The content never changes after this. */
export async function signEntry(req: TenantRequest, patientId: string, entryId: string, ifMatch: string | undefined, idempotencyKey: string): Promise<WriteOutcome<Entry>> {
  const expected = expectVersion(ifMatch);
  const scope = scopeOf(req, 'signEntry', idempotencyKey, { patientId, entryId });
  const priorRead = settle(replayIdempotent<Entry>(scope));
  const headRead = settle(loadEntry(req.tenant, patientId, entryId));
  const auth = await authorize(req, patientId, 'journal.write', 'entry.sign', { recordId: entryId });
  const prior = (await priorRead)();
  if (prior) return prior;
  const head = required((await headRead)());
  if (head.status !== 'draft') throw new ConflictError('Journalnotatet er allerede signert.', { status: head.status });
  if (head.author.sub !== req.caller.sub) {
    await denyAfterAccess(req, 'entry.sign', target(auth, entryId), RULE_AUTHOR_ONLY, 'Bare forfatteren kan signere utkastet.');
  }
  await requireHpr(req, 'entry.sign', auth, entryId);
  if (head.version !== expected) throw new PreconditionFailedError('Journalnotatet er endret siden du hentet det.', { currentVersion: head.version });
  const now = nowOf(req);
  const content = await openEntryVersion(req.tenant, patientId, entryId, head.version, head.sealed);
  const next = await nextVersion(req, head, head.version + 1, 'signed', 'signed', content, now, { signedAt: now.toISOString(), signedBy: authorOf(req.caller) });
  const value = await toEntry(req.tenant, next.head);
  const event = accessEvent(req, 'entry.sign', 'success', target(auth, entryId), auth.decision, { version: next.head.version, type: head.entryType });
  const writes = await guardedWithIndex(req, auth, next, head.version, content.title);
  return commitVersion(req, patientId, entryId, () => commitIdempotent(scope, now, { value, version: next.head.version, created: false }, writes, [event]));
}

/** Corrects a signed entry (retting): a new version with new content and the reason; earlier versions stay. */
export async function correctEntry(
  req: TenantRequest,
  patientId: string,
  entryId: string,
  body: CorrectEntryRequest,
  ifMatch: string | undefined,
  idempotencyKey: string,
): Promise<WriteOutcome<Entry>> {
  const expected = expectVersion(ifMatch);
  const scope = scopeOf(req, 'correctEntry', idempotencyKey, { patientId, entryId, body });
  const priorRead = settle(replayIdempotent<Entry>(scope));
  const headRead = settle(loadEntry(req.tenant, patientId, entryId));
  const auth = await authorize(req, patientId, 'journal.write', 'entry.correct', { recordId: entryId });
  const prior = (await priorRead)();
  if (prior) return prior;
  const head = required((await headRead)());
  if (head.status === 'draft') throw new ConflictError('Et utkast rettes ikke; endre det i stedet.', { status: head.status });
  if (head.status === 'entered-in-error') throw new ConflictError('Journalnotatet er markert som feilført.', { status: head.status });
  await requireHpr(req, 'entry.correct', auth, entryId);
  if (head.version !== expected) throw new PreconditionFailedError('Journalnotatet er endret siden du hentet det.', { currentVersion: head.version });
  const now = nowOf(req);
  const next = await nextVersion(
    req,
    head,
    head.version + 1,
    'corrected',
    'corrected',
    { title: body.title, text: body.text, ...(body.data ? { data: body.data } : {}), reason: body.reason },
    now,
  );
  const value = await toEntry(req.tenant, next.head);
  const event = { ...accessEvent(req, 'entry.correct', 'success', target(auth, entryId), auth.decision, { version: next.head.version }), reason: body.reason };
  const writes = await guardedWithIndex(req, auth, next, head.version, body.title);
  return commitVersion(req, patientId, entryId, () => commitIdempotent(scope, now, { value, version: next.head.version, created: false }, writes, [event]));
}

/** Marks an entry as entered in error (e.g. wrong patient). Nothing is deleted; the mark is a new version. */
export async function markEnteredInError(
  req: TenantRequest,
  patientId: string,
  entryId: string,
  body: EnteredInErrorRequest,
  ifMatch: string | undefined,
  idempotencyKey: string,
): Promise<WriteOutcome<Entry>> {
  const expected = expectVersion(ifMatch);
  const scope = scopeOf(req, 'markEnteredInError', idempotencyKey, { patientId, entryId, body });
  const priorRead = settle(replayIdempotent<Entry>(scope));
  const headRead = settle(loadEntry(req.tenant, patientId, entryId));
  const auth = await authorize(req, patientId, 'journal.write', 'entry.entered-in-error', { recordId: entryId });
  const prior = (await priorRead)();
  if (prior) return prior;
  const head = required((await headRead)());
  if (head.status === 'entered-in-error') throw new ConflictError('Journalnotatet er allerede markert som feilført.', { status: head.status });
  if (head.status === 'draft' && head.author.sub !== req.caller.sub) {
    await denyAfterAccess(req, 'entry.entered-in-error', target(auth, entryId), RULE_AUTHOR_ONLY, 'Bare forfatteren kan markere sitt utkast.');
  }
  await requireHpr(req, 'entry.entered-in-error', auth, entryId);
  if (head.version !== expected) throw new PreconditionFailedError('Journalnotatet er endret siden du hentet det.', { currentVersion: head.version });
  const now = nowOf(req);
  const content = await openEntryVersion(req.tenant, patientId, entryId, head.version, head.sealed);
  const next = await nextVersion(req, head, head.version + 1, 'entered-in-error', 'entered-in-error', { ...content, reason: body.reason }, now);
  const value = await toEntry(req.tenant, next.head);
  const event = { ...accessEvent(req, 'entry.entered-in-error', 'success', target(auth, entryId), auth.decision, { version: next.head.version }), reason: body.reason };
  // A draft marked in error was never shared; a signed one is withdrawn from the index (status only).
  const writes = head.status === 'draft' ? guarded(next, head.version) : await guardedWithIndex(req, auth, next, head.version, content.title);
  return commitVersion(req, patientId, entryId, () => commitIdempotent(scope, now, { value, version: next.head.version, created: false }, writes, [event]));
}

/** Reads an entry's current version (audited before it is returned). */
export async function readEntry(req: TenantRequest, patientId: string, entryId: string): Promise<Entry> {
  const headRead = settle(loadEntry(req.tenant, patientId, entryId));
  const auth = await authorize(req, patientId, 'journal.read', 'entry.read', { recordId: entryId });
  const head = required((await headRead)());
  const entry = await toEntry(req.tenant, head);
  await recordAccess([accessEvent(req, 'entry.read', 'success', target(auth, entryId), auth.decision, { version: head.version })]);
  return entry;
}

/** An entry's versions, oldest first (audited). */
export async function readEntryVersions(req: TenantRequest, patientId: string, entryId: string, limit: number, cursor?: string): Promise<{ versions: EntryVersion[]; nextCursor?: string }> {
  const headRead = settle(loadEntry(req.tenant, patientId, entryId));
  const pageRead = settle(listEntryVersions(req.tenant, patientId, entryId, limit, cursor));
  const auth = await authorize(req, patientId, 'journal.read', 'entry.history', { recordId: entryId });
  required((await headRead)());
  const page = (await pageRead)();
  const versions = await Promise.all(page.items.map((v) => toVersion(req.tenant, v)));
  await recordAccess([accessEvent(req, 'entry.history', 'success', target(auth, entryId), auth.decision, { versions: versions.length })]);
  return { versions, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
}

/** The patient's timeline, newest event first, optionally by type and unit (audited). */
export async function readTimeline(req: TenantRequest, patientId: string, query: TimelineQuery): Promise<Timeline> {
  const pageRead = settle(timelinePage(req.tenant, patientId, { type: query.type, unit: query.unit }, query.limit, query.cursor));
  const auth = await authorize(req, patientId, 'journal.read', 'patient.timeline');
  const page = (await pageRead)();
  const items = await Promise.all(
    page.items.map(async (head) => {
      const content = await openEntryVersion(req.tenant, patientId, head.entryId, head.version, head.sealed);
      return {
        id: head.entryId,
        type: head.entryType,
        sharable: isSharableEntryType(head.entryType),
        status: head.status,
        version: head.version,
        title: content.title,
        unit: head.unit,
        eventTime: head.eventTime,
        recordedAt: head.recordedAt,
        author: head.author,
      };
    }),
  );
  await recordAccess([
    accessEvent(req, 'patient.timeline', 'success', { patientId, nidKey: auth.context.patient.nidKey }, auth.decision, { items: items.length, ...(query.type ? { type: query.type } : {}) }),
  ]);
  return { items, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
}
