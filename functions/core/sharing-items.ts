import { globalKey, sharedDocumentKey } from '../../shared/db/keys';
import type { BlockTarget, NamedBlockTarget, SharingCategory } from '../../shared/contracts/sharing';
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

export const sharingKeys = {
  documentPk: (tenant: string, entryId: string) => sharedDocumentKey(tenant, entryId).pk,
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

/** Encryption context of an emergency grant's reason. */
export function emergencyReasonContext(tenant: string, patientId: string, grantId: string) {
  return { tenant, patient: patientId, record: grantId, kind: 'emergency-reason' };
}
