import { createEntrySchema, ENTRY_TYPES, type Author, type CreateEntryRequest, type Entry, type EntryStatus, type EntryType, type TimelineItem } from '../../shared/contracts/journal';
import { ValidationError, type FieldIssue } from '../../shared/errors';
import type { FhirResource } from './document-map';
import { DOCUMENT_TYPE_SYSTEM, NO_BASIS } from './no-basis';

/**
 * A journal entry (journalnotat, epikrise, ...) in the caller's own municipality as a FHIR
 * DocumentReference, and a DocumentReference a client writes as the journal's create-entry body.
 * The journal stays the only owner of the rules (who may write, sign, when it is audited); this
 * only retells.
 */

type Json = Record<string, unknown>;

/**
 * A note's FHIR id: the patient's and the entry's UUIDs as 64 hex digits (the journal keys an
 * entry under its patient, and a FHIR id holds at most 64 characters of [A-Za-z0-9.-]).
 */
export function noteIdOf(patientId: string, entryId: string): string {
  return `${patientId}${entryId}`.replaceAll('-', '');
}

const uuidOf = (hex: string) => `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;

/** The patient and entry a note id names. */
export function parseNoteId(id: string): { patientId: string; entryId: string } {
  return { patientId: uuidOf(id.slice(0, 32)), entryId: uuidOf(id.slice(32)) };
}

/** A note id's shape (the route's path parameter). */
export const NOTE_ID_PATTERN = /^[0-9a-f]{64}$/;

/** FHIR's composition status of each journal status: a draft is preliminary, a correction amended. */
const DOC_STATUS: Record<EntryStatus, string> = { draft: 'preliminary', signed: 'final', corrected: 'amended', 'entered-in-error': 'entered-in-error' };

/** A reference to the person (Practitioner by HPR number where they have one) with a readable name. */
export function practitionerRef(author: Pick<Author, 'sub' | 'name' | 'hpr' | 'profession' | 'via'>): Json {
  const display = [author.name ?? author.sub, author.profession, author.via ? `via ${author.via}` : undefined].filter(Boolean).join(', ');
  return author.hpr ? { reference: `Practitioner/${author.hpr}`, identifier: { system: NO_BASIS.hpr, value: author.hpr }, display } : { display };
}

/** A reference to the municipality as an Organization (its id is the kommunenummer). */
export function municipalityRef(tenant: string, name?: string): Json {
  return { reference: `Organization/${tenant}`, identifier: { system: NO_BASIS.municipalityCodes, value: tenant }, ...(name ? { display: name } : {}) };
}

/**
 * A received document's author and sending organisation, as the sender named them (HPR, ENH or
 * HER-id): logical references by identifier, since they are not in this registry.
 */
function senderRefs(from: NonNullable<Entry['receivedFrom']>): Json[] {
  const org = from.organisation;
  const orgId = org.enh ? { system: NO_BASIS.enh, value: org.enh } : org.herId ? { system: NO_BASIS.herId, value: org.herId } : undefined;
  return [
    { ...(from.author.hpr ? { identifier: { system: NO_BASIS.hpr, value: from.author.hpr } } : {}), display: from.author.name ?? from.author.hpr ?? org.name },
    { type: 'Organization', ...(orgId ? { identifier: orgId } : {}), display: org.name },
  ];
}

function typeConcept(type: EntryType) {
  return { coding: [{ system: DOCUMENT_TYPE_SYSTEM, code: type, display: ENTRY_TYPES[type].label }] };
}

/** What a note's metadata is made from: an entry, or a row of the patient's timeline. */
type NoteHead = Pick<Entry, 'id' | 'patientId' | 'type' | 'status' | 'version' | 'title' | 'unit' | 'eventTime' | 'recordedAt' | 'author' | 'correctedBy' | 'receivedFrom' | 'signedBy'>;

/** A note's attachment: the text inline, or (in a search) where the note with its text is read. */
type NoteContent = { text: string } | { url: string };

function noteReference(head: NoteHead, tenant: string, tenantName: string | undefined, body: NoteContent): FhirResource {
  const signer = head.signedBy;
  return {
    resourceType: 'DocumentReference',
    id: noteIdOf(head.patientId, head.id),
    meta: { versionId: String(head.version), lastUpdated: head.recordedAt },
    identifier: [{ use: 'official', system: 'urn:ietf:rfc:3986', value: `urn:uuid:${head.id}` }],
    status: head.status === 'entered-in-error' ? 'entered-in-error' : 'current',
    docStatus: DOC_STATUS[head.status],
    type: typeConcept(head.type),
    category: [typeConcept(head.type)],
    subject: { reference: `Patient/${head.patientId}` },
    date: head.recordedAt,
    author: head.receivedFrom ? senderRefs(head.receivedFrom) : [practitionerRef(head.author), ...(head.correctedBy ? [practitionerRef(head.correctedBy)] : [])],
    ...(signer ? { authenticator: practitionerRef(signer) } : {}),
    custodian: municipalityRef(tenant, tenantName),
    description: head.title,
    content: [
      {
        attachment: {
          contentType: 'text/plain; charset=utf-8',
          language: 'nb',
          ...('text' in body ? { data: Buffer.from(body.text, 'utf8').toString('base64') } : { url: body.url }),
          title: head.title,
          creation: head.eventTime,
        },
      },
    ],
    context: { period: { start: head.eventTime }, practiceSetting: { text: head.unit } },
  };
}

/**
 * An entry as a DocumentReference: meta.versionId is the journal version (If-Match names it),
 * docStatus preliminary until signed, the author and signer as Practitioner references, the
 * municipality as custodian, the text inline as the attachment's data.
 */
export function toNoteReference(entry: Entry, tenant: string, tenantName?: string): FhirResource {
  return noteReference(entry, tenant, tenantName, { text: entry.text });
}

/**
 * A row of the patient's timeline as a DocumentReference in a search: the same metadata as a read
 * (the timeline carries no text or signer), the attachment's url the note's own read, which
 * returns the text and is decided and audited as every read.
 */
export function toNoteSummary(item: TimelineItem, patientId: string, tenant: string, tenantName: string | undefined, base: string): FhirResource {
  const id = noteIdOf(patientId, item.id);
  return noteReference({ ...item, patientId }, tenant, tenantName, { url: `${base}/DocumentReference/${id}` });
}

function obj(v: unknown): Json | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined;
}

/** What a client's DocumentReference says a note is: the journal's create-entry body, and the docStatus it asks for. */
export interface NoteWrite {
  entry: CreateEntryRequest;
  docStatus: 'preliminary' | 'final';
  /** The patient the subject names. */
  patientId: string;
}

/**
 * Reads a DocumentReference a client writes (create, or a PUT of a draft): subject, type in the
 * platform's entry-type system, title (description or attachment title), text (the attachment's
 * base64 data, text/plain), event time (context.period.start). Every problem is named (400).
 */
export function parseNoteWrite(body: unknown): NoteWrite {
  const doc = obj(body) ?? {};
  const issues: FieldIssue[] = [];
  const ref = typeof obj(doc.subject)?.reference === 'string' ? String(obj(doc.subject)!.reference) : '';
  const subject = /^Patient\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/.exec(ref);
  if (!subject) issues.push({ field: 'body.subject.reference', message: 'Påkrevd: Patient/<id>' });
  if (doc.status !== 'current') issues.push({ field: 'body.status', message: 'Forventet current' });
  const docStatus = doc.docStatus ?? 'preliminary';
  if (docStatus !== 'preliminary' && docStatus !== 'final') issues.push({ field: 'body.docStatus', message: 'preliminary (utkast) eller final (signer)' });
  const codings = Array.isArray(obj(doc.type)?.coding) ? (obj(doc.type)!.coding as unknown[]).map(obj) : [];
  const type = codings.find((c) => c?.system === DOCUMENT_TYPE_SYSTEM)?.code;
  const content = Array.isArray(doc.content) ? doc.content.map(obj) : [];
  const attachment = obj(content[0]?.attachment);
  const contentType = typeof attachment?.contentType === 'string' ? attachment.contentType : '';
  if (!contentType.startsWith('text/plain')) issues.push({ field: 'body.content[0].attachment.contentType', message: 'Støttet: text/plain' });
  const data = typeof attachment?.data === 'string' ? attachment.data : undefined;
  if (data === undefined || !/^[A-Za-z0-9+/]*={0,2}$/.test(data)) issues.push({ field: 'body.content[0].attachment.data', message: 'Påkrevd: teksten, base64' });
  const title = typeof doc.description === 'string' ? doc.description : attachment?.title;
  const eventTime = obj(obj(doc.context)?.period)?.start;
  const candidate = {
    type,
    title,
    text: data === undefined ? undefined : Buffer.from(data, 'base64').toString('utf8'),
    ...(eventTime !== undefined ? { eventTime } : {}),
  };
  // The journal's own schema says what a valid entry is; its issues are told in FHIR's terms.
  const parsed = createEntrySchema.safeParse(candidate);
  const where: Record<string, string> = { type: 'body.type.coding', title: 'body.description', text: 'body.content[0].attachment.data', eventTime: 'body.context.period.start' };
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = String(issue.path[0] ?? '');
      if (key === 'text' && data === undefined) continue;
      issues.push({ field: where[key] ?? `body.${key}`, message: key === 'type' ? `Påkrevd: en koding i ${DOCUMENT_TYPE_SYSTEM} (${Object.keys(ENTRY_TYPES).join(', ')})` : issue.message });
    }
  }
  if (issues.length > 0 || !parsed.success || !subject) throw new ValidationError('Ugyldig DocumentReference; ingenting er lagret.', issues);
  return { entry: parsed.data, docStatus: docStatus as NoteWrite['docStatus'], patientId: subject[1]! };
}
