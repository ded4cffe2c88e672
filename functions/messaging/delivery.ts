import { isClinicalMessage, type Receipt } from '../../shared/contracts/messaging';
import { jobSession, type TenantSession } from '../../shared/db/sessions';
import { ConditionFailedError } from '../../shared/db/tenant-db';
import { logger } from '../../shared/observability';
import { listRegistryTenants, readTenantProfile } from '../../shared/tenancy/tenant-profile';
import { commitWithAudit } from '../core/audit-chain';
import type { AuditEventInput } from '../core/audit-event';
import { journalKeys, openPatient, type PatientItem } from '../core/journal-record';
import { patientIdByNationalIdKey } from '../core/patient-access';
import type { MessageExchange } from './exchange';
import { keepInJournal } from './journal-keeping';
import { advanceWrite, messageItem, messageKeys, type MessageItem, openMessage, putCopy, sealMessage } from './message-record';
import type { OutboxItem } from './outbox';

/**
 * The delivery job: works off each municipality's messaging outbox. A message to a unit of
 * another municipality is delivered internally, into that unit's inbox in its own municipality,
 * sealed under that municipality's key and audited in its log; one to an external party goes
 * through the exchange port. Either way the answer is an application receipt: `ok` moves the
 * sender's copy to delivered, `rejected` to failed with the receiver's reason. A transport failure
 * is retried with exponential back-off, and after MAX_ATTEMPTS the copy fails. Delivery is
 * idempotent on the receiving side (a copy that exists is not written again; the exchange
 * deduplicates by message id), so a crash between delivering and striking the outbox item off
 * only causes a second, harmless attempt.
 */

export const MAX_ATTEMPTS = 5;
const BACKOFF_MS = 30_000;

export interface DeliveryDeps {
  exchange?: MessageExchange;
  now?: () => Date;
}

export interface DeliveryResult {
  delivered: number;
  failed: number;
  retrying: number;
}

/** Why a receiver refused, in words the sender's staff act on. */
const REJECT = {
  unknownPatient: 'Mottakeren har ikke pasienten registrert.',
  unknownUnit: 'Mottakerenheten finnes ikke.',
};

/** The receiver municipality's copy of a message to one of its units, or its rejection. */
async function deliverInternal(sender: TenantSession, out: MessageItem, item: OutboxItem, now: Date): Promise<Receipt> {
  const tenant = item.to.tenant;
  const unit = item.to.unitId;
  const at = now.toISOString();
  if (!tenant || !unit || !(await readTenantProfile(tenant))?.units.some((u) => u.id === unit)) return { messageId: out.messageId, status: 'rejected', reason: REJECT.unknownUnit, at };
  const receiver = jobSession('message-delivery', tenant);
  const patientId = await patientIdByNationalIdKey(receiver, out.nidKey);
  if (!patientId) return { messageId: out.messageId, status: 'rejected', reason: REJECT.unknownPatient, at };
  const content = await openMessage(sender, out);
  // A clinical kind is kept in the receiving municipality's journal, in the copy's own transaction.
  const kept = isClinicalMessage(out.kind)
    ? await keepInJournal(receiver, { messageId: out.messageId, patientId, unit, kind: out.kind, from: { ...out.from, kind: 'platform', tenant: sender.tenant }, subject: content.subject, text: content.text, at })
    : undefined;
  const copy = messageItem(tenant, {
    messageId: out.messageId,
    threadId: out.threadId,
    direction: 'in',
    kind: out.kind,
    // Seen from the receiver, the sending unit is a unit of another municipality on the platform.
    from: { ...out.from, kind: 'platform', tenant: sender.tenant },
    to: out.to,
    unit,
    patientId,
    nidKey: out.nidKey,
    sentAt: out.sentAt,
    status: 'delivered',
    statusHistory: [
      { status: 'sent', at: out.sentAt },
      { status: 'delivered', at },
    ],
    ...(out.author ? { author: out.author } : {}),
    ...(out.inReplyTo ? { inReplyTo: out.inReplyTo } : {}),
    ...(kept ? { journalEntryId: kept.entryId } : {}),
    sealed: await sealMessage(receiver, patientId, out.messageId, 'in', content),
  });
  const event: AuditEventInput = {
    tenant,
    action: 'message.receive',
    outcome: 'success',
    actor: { sub: item.sender.sub, roles: ['clinician'], tenant: item.sender.tenant, unit: out.unit },
    requestId: `message-delivery:${out.messageId}`,
    patientId,
    citizenKey: out.nidKey,
    recordId: out.messageId,
    purposeOfUse: 'TREAT',
    reasonCode: 'addressed-message',
    fromTenant: sender.tenant,
    details: { kind: out.kind, unit, ...(kept ? { journalEntryId: kept.entryId } : {}) },
  };
  try {
    await commitWithAudit(receiver.db, () => [putCopy(copy), ...(kept?.writes ?? [])], [event]);
  } catch (error) {
    // Delivered before (a retry after a crash): the receiver already holds the copy.
    if (!(error instanceof ConditionFailedError)) throw error;
    const existing = await receiver.db.get('journal', copy.pk, copy.sk);
    if (!existing) throw error;
  }
  return { messageId: out.messageId, status: 'ok', at };
}

/** The envelope for the exchange: the patient named as the receiver must find them. */
async function envelopeOf(sender: TenantSession, out: MessageItem) {
  const content = await openMessage(sender, out);
  const patient = await sender.db.get<PatientItem>('journal', journalKeys.patientPk(sender.tenant, out.patientId), journalKeys.patientSk);
  if (!patient) throw new Error('the message names a patient that is not there');
  const who = await openPatient(sender, out.patientId, patient.sealed);
  return {
    messageId: out.messageId,
    threadId: out.threadId,
    ...(out.inReplyTo ? { inReplyTo: out.inReplyTo } : {}),
    kind: out.kind,
    sentAt: out.sentAt,
    from: { herId: out.from.herId ?? '', name: out.from.name },
    to: { herId: out.to.herId ?? '', name: out.to.name },
    patient: { nationalId: who.nationalId, name: who.name },
    subject: content.subject,
    text: content.text,
    attachments: content.attachments.map((a) => ({ ...(a.title ? { title: a.title } : {}) })),
  };
}

/** Applies a receipt to the sender's copy: ok -> delivered, rejected -> failed with the reason. */
export async function applyReceipt(sender: TenantSession, threadId: string, receipt: Receipt): Promise<void> {
  const change = receipt.status === 'ok' ? { status: 'delivered' as const, at: receipt.at } : { status: 'failed' as const, at: receipt.at, reason: receipt.reason ?? 'Avvist av mottaker.' };
  await advanceQuietly(sender, threadId, receipt.messageId, change);
}

/** A status change that may already have been overtaken (a late receipt after "read"): then nothing. */
export async function advanceQuietly(session: TenantSession, threadId: string, messageId: string, change: Parameters<typeof advanceWrite>[4]): Promise<void> {
  try {
    await session.db.transact([advanceWrite(session.tenant, threadId, messageId, 'out', change)]);
  } catch (error) {
    if (!(error instanceof ConditionFailedError)) throw error;
  }
}

/** Strikes an item off: marked done, and gone with the table's TTL sweep a day later (the data plane deletes nothing). */
async function strike(session: TenantSession, item: OutboxItem, now: Date): Promise<void> {
  await session.db.update('journal', { pk: item.pk, sk: item.sk }, { expression: 'SET #d = :d, #x = :x', names: { '#d': 'doneAt', '#x': 'expiresAt' }, values: { ':d': now.toISOString(), ':x': Math.floor(now.getTime() / 1000) + 86_400 } });
}

/** One outbox item: delivered (and struck off), failed for good, or left for a later attempt. */
async function deliverOne(session: TenantSession, item: OutboxItem, deps: DeliveryDeps, now: Date): Promise<'delivered' | 'failed' | 'retrying' | 'waiting'> {
  try {
    if (item.what !== 'message') {
      // Read / answered go back to the sending unit's copy in its own municipality.
      if (item.to.kind === 'platform' && item.to.tenant) await advanceQuietly(jobSession('message-delivery', item.to.tenant), item.threadId, item.messageId, { status: item.what, at: item.createdAt });
      await strike(session, item, now);
      return 'delivered';
    }
    const out = await session.db.get<MessageItem>('journal', messageKeys.threadPk(session.tenant, item.threadId), messageKeys.copySk(item.messageId, 'out'));
    if (!out) {
      await strike(session, item, now);
      return 'failed';
    }
    let receipt: Receipt | undefined;
    if (item.to.kind === 'platform') receipt = await deliverInternal(session, out, item, now);
    else {
      if (!deps.exchange) return 'waiting';
      receipt = await deps.exchange.send(await envelopeOf(session, out));
    }
    // A queued message: its receipt arrives later through applyReceipt.
    if (receipt) await applyReceipt(session, item.threadId, receipt);
    await strike(session, item, now);
    return receipt?.status === 'rejected' ? 'failed' : 'delivered';
  } catch (error) {
    const attempts = item.attempts + 1;
    const lastError = error instanceof Error ? error.message.slice(0, 200) : 'unknown error';
    logger.warn('Message delivery attempt failed', { messageId: item.messageId, attempts, error: lastError });
    if (attempts >= MAX_ATTEMPTS) {
      await advanceQuietly(session, item.threadId, item.messageId, { status: 'failed', at: now.toISOString(), reason: `Ikke levert etter ${attempts} forsøk.` });
      await strike(session, item, now);
      return 'failed';
    }
    const nextAttemptAt = new Date(now.getTime() + BACKOFF_MS * 2 ** (attempts - 1)).toISOString();
    await session.db.update('journal', { pk: item.pk, sk: item.sk }, { expression: 'SET #a = :a, #n = :n, #e = :e', names: { '#a': 'attempts', '#n': 'nextAttemptAt', '#e': 'lastError' }, values: { ':a': attempts, ':n': nextAttemptAt, ':e': lastError } });
    return 'retrying';
  }
}

/** Works off one municipality's outbox: every item whose time has come, oldest first. */
export async function deliverOutbox(tenant: string, deps: DeliveryDeps = {}): Promise<DeliveryResult> {
  const session = jobSession('message-delivery', tenant);
  const now = deps.now?.() ?? new Date();
  const result: DeliveryResult = { delivered: 0, failed: 0, retrying: 0 };
  let cursor: string | undefined;
  do {
    const page = await session.db.query<OutboxItem>({ table: 'journal', partition: messageKeys.outboxPk(tenant), consistent: true, limit: 100, cursor, filter: { expression: 'attribute_not_exists(doneAt)' } });
    for (const item of page.items) {
      if (item.nextAttemptAt > now.toISOString()) {
        result.retrying++;
        continue;
      }
      const outcome = await deliverOne(session, item, deps, now);
      if (outcome === 'waiting') result.retrying++;
      else result[outcome]++;
    }
    cursor = page.nextCursor;
  } while (cursor);
  return result;
}

/** The sweep over every active municipality (the scheduled job). */
export async function deliverAllOutboxes(deps: DeliveryDeps = {}): Promise<DeliveryResult> {
  const total: DeliveryResult = { delivered: 0, failed: 0, retrying: 0 };
  for (const t of await listRegistryTenants()) {
    if (t.status !== 'active') continue;
    const r = await deliverOutbox(t.id, deps);
    total.delivered += r.delivered;
    total.failed += r.failed;
    total.retrying += r.retrying;
  }
  return total;
}
