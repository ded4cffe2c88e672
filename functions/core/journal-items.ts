import type { EntryAction, EntryStatus, EntryType, RelationshipReasonCode, Author, ReceivedFrom } from '../../shared/contracts/journal';

/** Stored shapes of the journal table. Everything that describes the patient or the care is sealed. */

export type PatientItem = {
  pk: string;
  sk: string;
  itemType: 'patient';
  patientId: string;
  tenant: string;
  /** nationalIdKey(): a keyed hash, never the number. */
  nidKey: string;
  /** Envelope-encrypted PatientSealed. */
  sealed: Uint8Array;
  version: number;
  createdAt: string;
  createdBy: string;
  gsi2pk: string;
  gsi2sk: string;
};

export type PatientSealed = {
  nationalId: string;
  name: string;
  birthDate: string;
  gender: 'female' | 'male' | 'other' | 'unknown';
};

export type RelationshipItem = {
  pk: string;
  sk: string;
  itemType: 'relationship';
  relationshipId: string;
  patientId: string;
  subjectKind: 'user' | 'unit';
  subjectId: string;
  reasonCode: RelationshipReasonCode;
  /** Envelope-encrypted RelationshipSealed. */
  sealed: Uint8Array;
  validFrom: string;
  validTo: string;
  createdAt: string;
  createdBy: Author;
  endedAt?: string;
  endedBy?: Author;
  version: number;
};

export type RelationshipSealed = {
  reason: string;
  endReason?: string;
};

export type EntryItem = {
  pk: string;
  sk: string;
  itemType: 'entry';
  entryId: string;
  patientId: string;
  entryType: EntryType;
  status: EntryStatus;
  version: number;
  unit: string;
  eventTime: string;
  createdAt: string;
  recordedAt: string;
  author: Author;
  changedBy: Author;
  signedAt?: string;
  signedBy?: Author;
  /** Who made the latest correction (retting) and when; the original author stays in `author`. */
  correctedAt?: string;
  correctedBy?: Author;
  /** A document received from another organisation's system: who sent it (not sealed: it names no patient data). */
  receivedFrom?: ReceivedFrom;
  /** The current version's sealed content (the same bytes as that version's item). */
  sealed: Uint8Array;
  gsi1pk: string;
  gsi1sk: string;
};

export type EntryVersionItem = {
  pk: string;
  sk: string;
  itemType: 'entry-version';
  entryId: string;
  patientId: string;
  entryType: EntryType;
  version: number;
  action: EntryAction;
  status: EntryStatus;
  unit: string;
  eventTime: string;
  recordedAt: string;
  changedBy: Author;
  sealed: Uint8Array;
};

/** What one entry version holds in its sealed content. */
export type EntrySealed = {
  title: string;
  text: string;
  data?: Record<string, unknown>;
  reason?: string;
};
