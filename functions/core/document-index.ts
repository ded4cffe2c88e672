import { documentIdOf } from '../../shared/contracts/sharing';
import { isSharableEntryType } from '../../shared/contracts/journal';
import type { Envelope } from '../../shared/crypto';
import type { TenantSession } from '../../shared/db/sessions';
import type { TxWrite } from '../../shared/db/tenant-db';
import type { EntryItem, EntrySealed } from './journal-record';
import { sharingKeys, type DocumentFacts, type DocumentIndexItem } from './sharing-items';

/**
 * The document index entry of a journal entry's new head, for the journal's own transaction:
 * signing, correcting or marking a sharable entry updates the region-wide index in the same
 * DynamoDB transaction as the entry and its audit event, so the index can never show a version
 * the journal does not have. Drafts and non-sharable types are never indexed.
 *
 * The index item carries the document's title and content sealed under data keys of the
 * document's own (KMS context `{ tenant, document }`): another municipality reads exactly this
 * item through a sharing-read session, which may open that document's context and never reaches
 * the patient's partition in the journal (its patient, relationship and other entry items).
 */
export async function documentIndexWrites(session: TenantSession, nidKey: string, head: EntryItem, content: EntrySealed): Promise<TxWrite[]> {
  if (!isSharableEntryType(head.entryType) || head.status === 'draft') return [];
  const tenant = session.tenant;
  const item: DocumentIndexItem = {
    pk: sharingKeys.documentPk(tenant, head.entryId),
    sk: sharingKeys.documentSk,
    itemType: 'document',
    ...documentFactsOf(tenant, head),
    nidKey,
    titleSealed: await sealTitle(session.keys, tenant, head.patientId, head.entryId, head.version, content.title),
    contentSealed: await session.keys.encryptJson(documentContext(tenant, head.patientId, head.entryId, head.version), content),
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

/** Context of a document title: bound to origin, patient, entry and version, under the document's own key. */
function titleContext(tenant: string, patientId: string, entryId: string, version: number) {
  return { tenant, patient: patientId, record: `${entryId}/v${version}`, kind: 'document-title', document: entryId };
}

/** Context of a shared document's content in its index item (the same binding, kind shared-document). */
function documentContext(tenant: string, patientId: string, entryId: string, version: number) {
  return { tenant, patient: patientId, record: `${entryId}/v${version}`, kind: 'shared-document', document: entryId };
}

export function sealTitle(keys: Envelope, tenant: string, patientId: string, entryId: string, version: number, title: string): Promise<Buffer> {
  return keys.encryptJson(titleContext(tenant, patientId, entryId, version), title);
}

/** A document's title, opened with the reader's keys (a sharing-read session of that document, or the origin's own). */
export function openTitle(item: DocumentIndexItem, keys: Envelope): Promise<string> {
  return keys.decryptJson<string>(titleContext(item.tenant, item.patientId, item.entryId, item.version), item.titleSealed);
}

/** A document's content from its index item, opened with the reader's keys. */
export function openDocumentContent(item: DocumentIndexItem, keys: Envelope): Promise<EntrySealed> {
  return keys.decryptJson<EntrySealed>(documentContext(item.tenant, item.patientId, item.entryId, item.version), item.contentSealed);
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
