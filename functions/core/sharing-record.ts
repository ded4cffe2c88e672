import { globalKey, sharedDocumentKey } from '../../shared/db/keys';
import { documentIdOf, type BlockTarget, type NamedBlockTarget, type SharingCategory } from '../../shared/contracts/sharing';
import { isSharableEntryType, type Author, type EntryStatus, type EntryType } from '../../shared/contracts/journal';
import type { Envelope } from '../../shared/crypto';
import { platformDb, type TenantSession } from '../../shared/db/sessions';
import type { Item, TenantDb, TxWrite } from '../../shared/db/tenant-db';
import type { TableId } from '../../shared/db/tables';
import type { EntryItem, EntrySealed } from './journal-record';

/**
 * The region-wide sharing table:
 *
 * | item | pk | sk | gsi1 |
 * |---|---|---|---|
 * | document (index entry of one journal entry) | `T#<origin>#DOC#<entryId>` | `DOC` | `DOCS#<nationalIdKey>` / `<eventTime>#<origin>#<entryId>` |
 * | block (sperring) | `CIT#<nationalIdKey>` | `BLOCK#<blockId>` | |
 * | consent (samtykke) | `CIT#<nationalIdKey>` | `CONSENT#<category>` | |
 * | emergency access | `CIT#<nationalIdKey>` | `EMERG#<expiresAt>#<grantId>` | |
 * | the citizen's access facts (copy of the three above) | `CIT#<nationalIdKey>` | `FACTS` | |
 *
 * No national id in plain text: the citizen is named by the region-wide keyed hash. A document's
 * partition starts with its origin municipality, so the tenant-scoped role's LeadingKeys condition
 * can cover the index write made in the journal's own transaction. Titles are sealed under the
 * origin municipality's key; what stays readable is what the access decision needs without
 * opening anything (type, status, dates, author, unit): the content opens only in the origin's
 * key context, after the decision.
 *
 * This module also reads and writes the document index (its reads below, its write in the journal's
 * transaction); blocks, consents and emergency grants are written by sharing/sharing-store.ts.
 */

export const sharingKeys = {
  documentPk: (tenant: string, entryId: string) => sharedDocumentKey(tenant, entryId).pk,
  documentSk: 'DOC',
  documentsByCitizen: (nidKey: string) => globalKey('DOCS', nidKey),
  documentSortKey: (eventTime: string, tenant: string, entryId: string) => `${eventTime}#${tenant}#${entryId}`,
  citizenPk: (nidKey: string) => globalKey('CIT', nidKey),
  blockSk: (blockId: string) => `BLOCK#${blockId}`,
  consentSk: (category: string) => `CONSENT#${category}`,
  emergencySk: (expiresAt: string, grantId: string) => `EMERG#${expiresAt}#${grantId}`,
  factsSk: 'FACTS',
} as const;

export type DocumentIndexItem = {
  pk: string;
  sk: string;
  itemType: 'document';
  documentId: string;
  tenant: string;
  patientId: string;
  entryId: string;
  nidKey: string;
  entryType: EntryType;
  /** The journal entry's status (signed, corrected, entered-in-error). */
  entryStatus: EntryStatus;
  version: number;
  eventTime: string;
  recordedAt: string;
  unit: string;
  author: Author;
  /** Who made the latest correction and when (absent for an uncorrected document and in older index items). */
  correctedAt?: string;
  correctedBy?: Author;
  /** The title, sealed under the origin municipality's key (a data key of this document's own). */
  titleSealed: Uint8Array;
  /** The content (title, text, data, reason) of this version, sealed like the title: what another municipality reads. */
  contentSealed: Uint8Array;
  gsi1pk: string;
  gsi1sk: string;
};

/** What a document shows about itself (the index item without its keys, citizen key and sealed title). */
export type DocumentFacts = Pick<DocumentIndexItem, 'documentId' | 'tenant' | 'patientId' | 'entryId' | 'entryType' | 'entryStatus' | 'version' | 'eventTime' | 'recordedAt' | 'unit' | 'author' | 'correctedAt' | 'correctedBy'>;

export type ChangedBy = { kind: 'citizen' | 'staff'; sub: string; name?: string; tenant?: string };

export type BlockItem = {
  pk: string;
  sk: string;
  itemType: 'block';
  blockId: string;
  /** A named person or unit (by name and municipality) is kept as the citizen named it... */
  target: BlockTarget | NamedBlockTarget;
  /** ...with whom the name matched when the block was set: what the access decision reads for it. */
  matches?: BlockTarget[];
  createdAt: string;
  createdBy: ChangedBy;
  liftedAt?: string;
  liftedBy?: ChangedBy;
  version: number;
};

export type ConsentItem = {
  pk: string;
  sk: string;
  itemType: 'consent';
  category: SharingCategory;
  status: 'given' | 'withdrawn';
  changedAt: string;
  changedBy: ChangedBy;
  version: number;
};

export type EmergencyItem = {
  pk: string;
  sk: string;
  itemType: 'emergency';
  grantId: string;
  /** The municipality that granted it (the caller's own) and its patient id there. */
  tenant: string;
  patientId: string;
  sub: string;
  unit?: string;
  grantedAt: string;
  expiresAt: string;
  /** The reason, sealed under the granting municipality's key. */
  reasonSealed: Uint8Array;
};

/**
 * A copy of the citizen's blocks, consents and emergency grants in force (expired grants are left
 * out when it is rebuilt), written in the same transaction as every change to them, conditional on
 * `rev`: what the access decision reads by key, beside the record (functions/core/patient-access.ts).
 * A citizen whose facts were written before it existed has none: the decision then queries the
 * partition, and the next change (or a read, best effort) writes it.
 */
export type CitizenFactsItem = {
  pk: string;
  sk: string;
  itemType: 'citizen-facts';
  rev: number;
  items: (BlockItem | ConsentItem | EmergencyItem)[];
};

/** The write that keeps the citizen's facts in step with a change (see patientAccessWrite). */
export function citizenFactsWrite(nidKey: string, items: (BlockItem | ConsentItem | EmergencyItem)[], rev: number | undefined, now: Date): TxWrite {
  const t = now.toISOString();
  const item: CitizenFactsItem = {
    pk: sharingKeys.citizenPk(nidKey),
    sk: sharingKeys.factsSk,
    itemType: 'citizen-facts',
    rev: (rev ?? 0) + 1,
    items: items.filter((i) => i.itemType !== 'emergency' || i.expiresAt > t),
  };
  const condition = rev === undefined ? { expression: 'attribute_not_exists(pk)' } : { expression: 'rev = :rev', values: { ':rev': rev } };
  return { kind: 'put', table: 'sharing', item, condition };
}

/** Encryption context of an emergency grant's reason. */
export function emergencyReasonContext(tenant: string, patientId: string, grantId: string) {
  return { tenant, patient: patientId, record: grantId, kind: 'emergency-reason' };
}

// ---------------------------------------------------------------- document index

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

// ---------------------------------------------------------------- document index reads

/** A document's index item by origin and entry, under the platform's own client (its sealed parts open only with that document's key context). */
export async function getDocument(tenant: string, entryId: string): Promise<DocumentIndexItem | undefined> {
  const item = await platformDb().get<DocumentIndexItem>('sharing', sharingKeys.documentPk(tenant, entryId), sharingKeys.documentSk);
  return item?.itemType === 'document' ? item : undefined;
}

/**
 * A document's index item read through a reader of that document (a sharing-read session of it, or
 * the origin's own session): the one item of another municipality such a session may read.
 */
export async function readDocument(db: TenantDb, origin: string, entryId: string): Promise<DocumentIndexItem | undefined> {
  const key = sharedDocumentKey(origin, entryId);
  const item = await db.get<DocumentIndexItem>('sharing', key.pk, key.sk);
  return item?.itemType === 'document' ? item : undefined;
}

/**
 * The same item and one item of another table beside it, in one BatchGetItem: a retrieval across
 * municipalities reads the origin log's audit head with the document (functions/sharing/document-service.ts).
 * The sharing-read role allows the batch for exactly the document's key in the sharing table, as it
 * does GetItem; unprocessed keys are asked again by the scoped db's batch (`getAcross`).
 */
export async function readDocumentWith(db: TenantDb, origin: string, entryId: string, along: { table: TableId; pk: string; sk: string }): Promise<{ doc?: DocumentIndexItem; along?: Item }> {
  const key = sharedDocumentKey(origin, entryId);
  const [item, other] = await db.getAcross([{ table: 'sharing', ...key }, along]);
  return { ...(item?.itemType === 'document' ? { doc: item as DocumentIndexItem } : {}), ...(other ? { along: other } : {}) };
}

/** Every indexed document of a citizen in the region, newest event first (bounded). */
export async function documentsOfCitizen(nidKey: string, max = 500): Promise<DocumentIndexItem[]> {
  const out: DocumentIndexItem[] = [];
  let cursor: string | undefined;
  do {
    const page = await platformDb().query<DocumentIndexItem>({ table: 'sharing', index: 'gsi1', partition: sharingKeys.documentsByCitizen(nidKey), newestFirst: true, limit: 200, cursor });
    out.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor && out.length < max);
  return out;
}
