import { isSharableEntryType, type Entry } from '../../shared/contracts/journal';
import type { TenantSession } from '../../shared/db/sessions';
import { openEntryVersion } from './journal-crypto';
import type { EntryItem } from './journal-items';
import { journalKeys } from './journal-keys';

/**
 * A journal entry's current version (head) as the journal reads it: the item from the
 * municipality's journal table, and the entry as the API shows it, opened with its session's keys.
 */

export async function getEntry(session: TenantSession, patientId: string, entryId: string): Promise<EntryItem | undefined> {
  const item = await session.db.get<EntryItem>('journal', journalKeys.patientPk(session.tenant, patientId), journalKeys.entrySk(entryId));
  return item?.itemType === 'entry' ? item : undefined;
}

/** An entry's head as the API shows it (content opened in the tenant's key context). */
export async function toEntry(session: TenantSession, head: EntryItem): Promise<Entry> {
  const content = await openEntryVersion(session, head.patientId, head.entryId, head.version, head.sealed);
  return {
    id: head.entryId,
    patientId: head.patientId,
    type: head.entryType,
    sharable: isSharableEntryType(head.entryType),
    status: head.status,
    version: head.version,
    title: content.title,
    text: content.text,
    ...(content.data ? { data: content.data } : {}),
    unit: head.unit,
    eventTime: head.eventTime,
    createdAt: head.createdAt,
    recordedAt: head.recordedAt,
    author: head.author,
    changedBy: head.changedBy,
    ...(head.signedAt ? { signedAt: head.signedAt } : {}),
    ...(head.signedBy ? { signedBy: head.signedBy } : {}),
    ...(head.correctedAt ? { correctedAt: head.correctedAt } : {}),
    ...(head.correctedBy ? { correctedBy: head.correctedBy } : {}),
    ...(content.reason ? { reason: content.reason } : {}),
    ...(head.receivedFrom ? { receivedFrom: head.receivedFrom } : {}),
  };
}
