import { globalKey, tenantKey } from '../../shared/db/keys';
import { TenantDb, type TxWrite } from '../../shared/db/tenant-db';
import { envelopeCrypto } from '../../shared/crypto';
import type { BlockTarget, SharingCategory } from '../../shared/contracts/sharing';
import type { Author, EntryStatus, EntryType } from '../../shared/contracts/journal';

/**
 * The region-wide sharing table:
 *
 * | item | pk | sk | gsi1 |
 * |---|---|---|---|
 * | document (index entry of one journal entry) | `T#<origin>#DOC#<entryId>` | `DOC` | `DOCS#<nationalIdKey>` / `<eventTime>#<origin>#<entryId>` |
 * | block (sperring) | `CIT#<nationalIdKey>` | `BLOCK#<blockId>` | |
 * | consent (samtykke) | `CIT#<nationalIdKey>` | `CONSENT#<category>` | |
 * | emergency access | `CIT#<nationalIdKey>` | `EMERG#<expiresAt>#<grantId>` | |
 *
 * No national id in plain text: the citizen is named by the region-wide keyed hash. A document's
 * partition starts with its origin municipality, so the tenant-scoped role's LeadingKeys condition
 * can cover the index write made in the journal's own transaction. Titles are sealed under the
 * origin municipality's key; what stays readable is what the access decision needs without
 * opening anything (type, status, dates, author, unit): the content opens only in the origin's
 * key context, after the decision.
 */

const table = 'sharing' as const;
// The sharing table is not tenant-scoped; TenantDb's tenant plays no part in these reads.
const regionDb = () => new TenantDb('0000');

export const sharingKeys = {
  documentPk: (tenant: string, entryId: string) => tenantKey(tenant, 'DOC', entryId),
  documentSk: 'DOC',
  documentsByCitizen: (nidKey: string) => globalKey('DOCS', nidKey),
  documentSortKey: (eventTime: string, tenant: string, entryId: string) => `${eventTime}#${tenant}#${entryId}`,
  citizenPk: (nidKey: string) => globalKey('CIT', nidKey),
  blockSk: (blockId: string) => `BLOCK#${blockId}`,
  consentSk: (category: string) => `CONSENT#${category}`,
  emergencySk: (expiresAt: string, grantId: string) => `EMERG#${expiresAt}#${grantId}`,
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
  /** The title, sealed under the origin municipality's key. */
  titleSealed: Uint8Array;
  gsi1pk: string;
  gsi1sk: string;
};

/** What a document shows about itself (the index item without its keys, citizen key and sealed title). */
export type DocumentFacts = Pick<DocumentIndexItem, 'documentId' | 'tenant' | 'patientId' | 'entryId' | 'entryType' | 'entryStatus' | 'version' | 'eventTime' | 'recordedAt' | 'unit' | 'author'>;

export type ChangedBy = { kind: 'citizen' | 'staff'; sub: string; name?: string; tenant?: string };

export type BlockItem = {
  pk: string;
  sk: string;
  itemType: 'block';
  blockId: string;
  target: BlockTarget;
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

export function emergencyReasonContext(tenant: string, patientId: string, grantId: string) {
  return { tenant, patient: patientId, record: grantId, kind: 'emergency-reason' };
}

/**
 * The index write for one entry version; it never moves an index entry back to an older version,
 * so a late writer cannot undo a correction or an entered-in-error mark.
 */
export function documentIndexWrite(item: DocumentIndexItem): TxWrite {
  return {
    kind: 'put',
    table,
    item,
    condition: { expression: 'attribute_not_exists(pk) OR version < :v', values: { ':v': item.version } },
  };
}

export async function getDocument(tenant: string, entryId: string): Promise<DocumentIndexItem | undefined> {
  const item = await regionDb().get<DocumentIndexItem>(table, sharingKeys.documentPk(tenant, entryId), sharingKeys.documentSk);
  return item?.itemType === 'document' ? item : undefined;
}

/** Every indexed document of a citizen in the region, newest event first (bounded). */
export async function documentsOfCitizen(nidKey: string, max = 500): Promise<DocumentIndexItem[]> {
  const out: DocumentIndexItem[] = [];
  let cursor: string | undefined;
  do {
    const page = await regionDb().query<DocumentIndexItem>({ table, index: 'gsi1', partition: sharingKeys.documentsByCitizen(nidKey), newestFirst: true, limit: 200, cursor });
    out.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor && out.length < max);
  return out;
}

export interface CitizenFacts {
  blocks: BlockItem[];
  consents: ConsentItem[];
  emergency: EmergencyItem[];
}

/**
 * Everything the access decision needs to know about a citizen: blocks, consents and emergency
 * grants (expired grants are left out), in one consistent query of the citizen's partition, so a
 * block takes effect on the very next request.
 */
export async function loadCitizenFacts(nidKey: string, now: Date): Promise<CitizenFacts> {
  const db = regionDb();
  const items: Record<string, unknown>[] = [];
  let cursor: string | undefined;
  do {
    const page = await db.query({ table, partition: sharingKeys.citizenPk(nidKey), consistent: true, limit: 500, cursor });
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  const t = now.toISOString();
  return {
    blocks: items.filter((i): i is BlockItem => i.itemType === 'block'),
    consents: items.filter((i): i is ConsentItem => i.itemType === 'consent'),
    emergency: items.filter((i): i is EmergencyItem => i.itemType === 'emergency' && String(i.expiresAt) > t),
  };
}

export async function getBlock(nidKey: string, blockId: string): Promise<BlockItem | undefined> {
  const item = await regionDb().get<BlockItem>(table, sharingKeys.citizenPk(nidKey), sharingKeys.blockSk(blockId));
  return item?.itemType === 'block' ? item : undefined;
}

export function blockPut(item: BlockItem): TxWrite {
  return { kind: 'put', table, item, condition: { expression: 'attribute_not_exists(pk)' } };
}

/** Lifting keeps the block (who set it, who lifted it, when): it is replaced only if still at the version read. */
export function blockReplace(item: BlockItem, expectedVersion: number): TxWrite {
  return { kind: 'put', table, item, condition: { expression: 'version = :v', values: { ':v': expectedVersion } } };
}

export function consentPut(item: ConsentItem, expectedVersion: number | undefined): TxWrite {
  return {
    kind: 'put',
    table,
    item,
    condition: expectedVersion === undefined ? { expression: 'attribute_not_exists(pk)' } : { expression: 'version = :v', values: { ':v': expectedVersion } },
  };
}

export function emergencyPut(item: EmergencyItem): TxWrite {
  return { kind: 'put', table, item, condition: { expression: 'attribute_not_exists(pk)' } };
}
