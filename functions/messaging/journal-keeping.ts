import { MESSAGE_KINDS, type MessageKind, type PartyRef } from '../../shared/contracts/messaging';
import type { Author, ReceivedFrom } from '../../shared/contracts/journal';
import type { TenantSession } from '../../shared/db/sessions';
import type { TxWrite } from '../../shared/db/tenant-db';
import { entryVersionWrites, journalKeys, sealEntryVersion, type EntryItem, type EntrySealed, type EntryVersionItem } from '../core/journal-record';

/**
 * "Kept in the journal when clinically relevant": a received message of a clinical kind (an
 * utskrivningsrapport, helseopplysninger ved innleggelse, a forespørsel or its svar) becomes a
 * received, signed document in the patient's timeline. Its writes go into the same transaction as
 * the receiving unit's copy of the message, and the entry's id is the message's id: the entry
 * exists exactly when the copy does, and a second delivery of the same message is refused by the
 * same conditions (nothing lost, no duplicate). Dialogue messages and avviksmeldinger are not kept
 * unless a clinician files one (./message-service.ts fileMessage).
 *
 * The entry is a `journalnotat`, which is not offered for sharing: what another organisation sent
 * stays with the municipality that received it.
 */

export interface KeptMessage {
  messageId: string;
  patientId: string;
  /** The receiving unit (the entry's unit). */
  unit: string;
  kind: MessageKind;
  from: PartyRef;
  subject: string;
  text: string;
  /** When it was received (the entry's event and record time). */
  at: string;
  /** Who files it (absent: kept on receipt, by the platform). */
  filedBy?: Author;
  /** A message the unit itself wrote (filed from its sent copy): its writer is the entry's author, and nothing was received. */
  writtenBy?: Author;
}

/** The journal entry's id for a message (the same id: one entry per message and municipality). */
export const entryIdOfMessage = (messageId: string): string => messageId;

/** The sending side as the entry names it (a received document's origin). */
function originOf(from: PartyRef): { author: Author; receivedFrom: ReceivedFrom } {
  const sub = from.herId ? `her:${from.herId}` : `party:${from.kind}`;
  return {
    author: { sub, name: from.name },
    receivedFrom: { organisation: { name: from.name, ...(from.herId ? { herId: from.herId } : {}) }, author: {} },
  };
}

/** The writes of the message's journal entry (version 1, signed by its sender), for the copy's transaction. */
export async function keepInJournal(session: TenantSession, m: KeptMessage): Promise<{ entryId: string; writes: TxWrite[] }> {
  const entryId = entryIdOfMessage(m.messageId);
  const { author, receivedFrom } = m.writtenBy ? { author: m.writtenBy, receivedFrom: undefined } : originOf(m.from);
  const changedBy: Author = m.filedBy ?? { sub: 'job:message-delivery', name: 'Meldingsmottak' };
  const content: EntrySealed = { title: `${MESSAGE_KINDS[m.kind].label}: ${m.subject}`, text: m.text, data: { messageId: m.messageId, kind: m.kind } };
  const sealed = await sealEntryVersion(session, m.patientId, entryId, 1, content);
  const pk = journalKeys.patientPk(session.tenant, m.patientId);
  const head: EntryItem = {
    pk,
    sk: journalKeys.entrySk(entryId),
    itemType: 'entry',
    entryId,
    patientId: m.patientId,
    entryType: 'journalnotat',
    status: 'signed',
    version: 1,
    unit: m.unit,
    eventTime: m.at,
    createdAt: m.at,
    recordedAt: m.at,
    author,
    changedBy,
    signedAt: m.at,
    signedBy: author,
    ...(receivedFrom ? { receivedFrom: { ...receivedFrom, documentId: m.messageId } } : {}),
    sealed,
    gsi1pk: journalKeys.timelinePk(session.tenant, m.patientId),
    gsi1sk: journalKeys.timelineSk(m.at, entryId),
  };
  const version: EntryVersionItem = {
    pk,
    sk: journalKeys.entryVersionSk(entryId, 1),
    itemType: 'entry-version',
    entryId,
    patientId: m.patientId,
    entryType: 'journalnotat',
    version: 1,
    action: receivedFrom ? 'received' : 'signed',
    status: 'signed',
    unit: m.unit,
    eventTime: m.at,
    recordedAt: m.at,
    changedBy,
    sealed,
  };
  return { entryId, writes: entryVersionWrites(head, version, undefined) };
}
