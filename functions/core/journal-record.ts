import { isSharableEntryType, type Author, type Entry, type EntryAction, type EntryStatus, type EntryType, type ReceivedFrom, type RelationshipReasonCode } from '../../shared/contracts/journal';
import { tenantKey } from '../../shared/db/keys';
import type { TenantSession } from '../../shared/db/sessions';
import type { Condition, TxWrite } from '../../shared/db/tenant-db';

/**
 * The journal record model in one place: the stored items, their keys, their sealing under the
 * tenant's key, an entry's head as the API shows it, and the DynamoDB reads and writes of entries
 * (head, versions, timeline). Journal, sharing, audit and FHIR read and write journal records
 * through this module.
 */

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

/** A copy of the patient's relationships (all of them, ended too), kept in step with them. */
export type PatientAccessItem = {
  pk: string;
  sk: string;
  itemType: 'patient-access';
  patientId: string;
  /** Counts the changes: every write of this item is conditional on the one it was built from. */
  rev: number;
  relationships: RelationshipItem[];
};

/**
 * The write that keeps the access facts in step: the whole copy, rebuilt from the relationships the
 * change was decided on plus the change, put only if nobody moved it since (`rev`), or only if it
 * is still absent when the decision read the relationships themselves (`rev` undefined). A lost
 * race fails the change's transaction, so the copy never misses a relationship.
 */
export function patientAccessWrite(tenant: string, patientId: string, relationships: RelationshipItem[], rev: number | undefined): TxWrite {
  const item: PatientAccessItem = { pk: journalKeys.patientPk(tenant, patientId), sk: journalKeys.accessSk, itemType: 'patient-access', patientId, rev: (rev ?? 0) + 1, relationships };
  const condition: Condition = rev === undefined ? { expression: 'attribute_not_exists(pk)' } : { expression: 'rev = :rev', values: { ':rev': rev } };
  return { kind: 'put', table: 'journal', item, condition };
}

/** The relationships with `changed` put in place of the one with its id (or added). */
export function withRelationship(relationships: readonly RelationshipItem[], changed: RelationshipItem): RelationshipItem[] {
  return [...relationships.filter((r) => r.relationshipId !== changed.relationshipId), changed];
}

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

// ---------------------------------------------------------------- keys

/**
 * Key layout of the journal table (every partition starts with `T#<tenant>#`):
 *
 * | item | pk | sk | indexes |
 * |---|---|---|---|
 * | patient | `PATIENT#<id>` | `PATIENT` | gsi2: `PATIENTS` / `<id>` (tenant-wide listing, export) |
 * | care relationship | `PATIENT#<id>` | `PATIENT#REL#<relId>` | |
 * | access facts (copy of the relationships) | `PATIENT#<id>` | `ACCESS` | |
 * | entry (current version) | `PATIENT#<id>` | `ENTRY#<entryId>` | gsi1: `PATIENT#<id>#TL` / `<eventTime>#<entryId>` (timeline) |
 * | entry version (immutable) | `PATIENT#<id>` | `ENTRY#<entryId>#V#<000001>` | |
 * | national-id uniqueness | `NID#<nationalIdKey>` | `NID` | |
 * | name-token index | `NAME#<keyed hash of token prefix>` | `<patientId>` | |
 * | idempotency record | `IDEM#<sha256(caller, operation, key)>` | `IDEM` | TTL `expiresAt` |
 *
 * The patient and its relationships share the sk prefix `PATIENT`, so one consistent query loads
 * everything an access decision needs. The access-facts item holds a copy of every relationship,
 * written in the same transaction as each change to one (conditional on its `rev`), so the
 * decision reads the patient and its relationships by key, in the BatchGetItem that also fetches
 * the record and the audit head. A patient written before it existed has none: the decision then
 * queries the partition as before (see functions/core/patient-access.ts).
 */
export const journalKeys = {
  patientPk: (tenant: string, patientId: string) => tenantKey(tenant, 'PATIENT', patientId),
  patientSk: 'PATIENT',
  /** sk prefix covering the patient item and its relationships. */
  accessContextPrefix: 'PATIENT',
  relationshipSk: (relationshipId: string) => `PATIENT#REL#${relationshipId}`,
  relationshipPrefix: 'PATIENT#REL#',
  accessSk: 'ACCESS',
  entrySk: (entryId: string) => `ENTRY#${entryId}`,
  entryVersionSk: (entryId: string, version: number) => `ENTRY#${entryId}#V#${String(version).padStart(6, '0')}`,
  entryVersionPrefix: (entryId: string) => `ENTRY#${entryId}#V#`,
  timelinePk: (tenant: string, patientId: string) => tenantKey(tenant, 'PATIENT', patientId, 'TL'),
  timelineSk: (eventTime: string, entryId: string) => `${eventTime}#${entryId}`,
  patientsListingPk: (tenant: string) => tenantKey(tenant, 'PATIENTS'),
  nationalIdPk: (tenant: string, nidKey: string) => tenantKey(tenant, 'NID', nidKey),
  nationalIdSk: 'NID',
  nameTokenPk: (tenant: string, tokenHash: string) => tenantKey(tenant, 'NAME', tokenHash),
  idempotencyPk: (tenant: string, digest: string) => tenantKey(tenant, 'IDEM', digest),
  idempotencySk: 'IDEM',
} as const;

// ---------------------------------------------------------------- sealing

/**
 * Sealing of journal records under the tenant's key. The encryption context names tenant, patient,
 * record and kind, so a ciphertext moved to another record, patient or tenant fails to open.
 * Each takes the tenant's session: its keys (KMS under the session's credentials in AWS) are the
 * only ones that seal or open that tenant's records.
 */

export function sealPatient(session: TenantSession, patientId: string, value: PatientSealed): Promise<Buffer> {
  return session.keys.encryptJson({ tenant: session.tenant, patient: patientId, record: patientId, kind: 'patient' }, value);
}

export function openPatient(session: TenantSession, patientId: string, sealed: Uint8Array): Promise<PatientSealed> {
  return session.keys.decryptJson({ tenant: session.tenant, patient: patientId, record: patientId, kind: 'patient' }, sealed);
}

export function sealRelationship(session: TenantSession, patientId: string, relationshipId: string, value: RelationshipSealed): Promise<Buffer> {
  return session.keys.encryptJson({ tenant: session.tenant, patient: patientId, record: relationshipId, kind: 'care-relationship' }, value);
}

export function openRelationship(session: TenantSession, patientId: string, relationshipId: string, sealed: Uint8Array): Promise<RelationshipSealed> {
  return session.keys.decryptJson({ tenant: session.tenant, patient: patientId, record: relationshipId, kind: 'care-relationship' }, sealed);
}

/** One entry version's content; bound to the entry and the version number. */
export function sealEntryVersion(session: TenantSession, patientId: string, entryId: string, version: number, value: EntrySealed): Promise<Buffer> {
  return session.keys.encryptJson({ tenant: session.tenant, patient: patientId, record: `${entryId}/v${version}`, kind: 'journal-entry' }, value);
}

export function openEntryVersion(session: TenantSession, patientId: string, entryId: string, version: number, sealed: Uint8Array): Promise<EntrySealed> {
  return session.keys.decryptJson({ tenant: session.tenant, patient: patientId, record: `${entryId}/v${version}`, kind: 'journal-entry' }, sealed);
}

/** A stored response of an idempotent request (it may hold patient data). */
export function sealIdempotentResult(session: TenantSession, recordId: string, value: unknown): Promise<Buffer> {
  return session.keys.encryptJson({ tenant: session.tenant, record: recordId, kind: 'idempotent-result' }, value);
}

export function openIdempotentResult<T>(session: TenantSession, recordId: string, sealed: Uint8Array): Promise<T> {
  return session.keys.decryptJson<T>({ tenant: session.tenant, record: recordId, kind: 'idempotent-result' }, sealed);
}

// ---------------------------------------------------------------- entry head

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

// ---------------------------------------------------------------- entry versions and timeline

/**
 * The writes of one new version: the head replaced only if it is still at `expectedVersion`
 * (or absent, for a new entry), and the version item put only if that version number is free.
 * Two writers from the same version can therefore never both succeed: no lost update, no gap.
 */
export function entryVersionWrites(head: EntryItem, version: EntryVersionItem, expectedVersion: number | undefined): TxWrite[] {
  const headCondition: Condition =
    expectedVersion === undefined ? { expression: 'attribute_not_exists(pk)' } : { expression: 'version = :v', values: { ':v': expectedVersion } };
  return [
    { kind: 'put', table: 'journal', item: head, condition: headCondition },
    { kind: 'put', table: 'journal', item: version, condition: { expression: 'attribute_not_exists(pk)' } },
  ];
}

/** A page of an entry's versions, oldest first. */
export async function listEntryVersions(session: TenantSession, patientId: string, entryId: string, limit: number, cursor?: string) {
  return session.db.query<EntryVersionItem>({
    table: 'journal',
    partition: journalKeys.patientPk(session.tenant, patientId),
    sortBeginsWith: journalKeys.entryVersionPrefix(entryId),
    consistent: true,
    limit,
    cursor,
  });
}

export interface TimelineFilter {
  type?: string;
  unit?: string;
  /** Leave drafts out (the citizen's view: unsigned work is not yet part of the record). */
  excludeDrafts?: boolean;
}

/**
 * A page of the patient's timeline, newest event first. Type and unit are filters, which DynamoDB
 * applies after `Limit`; so pages are filled by reading on (a bounded number of rounds) and the
 * cursor always points just after the last item read.
 */
export async function timelinePage(session: TenantSession, patientId: string, filter: TimelineFilter, limit: number, cursor?: string): Promise<{ items: EntryItem[]; nextCursor?: string }> {
  const db = session.db;
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const parts: string[] = [];
  if (filter.type) {
    names['#et'] = 'entryType';
    values[':et'] = filter.type;
    parts.push('#et = :et');
  }
  if (filter.unit) {
    names['#u'] = 'unit';
    values[':u'] = filter.unit;
    parts.push('#u = :u');
  }
  if (filter.excludeDrafts) {
    names['#st'] = 'status';
    values[':draft'] = 'draft';
    parts.push('#st <> :draft');
  }
  const condition = parts.length ? { expression: parts.join(' AND '), names, values } : undefined;
  const items: EntryItem[] = [];
  let next = cursor;
  for (let round = 0; round < 10; round++) {
    const page = await db.query<EntryItem>({
      table: 'journal',
      index: 'gsi1',
      partition: journalKeys.timelinePk(session.tenant, patientId),
      newestFirst: true,
      limit: limit - items.length,
      cursor: next,
      filter: condition,
    });
    items.push(...page.items);
    next = page.nextCursor;
    if (!next || items.length >= limit) break;
  }
  return { items, nextCursor: next };
}
