import { randomUUID } from 'node:crypto';
import type { Caller } from '../../shared/auth/caller';
import type { CitizenMessageRequest, MyThread, Party } from '../../shared/contracts/messaging';
import { nationalIdKey } from '../../shared/crypto/lookup-hash';
import type { RequestSessions } from '../../shared/db/session-source';
import type { TxWrite } from '../../shared/db/tenant-db';
import { ForbiddenError, NotFoundError, ValidationError } from '../../shared/errors';
import { listRegistryTenants, readTenantProfile } from '../../shared/tenancy/tenant-profile';
import { commitChange, commitIdempotent, recordAccess, replayIdempotent, requestHash, type WriteOutcome } from '../core/commit';
import { accessEvent, authorize, nowOf, patientIdByNationalIdKey, type TenantRequest } from '../core/patient-access';
import { advanceWrite, messageItem, messageKeys, type MessageItem, openMessage, putCopy, sealMessage } from './message-record';
import { refOf, threadCopies } from './message-service';
import { getParty, listParties } from './party-service';

/**
 * The citizen's dialogue with a unit of a municipality where they are a patient ("Meldinger"):
 * the citizen writes to a unit that offers dialogue, staff see it in the unit's inbox and answer
 * in the thread. The messages live in that municipality, sealed under its key, and are reached
 * through the citizen's own session there with the same access decision (own record only). Every
 * read by staff is a message.read event in the patient's chain: it shows in the citizen's log.
 */

const CITIZEN_FROM = { kind: 'citizen' as const, name: 'Innbygger' };
const NOT_A_PATIENT = 'Du er ikke registrert som pasient i denne kommunen.';
const UNKNOWN_THREAD = 'Samtalen finnes ikke.';

interface CitizenContext {
  req: TenantRequest;
  patientId: string;
}

/** The citizen as a request in `tenant` (their own session there) and their patient id there. */
async function citizenIn(caller: Caller, requestId: string, sessions: RequestSessions, tenant: string): Promise<CitizenContext | undefined> {
  if (!caller.pid) throw new ForbiddenError('Innloggingen mangler fødselsnummer.');
  const session = await sessions.citizen(tenant);
  const patientId = await patientIdByNationalIdKey(session, await nationalIdKey(caller.pid));
  return patientId ? { req: { tenant, session, sessions, caller, requestId }, patientId } : undefined;
}

async function requireCitizenIn(caller: Caller, requestId: string, sessions: RequestSessions, tenant: string): Promise<CitizenContext> {
  const ctx = await citizenIn(caller, requestId, sessions, tenant);
  if (!ctx) throw new NotFoundError(NOT_A_PATIENT);
  return ctx;
}

/** Municipalities where the citizen is a patient, each with its session. */
async function myMunicipalities(caller: Caller, requestId: string, sessions: RequestSessions): Promise<(CitizenContext & { name: string })[]> {
  const tenants = (await listRegistryTenants()).filter((t) => t.status === 'active');
  const found = await Promise.all(tenants.map(async (t) => ({ t, ctx: await citizenIn(caller, requestId, sessions, t.id) })));
  return Promise.all(found.filter((f) => f.ctx).map(async (f) => ({ ...f.ctx!, name: (await readTenantProfile(f.t.id))?.name ?? f.t.id })));
}

/** The units the citizen may write to, in every municipality where they are a patient. */
export async function dialogueParties(caller: Caller, requestId: string, sessions: RequestSessions): Promise<{ tenant: string; tenantName: string; herId: string; name: string }[]> {
  const mine = await myMunicipalities(caller, requestId, sessions);
  const lists = await Promise.all(mine.map(async (m) => (await listParties(m.req.session)).filter((p) => p.citizenDialogue && p.active && p.kind === 'unit').map((p) => ({ tenant: m.req.tenant, tenantName: m.name, herId: p.herId, name: p.name }))));
  return lists.flat();
}

function dialogueUnit(party: Party | undefined): Party {
  if (!party || !party.active || party.kind !== 'unit' || !party.citizenDialogue || !party.unitId) {
    throw new ValidationError('Enheten tar ikke imot meldinger fra innbyggere.', [{ field: 'body.to', message: 'Ukjent enhet, eller enheten tilbyr ikke dialog' }]);
  }
  return party;
}

/** The copy of a citizen's message: received by the unit at once (the platform's receipt). */
async function citizenCopy(ctx: CitizenContext, threadId: string, unit: Party, subject: string, text: string, nidKey: string, at: string, inReplyTo?: string): Promise<MessageItem> {
  const messageId = randomUUID();
  return messageItem(ctx.req.tenant, {
    messageId,
    threadId: threadId || messageId,
    direction: 'in',
    kind: 'dialog',
    from: CITIZEN_FROM,
    to: refOf(unit),
    unit: unit.unitId!,
    patientId: ctx.patientId,
    nidKey,
    sentAt: at,
    status: 'delivered',
    statusHistory: [
      { status: 'sent', at },
      { status: 'delivered', at },
    ],
    ...(inReplyTo ? { inReplyTo } : {}),
    sealed: await sealMessage(ctx.req.session, ctx.patientId, messageId, 'in', { subject, text, attachments: [] }),
  });
}

function toMyThread(tenant: string, threadId: string, copies: MessageItem[], contents: { subject: string; text: string }[]): MyThread {
  return {
    tenant,
    threadId,
    messages: copies.map((c, i) => ({ id: c.messageId, fromCitizen: c.from.kind === 'citizen', from: c.from.kind === 'citizen' ? 'Deg' : c.from.name, subject: contents[i]!.subject, text: contents[i]!.text, sentAt: c.sentAt, status: c.status })),
  };
}

/** A citizen's new message to a unit that offers dialogue. */
export async function sendCitizenMessage(caller: Caller, requestId: string, sessions: RequestSessions, body: CitizenMessageRequest, idempotencyKey: string): Promise<WriteOutcome<MyThread>> {
  const ctx = await requireCitizenIn(caller, requestId, sessions, body.tenant);
  const scope = { session: ctx.req.session, callerSub: caller.sub, operation: 'sendCitizenMessage', key: idempotencyKey, requestHash: requestHash(body) };
  const prior = await replayIdempotent<MyThread>(scope);
  if (prior) return prior;
  const auth = await authorize(ctx.req, ctx.patientId, 'message.write', 'message.citizen.send');
  const unit = dialogueUnit(await getParty(ctx.req.session, body.to));
  const now = nowOf(ctx.req);
  const copy = await citizenCopy(ctx, '', unit, body.subject, body.text, auth.context.patient.nidKey, now.toISOString());
  const event = accessEvent(ctx.req, 'message.citizen.send', 'success', { patientId: ctx.patientId, nidKey: auth.context.patient.nidKey, recordId: copy.messageId }, auth.decision, { toHerId: unit.herId });
  const value = toMyThread(body.tenant, copy.threadId, [copy], [{ subject: body.subject, text: body.text }]);
  return commitIdempotent(scope, now, { value, version: 1, created: true }, [{ write: putCopy(copy), onConditionFailed: () => new Error('message id taken') }], [event]);
}

/** The copies of one of the citizen's own dialogue threads, or 404. */
async function myThreadCopies(ctx: CitizenContext, threadId: string): Promise<MessageItem[]> {
  const copies = (await threadCopies(ctx.req, threadId)).filter((c) => c.patientId === ctx.patientId && (c.from.kind === 'citizen' || c.to.kind === 'citizen'));
  if (copies.length === 0) throw new NotFoundError(UNKNOWN_THREAD);
  return copies;
}

/** Opens one of the citizen's threads (audited, CITIZEN); the unit's answers move to read. */
export async function readMyThread(caller: Caller, requestId: string, sessions: RequestSessions, tenant: string, threadId: string): Promise<MyThread> {
  const ctx = await requireCitizenIn(caller, requestId, sessions, tenant);
  const auth = await authorize(ctx.req, ctx.patientId, 'message.read', 'message.read', { recordId: threadId });
  const copies = await myThreadCopies(ctx, threadId);
  const now = nowOf(ctx.req).toISOString();
  const unread = copies.filter((c) => c.to.kind === 'citizen' && c.status === 'delivered');
  const event = accessEvent(ctx.req, 'message.read', 'success', { patientId: ctx.patientId, nidKey: auth.context.patient.nidKey, recordId: threadId }, auth.decision, { messages: copies.length });
  if (unread.length > 0) await commitChange(ctx.req.session, unread.map((c) => ({ write: advanceWrite(tenant, threadId, c.messageId, c.direction, { status: 'read', at: now }), onConditionFailed: () => new Error('read concurrently') })), [event]);
  else await recordAccess([event], ctx.req);
  const fresh = unread.length > 0 ? await myThreadCopies(ctx, threadId) : copies;
  const contents = await Promise.all(fresh.map((c) => openMessage(ctx.req.session, c)));
  return toMyThread(tenant, threadId, fresh, contents);
}

/** The citizen's answer in one of their threads; the unit's last message moves to answered. */
export async function replyAsCitizen(caller: Caller, requestId: string, sessions: RequestSessions, tenant: string, threadId: string, text: string, idempotencyKey: string): Promise<WriteOutcome<MyThread>> {
  const ctx = await requireCitizenIn(caller, requestId, sessions, tenant);
  const scope = { session: ctx.req.session, callerSub: caller.sub, operation: 'replyAsCitizen', key: idempotencyKey, requestHash: requestHash({ tenant, threadId, text }) };
  const prior = await replayIdempotent<MyThread>(scope);
  if (prior) return prior;
  const auth = await authorize(ctx.req, ctx.patientId, 'message.write', 'message.citizen.reply', { recordId: threadId });
  const copies = await myThreadCopies(ctx, threadId);
  const unitParty = copies.find((c) => c.from.kind === 'citizen')?.to ?? copies[0]!.from;
  const unit = dialogueUnit(unitParty.herId ? await getParty(ctx.req.session, unitParty.herId) : undefined);
  const first = await openMessage(ctx.req.session, copies[0]!);
  const now = nowOf(ctx.req);
  const lastFromUnit = [...copies].reverse().find((c) => c.to.kind === 'citizen');
  const copy = await citizenCopy(ctx, threadId, unit, first.subject.startsWith('Sv: ') ? first.subject : `Sv: ${first.subject}`, text, auth.context.patient.nidKey, now.toISOString(), lastFromUnit?.messageId);
  const writes: TxWrite[] = [putCopy(copy)];
  if (lastFromUnit && (lastFromUnit.status === 'delivered' || lastFromUnit.status === 'read')) writes.push(advanceWrite(tenant, threadId, lastFromUnit.messageId, 'out', { status: 'answered', at: now.toISOString() }));
  const event = accessEvent(ctx.req, 'message.citizen.reply', 'success', { patientId: ctx.patientId, nidKey: auth.context.patient.nidKey, recordId: copy.messageId }, auth.decision, { threadId });
  const all = [...copies, copy];
  const contents = await Promise.all(copies.map((c) => openMessage(ctx.req.session, c)));
  const value = toMyThread(tenant, threadId, all, [...contents, { subject: first.subject, text }]);
  return commitIdempotent(scope, now, { value, version: 1, created: true }, writes.map((write) => ({ write, onConditionFailed: () => new Error('thread changed concurrently') })), [event]);
}

/** The citizen's dialogue threads in every municipality where they are a patient, newest first (audited per municipality). */
export async function listMyThreads(caller: Caller, requestId: string, sessions: RequestSessions) {
  const mine = await myMunicipalities(caller, requestId, sessions);
  const perTenant = await Promise.all(
    mine.map(async (m) => {
      const auth = await authorize(m.req, m.patientId, 'message.read', 'message.list');
      const page = await m.req.session.db.query<MessageItem>({ table: 'journal', index: 'gsi2', partition: messageKeys.patientPk(m.req.tenant, m.patientId), newestFirst: true, limit: 200 });
      const dialogue = page.items.filter((c) => c.from.kind === 'citizen' || c.to.kind === 'citizen');
      const threads = new Map<string, MessageItem[]>();
      for (const c of dialogue) threads.set(c.threadId, [...(threads.get(c.threadId) ?? []), c]);
      const items = await Promise.all(
        [...threads].map(async ([threadId, cs]) => {
          const first = cs.reduce((a, b) => (a.sentAt <= b.sentAt ? a : b));
          const last = cs.reduce((a, b) => (a.sentAt >= b.sentAt ? a : b));
          return {
            tenant: m.req.tenant,
            threadId,
            subject: (await openMessage(m.req.session, first)).subject,
            unit: (first.from.kind === 'citizen' ? first.to : first.from).name,
            lastAt: last.sentAt,
            unread: cs.filter((c) => c.to.kind === 'citizen' && c.status === 'delivered').length,
          };
        }),
      );
      await recordAccess([accessEvent(m.req, 'message.list', 'success', { patientId: m.patientId, nidKey: auth.context.patient.nidKey }, auth.decision, { count: items.length })], m.req);
      return items;
    }),
  );
  return perTenant.flat().sort((a, b) => b.lastAt.localeCompare(a.lastAt));
}
