import { isClinicalMessage, type Receipt } from '../../shared/contracts/messaging';
import { nationalIdKey } from '../../shared/crypto/lookup-hash';
import { jobSession, type TenantSession } from '../../shared/db/sessions';
import { ConditionFailedError } from '../../shared/db/tenant-db';
import { logger } from '../../shared/observability';
import { listRegistryTenants } from '../../shared/tenancy/tenant-profile';
import { commitWithAudit } from '../core/audit-chain';
import type { AuditEventInput } from '../core/audit-event';
import { patientIdByNationalIdKey } from '../core/patient-access';
import { advanceQuietly, applyReceipt } from './delivery';
import type { ExchangeEnvelope, InboundItem, MessageExchange } from './exchange';
import { keepInJournal } from './journal-keeping';
import { messageItem, messageKeys, putCopy, sealMessage, type MessageItem } from './message-record';
import { getParty } from './party-service';
import { refOf } from './message-service';

/**
 * Messages from parties outside the platform (a hospital ward's utskrivningsrapport to a home-care
 * unit, by its HER-id), taken from the exchange port. Each is answered with an application
 * receipt: `ok` once the receiving unit's copy is stored (sealed under the municipality's key,
 * audited in the patient's chain, and for a clinical kind kept in the journal in the same
 * transaction), `rejected` with a reason when no unit of ours has the HER-id or the municipality
 * does not know the patient. A message delivered twice (the exchange retries) is stored once and
 * answered with the same `ok`.
 */

export const REJECT_INCOMING = {
  unknownReceiver: 'Mottakeren (HER-id) er ikke en enhet på plattformen.',
  unknownPatient: 'Mottakeren har ikke pasienten registrert.',
};

/** The municipality and unit that own a HER-id (an active party of kind `unit` in its own directory). */
export async function ownerOfHerId(herId: string): Promise<{ session: TenantSession; unitId: string; party: Awaited<ReturnType<typeof getParty>> & object } | undefined> {
  // A handful of municipalities per region: one GetItem each (the directory is kept per municipality).
  for (const t of await listRegistryTenants()) {
    if (t.status !== 'active') continue;
    const session = jobSession('message-delivery', t.id);
    const party = await getParty(session, herId);
    if (party?.kind === 'unit' && party.active && party.unitId) return { session, unitId: party.unitId, party };
  }
  return undefined;
}

/** Stores one external message in the addressed unit's inbox and answers with the receipt. */
export async function acceptExternalMessage(envelope: ExchangeEnvelope, now: Date = new Date()): Promise<Receipt> {
  const at = now.toISOString();
  const reject = (reason: string): Receipt => ({ messageId: envelope.messageId, status: 'rejected', reason, at });
  const owner = await ownerOfHerId(envelope.to.herId);
  if (!owner) return reject(REJECT_INCOMING.unknownReceiver);
  const { session, unitId, party } = owner;
  const nidKey = await nationalIdKey(envelope.patient.nationalId);
  const patientId = await patientIdByNationalIdKey(session, nidKey);
  if (!patientId) return reject(REJECT_INCOMING.unknownPatient);

  // The sender as our directory knows it (its registered name wins), else as the envelope names it.
  const known = await getParty(session, envelope.from.herId);
  const from = known ? refOf(known) : { kind: 'external' as const, name: envelope.from.name, herId: envelope.from.herId };
  const kept = isClinicalMessage(envelope.kind)
    ? await keepInJournal(session, { messageId: envelope.messageId, patientId, unit: unitId, kind: envelope.kind, from, subject: envelope.subject, text: envelope.text, at })
    : undefined;
  const copy: MessageItem = messageItem(session.tenant, {
    messageId: envelope.messageId,
    threadId: envelope.threadId,
    direction: 'in',
    kind: envelope.kind,
    from,
    to: refOf(party),
    unit: unitId,
    patientId,
    nidKey,
    sentAt: envelope.sentAt,
    status: 'delivered',
    statusHistory: [
      { status: 'sent', at: envelope.sentAt },
      { status: 'delivered', at },
    ],
    ...(envelope.inReplyTo ? { inReplyTo: envelope.inReplyTo } : {}),
    ...(kept ? { journalEntryId: kept.entryId } : {}),
    sealed: await sealMessage(session, patientId, envelope.messageId, 'in', { subject: envelope.subject, text: envelope.text, attachments: [] }),
  });
  const event: AuditEventInput = {
    tenant: session.tenant,
    action: 'message.receive',
    outcome: 'success',
    actor: { sub: `her:${envelope.from.herId}`, name: from.name, roles: ['external-party'] },
    requestId: `message-exchange:${envelope.messageId}`,
    patientId,
    citizenKey: nidKey,
    recordId: envelope.messageId,
    purposeOfUse: 'TREAT',
    reasonCode: 'addressed-message',
    details: { kind: envelope.kind, unit: unitId, ...(kept ? { journalEntryId: kept.entryId } : {}) },
  };
  try {
    await commitWithAudit(session.db, () => [putCopy(copy), ...(kept?.writes ?? [])], [event]);
  } catch (error) {
    // Received before (the exchange delivered it again): the copy is there, the answer is the same.
    if (!(error instanceof ConditionFailedError)) throw error;
    const existing = await session.db.get('journal', messageKeys.threadPk(session.tenant, envelope.threadId), messageKeys.copySk(envelope.messageId, 'in'));
    if (!existing) throw error;
  }
  // An answer from outside moves the message it answers (our unit's sent copy) to answered, as an
  // answer from a unit on the platform does; a copy already answered, or none, stays as it is.
  if (envelope.inReplyTo) await advanceQuietly(session, envelope.threadId, envelope.inReplyTo, { status: 'answered', at });
  return { messageId: envelope.messageId, status: 'ok', at };
}

/** A receipt for one of our queued messages: applied to the sending unit's copy. */
async function acceptReceipt(item: Extract<InboundItem['body'], { type: 'receipt' }>): Promise<void> {
  const owner = await ownerOfHerId(item.herId);
  if (!owner) {
    logger.warn('Messaging: a receipt names no unit of ours', { messageId: item.receipt.messageId });
    return;
  }
  await applyReceipt(owner.session, item.threadId, item.receipt);
}

export interface IncomingResult {
  messages: number;
  rejected: number;
  receipts: number;
  unreadable: number;
}

/** Works off what waits at the exchange for us, `batch` items at a time, until nothing is left (at most `maxBatches`). */
export async function receiveIncoming(exchange: MessageExchange, now: () => Date = () => new Date(), batch = 10, maxBatches = 50): Promise<IncomingResult> {
  const result: IncomingResult = { messages: 0, rejected: 0, receipts: 0, unreadable: 0 };
  const unreadable = new Set<string>();
  for (let b = 0; b < maxBatches; b++) {
    const items = await exchange.receive(batch);
    let handled = 0;
    for (const item of items) {
      if (!item.body) {
        // Not ours to read: it stays, and the queue's redrive moves it to the dead-letter queue.
        unreadable.add(item.handle);
        continue;
      }
      handled++;
      if (item.body.type === 'receipt') {
        await acceptReceipt(item.body);
        await exchange.complete(item);
        result.receipts++;
        continue;
      }
      const receipt = await acceptExternalMessage(item.body.envelope, now());
      await exchange.complete(item, receipt);
      if (receipt.status === 'ok') result.messages++;
      else result.rejected++;
    }
    // Nothing left, or only what cannot be read (handed out again until the redrive takes it).
    if (handled === 0) break;
  }
  result.unreadable = unreadable.size;
  return result;
}
