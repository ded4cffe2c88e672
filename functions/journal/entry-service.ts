import type { TenantSession } from '../../shared/db/sessions';
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
  type ReceiveDocumentRequest,
  type Timeline,
  type TimelineQuery,
} from '../../shared/contracts/journal';
import { hasRole, type Role } from '../../shared/auth/caller';
import { ConflictError, NotFoundError, PreconditionFailedError, ValidationError } from '../../shared/errors';
import { settle } from '../../shared/settle';
import { expectVersion } from '../../shared/http/etag';
import { commitChange, commitIdempotent, type GuardedWrite, idempotencyRecordKey, type IdempotencyScope, recordAccess, replayFrom, requestHash, type WriteOutcome } from '../core/commit';
import { authorize, authorOf, denyAfterAccess, directoryOf, accessEvent, nowOf, type Authorized, type ReadAlong, type TenantRequest } from '../core/patient-access';
import { type EntryItem, type EntrySealed, type EntryVersionItem, entryVersionWrites, getEntry as loadEntry, journalKeys, listEntryVersions, openEntryVersion, sealEntryVersion, timelinePage, toEntry } from '../core/journal-record';
import { documentIndexWrites } from '../core/sharing-record';

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
export const RULE_CORRECTION_AUTHOR_OR_RESPONSIBLE = 'correction-author-or-responsible';

/** One stored version as the API shows it. */
export async function toVersion(session: TenantSession, item: EntryVersionItem): Promise<EntryVersion> {
  const content = await openEntryVersion(session, item.patientId, item.entryId, item.version, item.sealed);
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
  extra: Partial<Pick<EntryItem, 'signedAt' | 'signedBy' | 'correctedAt' | 'correctedBy' | 'receivedFrom'>> = {},
): Promise<NextVersion> {
  const recordedAt = now.toISOString();
  const changedBy = authorOf(req.caller);
  const sealed = await sealEntryVersion(req.session, base.patientId, base.entryId, versionNo, content);
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
    const current = await loadEntry(req.session, patientId, entryId);
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
async function guardedWithIndex(req: TenantRequest, auth: Authorized, next: NextVersion, expected: number | undefined, content: EntrySealed): Promise<GuardedWrite[]> {
  const index = await documentIndexWrites(req.session, auth.context.patient.nidKey, next.head, content);
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

/** The unversioned fields of a new entry's head item (written and received entries alike). */
function newEntryHead(tenant: string, patientId: string, entryId: string, fields: Pick<EntryItem, 'entryType' | 'unit' | 'eventTime' | 'author'>, now: Date) {
  return {
    pk: journalKeys.patientPk(tenant, patientId),
    sk: journalKeys.entrySk(entryId),
    itemType: 'entry' as const,
    entryId,
    patientId,
    ...fields,
    createdAt: now.toISOString(),
    gsi1pk: journalKeys.timelinePk(tenant, patientId),
  };
}

async function unitFor(req: TenantRequest, requested: string | undefined): Promise<string> {
  const unit = requested ?? req.caller.unit;
  if (!unit) throw new ValidationError('Oppgi enheten journalnotatet skrives i.', [{ field: 'body.unit', message: 'Påkrevd når du ikke tilhører en enhet' }]);
  if (unit !== req.caller.unit) {
    const profile = await directoryOf(req).profile(req.tenant);
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
  return { session: req.session, callerSub: req.caller.sub, operation, key, requestHash: requestHash(request) };
}

/**
 * The opening of a new entry under an Idempotency-Key: the access it stands on (journal.write on
 * the patient; a refusal first, whatever the key) and, read beside it, the answer to an earlier
 * request with the same key, if there was one.
 */
async function openCreate(req: TenantRequest, operation: string, auditAction: string, idempotencyKey: string, patientId: string, body: unknown): Promise<{ scope: IdempotencyScope; auth: Authorized; prior?: WriteOutcome<Entry> }> {
  const scope = scopeOf(req, operation, idempotencyKey, { patientId, body });
  const auth = await authorize(req, patientId, 'journal.write', auditAction, { readAlong: [idempotencyRecordKey(scope)] });
  return { scope, auth, prior: await replayFrom<Entry>(scope, auth.along[0]) };
}

/**
 * Creates a draft entry, or with `sign` an entry signed at once: written and signed in one request
 * and one audited transaction (the entry, its version, the document index for a sharable type, the
 * idempotency record and both events, `entry.create` and `entry.sign`), instead of a create and a
 * sign of two requests and two transactions. Signing here asks what signing a draft asks: a person
 * with an HPR number (403, audited, nothing written); the author is the signer.
 */
export async function createEntry(req: TenantRequest, patientId: string, body: CreateEntryRequest, idempotencyKey: string): Promise<WriteOutcome<Entry>> {
  const { scope, auth, prior } = await openCreate(req, 'createEntry', 'entry.create', idempotencyKey, patientId, body);
  if (prior) return prior;

  const now = nowOf(req);
  const entryId = randomUUID();
  if (body.sign) await requireHpr(req, 'entry.sign', auth, entryId);
  const unit = await unitFor(req, body.unit);
  const eventTime = eventTimeOf(body.eventTime, now);
  const author = authorOf(req.caller);
  const content: EntrySealed = { title: body.title, text: body.text, ...(body.data ? { data: body.data } : {}) };
  const next = await nextVersion(
    req,
    newEntryHead(req.tenant, patientId, entryId, { entryType: body.type, unit, eventTime, author }, now),
    1,
    'created',
    body.sign ? 'signed' : 'draft',
    content,
    now,
    body.sign ? { signedAt: now.toISOString(), signedBy: author } : {},
  );
  const value = await toEntry(req.session, next.head);
  const events = [accessEvent(req, 'entry.create', 'success', target(auth, entryId), auth.decision, { type: body.type, version: 1 })];
  if (!body.sign) return commitIdempotent(scope, now, { value, version: 1, created: true }, guarded(next, undefined), events);
  events.push(accessEvent(req, 'entry.sign', 'success', target(auth, entryId), auth.decision, { version: 1, type: body.type }));
  return commitIdempotent(scope, now, { value, version: 1, created: true }, await guardedWithIndex(req, auth, next, undefined, content), events);
}

export const RECEIVE_DOCUMENT_OPERATION = 'receiveDocument';

/**
 * Records a document received from another organisation's system (MHD ITI-65: e.g. an epikrise
 * from a hospital or GP): a new entry whose version 1 is already signed (by its sender), with the
 * sending organisation and author kept beside it. It is decided like any journal write
 * (journal.write on the patient), and, signed and sharable, indexed for sharing in the same
 * transaction as the entry, its audit event and the idempotency record: all or nothing.
 */
export async function receiveDocument(req: TenantRequest, patientId: string, body: ReceiveDocumentRequest, idempotencyKey: string): Promise<WriteOutcome<Entry>> {
  const { scope, auth, prior } = await openCreate(req, RECEIVE_DOCUMENT_OPERATION, 'entry.receive', idempotencyKey, patientId, body);
  if (prior) return prior;

  const now = nowOf(req);
  const entryId = randomUUID();
  // A system client belongs to no unit: a received document lands in the municipality's first unit (its mottak).
  const unit = await unitFor(req, body.unit ?? (req.caller.unit ? undefined : (await directoryOf(req).profile(req.tenant))?.units[0]?.id));
  const eventTime = eventTimeOf(body.eventTime, now);
  const { organisation, author: sender } = body.receivedFrom;
  // The author is the clinician who wrote and signed it at the sender; the submitter is changedBy.
  const author = { sub: sender.hpr ? `hpr:${sender.hpr}` : `org:${organisation.enh ?? organisation.herId ?? organisation.name}`, ...(sender.name ? { name: sender.name } : {}), ...(sender.hpr ? { hpr: sender.hpr } : {}) };
  const content: EntrySealed = { title: body.title, text: body.text };
  const next = await nextVersion(
    req,
    newEntryHead(req.tenant, patientId, entryId, { entryType: body.type, unit, eventTime, author }, now),
    1,
    'received',
    'signed',
    content,
    now,
    { signedAt: now.toISOString(), signedBy: author, receivedFrom: body.receivedFrom },
  );
  const value = await toEntry(req.session, next.head);
  const details = { type: body.type, version: 1, ...(organisation.enh ? { enh: organisation.enh } : {}), ...(organisation.herId ? { herId: organisation.herId } : {}) };
  const event = accessEvent(req, 'entry.receive', 'success', target(auth, entryId), auth.decision, details);
  const writes = await guardedWithIndex(req, auth, next, undefined, content);
  return commitIdempotent(scope, now, { value, version: 1, created: true }, writes, [event]);
}

/** What a versioned change of an existing entry computes once every check has passed. */
interface ChangeResult {
  next: NextVersion;
  details: Record<string, string | number | boolean>;
  /** The reason the change states (kept sealed in the audit event). */
  reason?: string;
  /** The title to index the new version under, for sharable entries past draft; absent: no index write. */
  /** The new head's content for the document index (sharable entries past draft). */
  indexContent?: EntrySealed;
}

/** One kind of versioned change to an existing entry: what it is called and what it requires. */
interface EntryChange {
  /** Audit action, e.g. `entry.sign`. */
  auditAction: string;
  /** The Idempotency-Key's operation; absent for a change that takes no key (editing a draft). */
  operation?: string;
  /** Statuses the change refuses (409), each with its problem detail. */
  refusedStatuses: Partial<Record<EntryStatus, string>>;
  /** Only the entry's author may make this change (to entries `when` selects; default every entry). */
  authorOnly?: { detail: string; when?: (head: EntryItem) => boolean };
  /**
   * Only the entry's author or a holder of this role may make the change (journalforskriften:
   * who wrote what must stay true, so another author's note is corrected only by the role the
   * municipality names for it).
   */
  authorOr?: { role: Role; rule: string; detail: string };
  /** The change needs a person with an HPR number (hpl § 40: who recorded it). */
  requiresHpr: boolean;
  /** The new version, computed from the current head. */
  apply: (head: EntryItem, now: Date) => Promise<ChangeResult>;
}

/**
 * THE template of a versioned change to an existing entry. The checks run in one fixed order, so
 * every kind of change refuses alike:
 *
 * 1. If-Match present and well-formed (428, 412);
 * 2. the patient exists (404) and the access decision allows journal.write (403, audited);
 * 3. a retry with the same Idempotency-Key gets the first answer;
 * 4. the entry exists (404);
 * 5. its status allows the change (409);
 * 6. author-only changes are made by the author, and author-or-role changes (a correction) by the
 *    author or a holder of that role (403, audited);
 * 7. changes that need an HPR number are made by a person with one (403, audited);
 * 8. the entry is still at the version the caller read (412, naming the current version);
 * 9. the new version, its audit event, the Idempotency-Key's record and the document index are
 *    committed in one transaction; losing a race there is 412 too.
 *
 * The head and the replay are read beside the access decision, but looked at only after it.
 */
async function changeEntry(
  req: TenantRequest,
  change: EntryChange,
  patientId: string,
  entryId: string,
  ifMatch: string | undefined,
  idempotency?: { key: string; request: unknown },
): Promise<WriteOutcome<Entry>> {
  const expected = expectVersion(ifMatch);
  const scope = change.operation && idempotency ? scopeOf(req, change.operation, idempotency.key, idempotency.request) : undefined;
  const auth = await authorize(req, patientId, 'journal.write', change.auditAction, { recordId: entryId, readAlong: [entryKey(req, patientId, entryId), ...(scope ? [idempotencyRecordKey(scope)] : [])] });
  const prior = scope ? await replayFrom<Entry>(scope, auth.along[1]) : undefined;
  if (prior) return prior;
  const head = required(entryOf(auth.along[0]));
  const refused = change.refusedStatuses[head.status];
  if (refused !== undefined) throw new ConflictError(refused, { status: head.status });
  if (change.authorOnly && (change.authorOnly.when?.(head) ?? true) && head.author.sub !== req.caller.sub) {
    await denyAfterAccess(req, change.auditAction, target(auth, entryId), RULE_AUTHOR_ONLY, change.authorOnly.detail);
  }
  if (change.authorOr && head.author.sub !== req.caller.sub && !hasRole(req.caller, change.authorOr.role)) {
    await denyAfterAccess(req, change.auditAction, target(auth, entryId), change.authorOr.rule, change.authorOr.detail);
  }
  if (change.requiresHpr) await requireHpr(req, change.auditAction, auth, entryId);
  if (head.version !== expected) throw new PreconditionFailedError('Journalnotatet er endret siden du hentet det.', { currentVersion: head.version });

  const now = nowOf(req);
  const { next, details, reason, indexContent } = await change.apply(head, now);
  const value = await toEntry(req.session, next.head);
  const event = { ...accessEvent(req, change.auditAction, 'success', target(auth, entryId), auth.decision, details), ...(reason !== undefined ? { reason } : {}) };
  const writes = indexContent === undefined ? guarded(next, head.version) : await guardedWithIndex(req, auth, next, head.version, indexContent);
  const outcome: WriteOutcome<Entry> = { value, version: next.head.version, created: false };
  return commitVersion(req, patientId, entryId, async () => {
    if (scope) return commitIdempotent(scope, now, outcome, writes, [event]);
    await commitChange(req.session, writes, [event]);
    return outcome;
  });
}

const EDIT_DRAFT = (req: TenantRequest, body: EditDraftRequest): EntryChange => ({
  auditAction: 'entry.update',
  refusedStatuses: {
    signed: 'Signerte journalnotater endres ikke; lag en retting.',
    corrected: 'Signerte journalnotater endres ikke; lag en retting.',
    'entered-in-error': 'Signerte journalnotater endres ikke; lag en retting.',
  },
  authorOnly: { detail: 'Bare forfatteren kan endre et utkast.' },
  requiresHpr: false,
  apply: async (head, now) => {
    const eventTime = body.eventTime ? eventTimeOf(body.eventTime, now) : head.eventTime;
    const next = await nextVersion(req, { ...head, eventTime }, head.version + 1, 'edited', 'draft', { title: body.title, text: body.text, ...(body.data ? { data: body.data } : {}) }, now);
    return { next, details: { version: next.head.version } };
  },
});

const SIGN = (req: TenantRequest): EntryChange => ({
  auditAction: 'entry.sign',
  operation: 'signEntry',
  refusedStatuses: { signed: 'Journalnotatet er allerede signert.', corrected: 'Journalnotatet er allerede signert.', 'entered-in-error': 'Journalnotatet er allerede signert.' },
  authorOnly: { detail: 'Bare forfatteren kan signere utkastet.' },
  requiresHpr: true,
  apply: async (head, now) => {
    const content = await openEntryVersion(req.session, head.patientId, head.entryId, head.version, head.sealed);
    const next = await nextVersion(req, head, head.version + 1, 'signed', 'signed', content, now, { signedAt: now.toISOString(), signedBy: authorOf(req.caller) });
    return { next, details: { version: next.head.version, type: head.entryType }, indexContent: content };
  },
});

const CORRECT = (req: TenantRequest, body: CorrectEntryRequest): EntryChange => ({
  auditAction: 'entry.correct',
  operation: 'correctEntry',
  refusedStatuses: { draft: 'Et utkast rettes ikke; endre det i stedet.', 'entered-in-error': 'Journalnotatet er markert som feilført.' },
  authorOr: {
    role: 'journal-responsible',
    rule: RULE_CORRECTION_AUTHOR_OR_RESPONSIBLE,
    detail: 'Bare forfatteren eller journalansvarlig kan rette et signert journalnotat.',
  },
  requiresHpr: true,
  apply: async (head, now) => {
    const content = { title: body.title, text: body.text, ...(body.data ? { data: body.data } : {}), reason: body.reason };
    const next = await nextVersion(req, head, head.version + 1, 'corrected', 'corrected', content, now, { correctedAt: now.toISOString(), correctedBy: authorOf(req.caller) });
    return { next, details: { version: next.head.version }, reason: body.reason, indexContent: content };
  },
});

const MARK_ENTERED_IN_ERROR = (req: TenantRequest, body: EnteredInErrorRequest): EntryChange => ({
  auditAction: 'entry.entered-in-error',
  operation: 'markEnteredInError',
  refusedStatuses: { 'entered-in-error': 'Journalnotatet er allerede markert som feilført.' },
  authorOnly: { detail: 'Bare forfatteren kan markere sitt utkast.', when: (head) => head.status === 'draft' },
  requiresHpr: true,
  apply: async (head, now) => {
    const content = await openEntryVersion(req.session, head.patientId, head.entryId, head.version, head.sealed);
    const marked = { ...content, reason: body.reason };
    const next = await nextVersion(req, head, head.version + 1, 'entered-in-error', 'entered-in-error', marked, now);
    // A draft marked in error was never shared; a signed one is withdrawn from the index (its status says so).
    return { next, details: { version: next.head.version }, reason: body.reason, ...(head.status === 'draft' ? {} : { indexContent: marked }) };
  },
});

/** Edits a draft (its author only), conditional on If-Match. */
export function editDraft(req: TenantRequest, patientId: string, entryId: string, body: EditDraftRequest, ifMatch: string | undefined): Promise<WriteOutcome<Entry>> {
  return changeEntry(req, EDIT_DRAFT(req, body), patientId, entryId, ifMatch);
}

/** Signs a draft (its author, with HPR). The content never changes after this. */
export function signEntry(req: TenantRequest, patientId: string, entryId: string, ifMatch: string | undefined, idempotencyKey: string): Promise<WriteOutcome<Entry>> {
  return changeEntry(req, SIGN(req), patientId, entryId, ifMatch, { key: idempotencyKey, request: { patientId, entryId } });
}

/** Corrects a signed entry (retting): a new version with new content and the reason; earlier versions stay. */
export function correctEntry(
  req: TenantRequest,
  patientId: string,
  entryId: string,
  body: CorrectEntryRequest,
  ifMatch: string | undefined,
  idempotencyKey: string,
): Promise<WriteOutcome<Entry>> {
  return changeEntry(req, CORRECT(req, body), patientId, entryId, ifMatch, { key: idempotencyKey, request: { patientId, entryId, body } });
}

/** Marks an entry as entered in error (e.g. wrong patient). Nothing is deleted; the mark is a new version. */
export function markEnteredInError(
  req: TenantRequest,
  patientId: string,
  entryId: string,
  body: EnteredInErrorRequest,
  ifMatch: string | undefined,
  idempotencyKey: string,
): Promise<WriteOutcome<Entry>> {
  return changeEntry(req, MARK_ENTERED_IN_ERROR(req, body), patientId, entryId, ifMatch, { key: idempotencyKey, request: { patientId, entryId, body } });
}

/** The key of an entry's head, for reading it with the access facts (authorize's readAlong). */
function entryKey(req: TenantRequest, patientId: string, entryId: string): ReadAlong {
  return { table: 'journal', pk: journalKeys.patientPk(req.tenant, patientId), sk: journalKeys.entrySk(entryId) };
}

function entryOf(item: Record<string, unknown> | undefined): EntryItem | undefined {
  return item?.itemType === 'entry' ? (item as EntryItem) : undefined;
}

/** Reads an entry's current version (audited before it is returned). */
export async function readEntry(req: TenantRequest, patientId: string, entryId: string): Promise<Entry> {
  // The entry is read with the access facts, in one round trip; looked at only after the decision.
  const auth = await authorize(req, patientId, 'journal.read', 'entry.read', { recordId: entryId, readAlong: [entryKey(req, patientId, entryId)] });
  const head = required(entryOf(auth.along[0]));
  const entry = await toEntry(req.session, head);
  await recordAccess([accessEvent(req, 'entry.read', 'success', target(auth, entryId), auth.decision, { version: head.version })], req);
  return entry;
}

/** An entry's versions, oldest first (audited). */
export async function readEntryVersions(req: TenantRequest, patientId: string, entryId: string, limit: number, cursor?: string): Promise<{ versions: EntryVersion[]; nextCursor?: string }> {
  const headRead = settle(loadEntry(req.session, patientId, entryId));
  const pageRead = settle(listEntryVersions(req.session, patientId, entryId, limit, cursor));
  const auth = await authorize(req, patientId, 'journal.read', 'entry.history', { recordId: entryId });
  required((await headRead)());
  const page = (await pageRead)();
  const versions = await Promise.all(page.items.map((v) => toVersion(req.session, v)));
  await recordAccess([accessEvent(req, 'entry.history', 'success', target(auth, entryId), auth.decision, { versions: versions.length })], req);
  return { versions, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
}

/** The patient's timeline, newest event first, optionally by type and unit (audited). */
export async function readTimeline(req: TenantRequest, patientId: string, query: TimelineQuery): Promise<Timeline> {
  const pageRead = settle(timelinePage(req.session, patientId, { type: query.type, unit: query.unit }, query.limit, query.cursor));
  const auth = await authorize(req, patientId, 'journal.read', 'patient.timeline');
  const page = (await pageRead)();
  const items = await Promise.all(
    page.items.map(async (head) => {
      const content = await openEntryVersion(req.session, patientId, head.entryId, head.version, head.sealed);
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
        ...(head.correctedAt ? { correctedAt: head.correctedAt } : {}),
        ...(head.correctedBy ? { correctedBy: head.correctedBy } : {}),
        ...(head.receivedFrom ? { receivedFrom: head.receivedFrom } : {}),
      };
    }),
  );
  await recordAccess([
    accessEvent(req, 'patient.timeline', 'success', { patientId, nidKey: auth.context.patient.nidKey }, auth.decision, { items: items.length, ...(query.type ? { type: query.type } : {}) }),
  ], req);
  return { items, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
}
