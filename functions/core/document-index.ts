import { documentIdOf } from '../../shared/contracts/sharing';
import { isSharableEntryType } from '../../shared/contracts/journal';
import type { TxWrite } from '../../shared/db/tenant-db';
import type { EntryItem } from './journal-items';
import { envelopeCrypto } from '../../shared/crypto';
import { sharingKeys, type DocumentFacts, type DocumentIndexItem } from './sharing-items';

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
    ...(head.correctedAt ? { correctedAt: head.correctedAt } : {}),
    ...(head.correctedBy ? { correctedBy: head.correctedBy } : {}),
  };
}

/** Context of a document title: bound to origin, patient, entry and version. */
function titleContext(tenant: string, patientId: string, entryId: string, version: number) {
  return { tenant, patient: patientId, record: `${entryId}/v${version}`, kind: 'document-title' };
}

export function sealTitle(tenant: string, patientId: string, entryId: string, version: number, title: string): Promise<Buffer> {
  return envelopeCrypto().encryptJson(titleContext(tenant, patientId, entryId, version), title);
}

export function openTitle(item: DocumentIndexItem): Promise<string> {
  return envelopeCrypto().decryptJson<string>(titleContext(item.tenant, item.patientId, item.entryId, item.version), item.titleSealed);
}

/**
 * The index write for one entry version; it never moves an index entry back to an older version,
 * so a late writer cannot undo a correction or an entered-in-error mark.
 */
export function documentIndexWrite(item: DocumentIndexItem): TxWrite {
  return {
    kind: 'put',
    table: 'sharing',
    item,
    condition: { expression: 'attribute_not_exists(pk) OR version < :v', values: { ':v': item.version } },
  };
}
