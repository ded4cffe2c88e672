import { documentIdOf } from '../../shared/contracts/sharing';
import { isSharableEntryType } from '../../shared/contracts/journal';
import type { TxWrite } from '../../shared/db/tenant-db';
import type { EntryItem } from './journal-items';
import { documentIndexWrite, sealTitle, sharingKeys, type DocumentFacts, type DocumentIndexItem } from '../sharing/sharing-store';

/**
 * The document index entry of a journal entry's new head, for the journal's own transaction:
 * signing, correcting or marking a sharable entry updates the region-wide index in the same
 * DynamoDB transaction as the entry and its audit event, so the index can never show a version
 * the journal does not have. Drafts and non-sharable types are never indexed.
 */
export async function documentIndexWrites(tenant: string, nidKey: string, head: EntryItem, title: string): Promise<TxWrite[]> {
  if (!isSharableEntryType(head.entryType) || head.status === 'draft') return [];
  const item: DocumentIndexItem = {
    pk: sharingKeys.documentPk(tenant, head.entryId),
    sk: sharingKeys.documentSk,
    itemType: 'document',
    ...documentFactsOf(tenant, head),
    nidKey,
    titleSealed: await sealTitle(tenant, head.patientId, head.entryId, head.version, title),
    gsi1pk: sharingKeys.documentsByCitizen(nidKey),
    gsi1sk: sharingKeys.documentSortKey(head.eventTime, tenant, head.entryId),
  };
  return [documentIndexWrite(item)];
}

/** A document's facts from its journal entry's head (authoritative for status and version). */
export function documentFactsOf(tenant: string, head: EntryItem): DocumentFacts {
  return {
    documentId: documentIdOf(tenant, head.entryId),
    tenant,
    patientId: head.patientId,
    entryId: head.entryId,
    entryType: head.entryType,
    entryStatus: head.status,
    version: head.version,
    eventTime: head.eventTime,
    recordedAt: head.recordedAt,
    unit: head.unit,
    author: head.author,
  };
}
