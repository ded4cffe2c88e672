import { randomUUID } from 'node:crypto';
import { isClinicalMessage, type Message, type MessageHead, type MessageKind, type Party, type PartyRef, type ReplyRequest, type SendMessageRequest, type Thread } from '../../shared/contracts/messaging';
import { ConflictError, NotFoundError, ValidationError } from '../../shared/errors';
import { settle } from '../../shared/settle';
import type { TxWrite } from '../../shared/db/tenant-db';
import { commitChange, commitIdempotent, type GuardedWrite, type IdempotencyScope, recordAccess, replayIdempotent, requestHash, type WriteOutcome } from '../core/commit';
import { accessEvent, authorize, nowOf, type Authorized, type TenantRequest } from '../core/patient-access';
import { getEntry, toEntry } from '../core/journal-record';
import { advanceWrite, type Direction, messageItem, messageKeys, type MessageItem, type MessageSealed, openMessage, putCopy, sealMessage, toHead } from './message-record';
import { keepInJournal } from './journal-keeping';
import { outboxWrite } from './outbox';
import { getParty, partyOfUnit } from './party-service';

/**
 * Messages between communication parties about a patient. Every use case stands on the patient-
 * access core: the same decision (actions message.read / message.write, with the citizen's blocks),
 * the same audit events in the patient's chain (so the citizen sees who read their messages), and
 * one transaction for the copies, their audit event and the Idempotency-Key's record.
 *
 * Delivery: to a unit of the same municipality the receiver's copy is written in the sender's
 * transaction (delivered at once, the platform's receipt); to another municipality or an external
 * party an outbox item goes into that transaction and the delivery job (./delivery.ts) carries it.
 */

const UNKNOWN_THREAD = 'Meldingstråden finnes ikke, eller enheten din er ikke part i den.';

/** A concurrent reader moved the thread's messages to read first (not an answer: the read goes on). */
class ReadOvertakenError extends Error {
  constructor() {
    super('read overtaken');
    this.name = 'ReadOvertakenError';
  }
}

/** A directory party as messages name it. */
export function refOf(party: Party): PartyRef {
  return { kind: party.kind, name: party.name, herId: party.herId, ...(party.tenant ? { tenant: party.tenant } : {}), ...(party.unitId ? { unitId: party.unitId } : {}) };
}

function scopeOf(req: TenantRequest, operation: string, key: string, request: unknown): IdempotencyScope {
  return { session: req.session, callerSub: req.caller.sub, operation, key, requestHash: requestHash(request) };
}

function callerUnit(req: TenantRequest): string {
  if (!req.caller.unit) throw new ConflictError('Du tilhører ingen enhet, og meldinger sendes fra en enhet.');
  return req.caller.unit;
}

/** The sending unit's own party: a unit sends only once the tenant admin has registered its HER-id. */
async function senderParty(req: TenantRequest): Promise<Party> {
  const party = await partyOfUnit(req.session, callerUnit(req));
  if (!party) throw new ConflictError('Enheten din er ikke registrert som kommunikasjonspart (HER-id); be administrator registrere den.');
  return party;
}

/** Attachments are signed journal entries of the same patient; their titles travel with the message. */
async function attachmentsOf(req: TenantRequest, patientId: string, entryIds: readonly string[] = []): Promise<MessageSealed['attachments']> {
  return Promise.all(
    [...new Set(entryIds)].map(async (entryId, i) => {
      const head = await getEntry(req.session, patientId, entryId);
      if (!head || head.status === 'draft' || head.status === 'entered-in-error') {
        throw new ValidationError('Vedlegg må være signerte journaldokumenter for pasienten.', [{ field: `body.attachments.${i}`, message: 'Ukjent eller usignert dokument' }]);
      }
      return { entryId, title: (await toEntry(req.session, head)).title };
    }),
  );
}

interface Outgoing {
  threadId: string;
  messageId: string;
  kind: MessageKind;
  from: PartyRef;
  to: PartyRef;
  content: MessageSealed;
  inReplyTo?: string;
}

/** Whether the receiving side is this municipality's own (the receiver's copy goes in the same transaction). */
function sameTenantUnit(req: TenantRequest, to: PartyRef): boolean {
  return (to.kind === 'unit' && (to.tenant === undefined || to.tenant === req.tenant)) || to.kind === 'citizen';
}

/**
 * The writes of one outgoing message: the sender's copy, and either the receiver's copy (a unit of
 * this municipality: delivered now; the citizen: the thread itself is their inbox) or an outbox
 * item for the delivery job.
 */
async function outgoingWrites(req: TenantRequest, auth: Authorized, out: Outgoing, unit: string, now: Date): Promise<{ copy: MessageItem; writes: TxWrite[] }> {
  const patientId = auth.context.patient.patientId;
  const nidKey = auth.context.patient.nidKey;
  const sentAt = now.toISOString();
  const local = sameTenantUnit(req, out.to);
  const history = local ? [{ status: 'sent' as const, at: sentAt }, { status: 'delivered' as const, at: sentAt }] : [{ status: 'sent' as const, at: sentAt }];
  const base = {
    messageId: out.messageId,
    threadId: out.threadId,
    kind: out.kind,
    from: out.from,
    to: out.to,
    patientId,
    nidKey,
    sentAt,
    status: history[history.length - 1]!.status,
    statusHistory: history,
    author: { sub: req.caller.sub, ...(req.caller.name ? { name: req.caller.name } : {}) },
    ...(out.inReplyTo ? { inReplyTo: out.inReplyTo } : {}),
  };
  const copy = messageItem(req.tenant, { ...base, direction: 'out', unit, sealed: await sealMessage(req.session, patientId, out.messageId, 'out', out.content) });
  const writes: TxWrite[] = [putCopy(copy)];
  if (local && out.to.kind === 'unit' && out.to.unitId) {
    writes.push(putCopy(messageItem(req.tenant, { ...base, direction: 'in', unit: out.to.unitId, sealed: await sealMessage(req.session, patientId, out.messageId, 'in', out.content) })));
  } else if (!local) {
    writes.push(await outboxWrite(req.session, { what: 'message', threadId: out.threadId, messageId: out.messageId, to: out.to, createdAt: sentAt, sender: { sub: req.caller.sub, tenant: req.tenant } }));
  }
  return { copy, writes };
}

/** A copy of this municipality as the API shows it (content opened under its key). */
export async function toMessage(req: Pick<TenantRequest, 'session'>, item: MessageItem): Promise<Message> {
  const content = await openMessage(req.session, item);
  return {
    ...toHead(item),
    subject: content.subject,
    text: content.text,
    attachments: content.attachments,
    statusHistory: item.statusHistory,
    ...(item.journalEntryId ? { journalEntryId: item.journalEntryId } : {}),
    ...(item.author ? { author: item.author } : {}),
  };
}

const guardedAll = (writes: TxWrite[]): GuardedWrite[] =>
  writes.map((write) => ({ write, onConditionFailed: () => new ConflictError('Meldingen er allerede registrert, eller tråden ble endret; hent den på nytt.') }));

/** Sends a new message from the caller's unit about a patient (message.write: a care relationship). */
export async function sendMessage(req: TenantRequest, body: SendMessageRequest, idempotencyKey: string): Promise<WriteOutcome<Message>> {
  const scope = scopeOf(req, 'sendMessage', idempotencyKey, body);
  const priorRead = settle(replayIdempotent<Message>(scope));
  const auth = await authorize(req, body.patientId, 'message.write', 'message.send');
  const prior = (await priorRead)();
  if (prior) return prior;

  const [from, to] = await Promise.all([senderParty(req), getParty(req.session, body.to)]);
  if (!to || !to.active) throw new ValidationError('Ukjent mottaker.', [{ field: 'body.to', message: 'HER-id-en er ikke i kommunens adresseliste' }]);
  if (to.herId === from.herId) throw new ValidationError('En enhet sender ikke meldinger til seg selv.', [{ field: 'body.to', message: 'Samme enhet som avsender' }]);
  const now = nowOf(req);
  const messageId = randomUUID();
  const content: MessageSealed = { subject: body.subject, text: body.text, attachments: await attachmentsOf(req, body.patientId, body.attachments) };
  const { copy, writes } = await outgoingWrites(req, auth, { threadId: messageId, messageId, kind: body.kind, from: refOf(from), to: refOf(to), content }, from.unitId!, now);
  const event = accessEvent(req, 'message.send', 'success', { patientId: body.patientId, nidKey: auth.context.patient.nidKey, recordId: messageId }, auth.decision, {
    kind: body.kind,
    toHerId: to.herId,
    clinical: isClinicalMessage(body.kind),
  });
  const value = await toMessage(req, copy);
  return commitIdempotent(scope, now, { value, version: 1, created: true }, guardedAll(writes), [event]);
}

/** Every copy of a thread in this municipality (a thread is a handful of messages: one query). */
export async function threadCopies(req: Pick<TenantRequest, 'session'>, threadId: string): Promise<MessageItem[]> {
  const page = await req.session.db.query<MessageItem>({ table: 'journal', partition: messageKeys.threadPk(req.session.tenant, threadId), sortBeginsWith: 'MSG#', consistent: true, limit: 500 });
  return page.items.sort((a, b) => a.sentAt.localeCompare(b.sentAt) || a.direction.localeCompare(b.direction));
}

/** The thread's copies the caller's unit holds, and its patient; 404 when the unit holds none. */
async function heldThread(req: TenantRequest, threadId: string): Promise<{ held: MessageItem[]; patientId: string; unit: string }> {
  const unit = req.caller.unit;
  const copies = await threadCopies(req, threadId);
  const held = unit ? copies.filter((c) => c.unit === unit) : [];
  if (held.length === 0) throw new NotFoundError(UNKNOWN_THREAD);
  return { held, patientId: held[0]!.patientId, unit: unit! };
}

/** The other side of a thread, seen from a copy the unit holds. */
function counterpart(copy: MessageItem): PartyRef {
  return copy.direction === 'in' ? copy.from : copy.to;
}

/**
 * The status writes that tell the other side its message was read or answered: the copy's own
 * (in this municipality), the sender's copy when it is here too, else a status item for the
 * delivery job to carry to the other municipality or the external party (its receipt).
 */
async function statusWrites(req: TenantRequest, copy: MessageItem, status: 'read' | 'answered', at: string): Promise<TxWrite[]> {
  const change = { status, at };
  const writes: TxWrite[] = [advanceWrite(req.tenant, copy.threadId, copy.messageId, copy.direction, change)];
  if (copy.direction !== 'in') return writes;
  if (copy.from.kind === 'unit' && (copy.from.tenant === undefined || copy.from.tenant === req.tenant)) writes.push(advanceWrite(req.tenant, copy.threadId, copy.messageId, 'out', change));
  // Read and answered travel back to a platform sender; an external party got its application receipt on delivery.
  else if (copy.from.kind === 'platform') writes.push(await outboxWrite(req.session, { what: status, threadId: copy.threadId, messageId: copy.messageId, to: copy.from, createdAt: at, sender: { sub: req.caller.sub, tenant: req.tenant } }));
  return writes;
}

/**
 * Opens a thread for the caller's unit: decided (message.read; the unit the thread is addressed to
 * may read it), audited in the patient's chain before the answer, and every message received by
 * the unit and not yet read moves to `read` (its read receipt goes back to the sender).
 */
export async function readThread(req: TenantRequest, threadId: string): Promise<Thread> {
  const { held, patientId, unit } = await heldThread(req, threadId);
  const auth = await authorize(req, patientId, 'message.read', 'message.read', { recordId: threadId, message: { unit } });
  const now = nowOf(req).toISOString();
  const unread = held.filter((c) => c.direction === 'in' && c.status === 'delivered');
  const event = accessEvent(req, 'message.read', 'success', { patientId, nidKey: auth.context.patient.nidKey, recordId: threadId }, auth.decision, { messages: held.length });
  if (unread.length > 0) {
    const writes = (await Promise.all(unread.map((c) => statusWrites(req, c, 'read', now)))).flat();
    // A concurrent reader moved them first: the event of this read is still stored before the answer.
    try {
      await commitChange(req.session, writes.map((write) => ({ write, onConditionFailed: () => new ReadOvertakenError() })), [event]);
    } catch (error) {
      if (!(error instanceof ReadOvertakenError)) throw error;
      await recordAccess([event], req);
    }
  } else {
    await recordAccess([event], req);
  }
  const fresh = unread.length > 0 ? (await threadCopies(req, threadId)).filter((c) => c.unit === unit) : held;
  return { threadId, patientId, messages: await Promise.all(fresh.map((c) => toMessage(req, c))) };
}

/** Answers a thread the caller's unit holds, to its other side; the answered message moves to `answered`. */
export async function replyToThread(req: TenantRequest, threadId: string, body: ReplyRequest, idempotencyKey: string): Promise<WriteOutcome<Message>> {
  const scope = scopeOf(req, 'replyToThread', idempotencyKey, { threadId, body });
  const priorRead = settle(replayIdempotent<Message>(scope));
  const { held, patientId, unit } = await heldThread(req, threadId);
  const auth = await authorize(req, patientId, 'message.write', 'message.reply', { recordId: threadId, message: { unit } });
  const prior = (await priorRead)();
  if (prior) return prior;

  const answered = [...held].reverse().find((c) => c.direction === 'in') ?? held[held.length - 1]!;
  const from = refOf(await senderParty(req));
  const to = counterpart(answered);
  const now = nowOf(req);
  const messageId = randomUUID();
  const original = await openMessage(req.session, answered);
  const content: MessageSealed = { subject: original.subject.startsWith('Sv: ') ? original.subject : `Sv: ${original.subject}`, text: body.text, attachments: await attachmentsOf(req, patientId, body.attachments) };
  const { copy, writes } = await outgoingWrites(req, auth, { threadId, messageId, kind: body.kind, from, to, content, inReplyTo: answered.messageId }, unit, now);
  if (answered.direction === 'in' && answered.status !== 'answered' && answered.status !== 'failed') writes.push(...(await statusWrites(req, answered, 'answered', now.toISOString())));
  const event = accessEvent(req, 'message.reply', 'success', { patientId, nidKey: auth.context.patient.nidKey, recordId: messageId }, auth.decision, { kind: body.kind, threadId });
  const value = await toMessage(req, copy);
  return commitIdempotent(scope, now, { value, version: 1, created: true }, guardedAll(writes), [event]);
}

/** A unit's inbox or sent box (the caller's unit), newest first: heads only, nothing opened. */
export async function unitBox(req: TenantRequest, direction: Direction, limit: number): Promise<MessageHead[]> {
  const unit = callerUnit(req);
  const page = await req.session.db.query<MessageItem>({ table: 'journal', index: 'gsi1', partition: messageKeys.boxPk(req.tenant, unit, direction), newestFirst: true, limit });
  return page.items.map(toHead);
}

/**
 * The messages about one patient that the caller's unit holds (a person's inbox), newest first:
 * decided and audited as a list of the patient's messages.
 */
export async function patientMessages(req: TenantRequest, patientId: string, limit: number): Promise<MessageHead[]> {
  const unit = callerUnit(req);
  const page = settle(req.session.db.query<MessageItem>({ table: 'journal', index: 'gsi2', partition: messageKeys.patientPk(req.tenant, patientId), newestFirst: true, limit: 200 }));
  // Holding a message about the patient is the unit's basis for listing it (as for reading it); otherwise a care relationship.
  const mine = (await page)().items.filter((i) => i.unit === unit);
  const auth = await authorize(req, patientId, 'message.read', 'message.list', mine.length > 0 ? { message: { unit } } : {});
  const heads = mine.slice(0, limit).map(toHead);
  await recordAccess([accessEvent(req, 'message.list', 'success', { patientId, nidKey: auth.context.patient.nidKey }, auth.decision, { count: heads.length })], req);
  return heads;
}

/**
 * Files a message the caller's unit holds into the patient's journal ("kept in the journal when
 * clinically relevant"): a dialogue message or an avviksmelding a clinician judges relevant, or a
 * message the unit sent itself. Writing to the journal needs the journal's own basis (a care
 * relationship). The entry has the message's id, so a message is filed once per municipality:
 * filing it again (or from the other unit's copy) answers the entry that exists, nothing written.
 * The entry, the copy's link to it and the audit event go in one transaction.
 */
export async function fileMessage(req: TenantRequest, threadId: string, messageId: string): Promise<WriteOutcome<Message>> {
  const { held, patientId } = await heldThread(req, threadId);
  const copy = held.find((c) => c.messageId === messageId);
  if (!copy) throw new NotFoundError(UNKNOWN_THREAD);
  const auth = await authorize(req, patientId, 'journal.write', FILE_ACTION, { recordId: messageId });
  if (copy.journalEntryId) return { value: await toMessage(req, copy), version: 1, created: false };

  const now = nowOf(req).toISOString();
  const filedBy = { sub: req.caller.sub, ...(req.caller.name ? { name: req.caller.name } : {}) };
  const content = await openMessage(req.session, copy);
  const kept = await keepInJournal(req.session, {
    messageId,
    patientId,
    unit: copy.unit,
    kind: copy.kind,
    from: copy.from,
    subject: content.subject,
    text: content.text,
    at: now,
    filedBy,
    ...(copy.direction === 'out' && copy.author ? { writtenBy: copy.author } : {}),
  });
  const link: TxWrite = {
    kind: 'update',
    table: 'journal',
    key: { pk: copy.pk, sk: copy.sk },
    update: { expression: 'SET #j = :e', names: { '#j': 'journalEntryId' }, values: { ':e': kept.entryId } },
    condition: { expression: 'attribute_exists(pk) AND attribute_not_exists(#j)', names: { '#j': 'journalEntryId' } },
  };
  const event = accessEvent(req, FILE_ACTION, 'success', { patientId, nidKey: auth.context.patient.nidKey, recordId: kept.entryId }, auth.decision, { kind: copy.kind, threadId, messageId });
  try {
    await commitChange(req.session, [...kept.writes, link].map((write) => ({ write, onConditionFailed: () => new AlreadyFiledError() })), [event]);
  } catch (error) {
    if (!(error instanceof AlreadyFiledError)) throw error;
    // Filed already: by a concurrent request, or from the other unit's copy of the same message.
    const entry = await getEntry(req.session, patientId, kept.entryId);
    if (!entry) throw new ConflictError('Meldingen ble endret samtidig; prøv igjen.');
    const fresh = (await threadCopies(req, threadId)).find((c) => c.messageId === messageId && c.direction === copy.direction)!;
    return { value: { ...(await toMessage(req, fresh)), journalEntryId: kept.entryId }, version: 1, created: false };
  }
  return { value: { ...(await toMessage(req, copy)), journalEntryId: kept.entryId }, version: 1, created: true };
}

/** The audit action of filing a message: a journal entry written (the citizen's log shows it as a note written). */
const FILE_ACTION = 'entry.message.create';

/** The entry or the copy's link exists already (a condition of the filing transaction failed). */
class AlreadyFiledError extends Error {
  constructor() {
    super('already filed');
    this.name = 'AlreadyFiledError';
  }
}
