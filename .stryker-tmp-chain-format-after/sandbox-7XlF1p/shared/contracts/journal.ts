// @ts-nocheck
import * as z from './zod';
import { genderMatchesNationalId, nationalIdSchema } from './identifiers';
import { paginationQuerySchema, trimmedString } from './common';
import { MAX_NAME_WORDS, nameWordsFit, TOO_MANY_NAME_WORDS } from './names';

/**
 * Journal contracts: patients, care relationships (behandlingsrelasjoner) and journal entries.
 * Shared by the API (validation at the edge) and the web client (types and forms).
 */

// ---------------------------------------------------------------------------------------------
// Entry types

/**
 * Entry types and whether signed entries of the type are offered to other municipalities through
 * the sharing index (hpl § 45: necessary and relevant information). Notes written for the
 * municipality's own daily work are not shared by default.
 */
export const ENTRY_TYPES = {
  journalnotat: { sharable: false, label: 'Journalnotat' },
  sykepleienotat: { sharable: false, label: 'Sykepleienotat' },
  epikrise: { sharable: true, label: 'Epikrise' },
  vaksinasjon: { sharable: true, label: 'Vaksinasjon' },
  legemiddel: { sharable: true, label: 'Legemiddelopplysning' },
  tiltaksplan: { sharable: true, label: 'Tiltaksplan' },
} as const;

export type EntryType = keyof typeof ENTRY_TYPES;
export const entryTypeSchema = z.enum(Object.keys(ENTRY_TYPES) as [EntryType, ...EntryType[]]);

/** Types whose signed entries the sharing service may index. */
export const SHARABLE_ENTRY_TYPES = (Object.keys(ENTRY_TYPES) as EntryType[]).filter((t) => ENTRY_TYPES[t].sharable);

export function isSharableEntryType(type: string): boolean {
  return (SHARABLE_ENTRY_TYPES as string[]).includes(type);
}

/**
 * `draft`: not yet signed, editable by its author. `signed`: never changes again. `corrected`: a
 * signed entry whose current version is a correction (retting) of an earlier one.
 * `entered-in-error`: marked as wrong (e.g. wrong patient); kept and readable, never deleted.
 */
export const ENTRY_STATUSES = ['draft', 'signed', 'corrected', 'entered-in-error'] as const;
export type EntryStatus = (typeof ENTRY_STATUSES)[number];

/** `received`: a signed document received from another organisation's system (MHD ITI-65), recorded as its version 1. */
export const ENTRY_ACTIONS = ['created', 'edited', 'signed', 'corrected', 'entered-in-error', 'received'] as const;
export type EntryAction = (typeof ENTRY_ACTIONS)[number];

// ---------------------------------------------------------------------------------------------
// Shared pieces

export const idSchema = z.uuid({ message: 'Ugyldig id' });
const isoTime = z.iso.datetime({ offset: true, message: 'Tidspunkt i ISO 8601 med tidssone' });
const text = (max: number) => z.string().check(z.trim(), z.maxLength(max));

/** Who wrote or changed something (hpl § 40: it must be clear who recorded the information). */
export const authorSchema = z.object({
  sub: z.string(),
  name: z.optional(z.string()),
  hpr: z.optional(z.string()),
  profession: z.optional(z.string()),
  clientId: z.optional(z.string()),
  /** The vendor system (its registered name) a person wrote through, on their behalf. */
  via: z.optional(z.string()),
});
export type Author = z.infer<typeof authorSchema>;

/** Idempotency-Key: a client-chosen key per logical attempt (UUID recommended). */
export const idempotencyKeySchema = z
  .string({ message: 'Idempotency-Key er påkrevd' })
  .check(z.regex(/^[A-Za-z0-9_.:-]{8,128}$/, 'Idempotency-Key: 8–128 tegn (A–Z, a–z, 0–9, _ . : -)'));

/** Headers of a POST that creates or changes something. */
export const idempotentHeadersSchema = z.object({ 'idempotency-key': idempotencyKeySchema });
/** Headers of a POST that changes an existing resource: If-Match (checked in the service, 428 when absent) and Idempotency-Key. */
export const conditionalPostHeadersSchema = z.object({ 'idempotency-key': idempotencyKeySchema, 'if-match': z.optional(z.string().check(z.maxLength(100))) });
/** Headers of a PUT: If-Match only (a PUT is idempotent by its condition). */
export const conditionalPutHeadersSchema = z.object({ 'if-match': z.optional(z.string().check(z.maxLength(100))) });

// ---------------------------------------------------------------------------------------------
// Patients

export const GENDERS = ['female', 'male', 'other', 'unknown'] as const;

/**
 * A new patient. `gender` male/female must agree with the sex the national id encodes (the ninth
 * digit of a fødselsnummer or D-nummer of the scheme before 2032: odd male, even female); `other`
 * and `unknown` are always accepted. Checked here, at the edge, before any I/O.
 */
export const createPatientSchema = z
  .object({
    nationalId: nationalIdSchema,
    name: trimmedString(1, 200, 'Navn er påkrevd').check(
      z.refine(nameWordsFit, { message: TOO_MANY_NAME_WORDS }),
      z.describe(`Full name, at most 200 characters and at most ${MAX_NAME_WORDS} distinct words (split at spaces, hyphens and other non-letters); each word is indexed for search.`),
    ),
    birthDate: z.iso.date({ message: 'Fødselsdato som ÅÅÅÅ-MM-DD' }),
    gender: z.enum(GENDERS).check(z.describe('male or female must agree with the sex the national id encodes, where it encodes one; other and unknown are always accepted.')),
  })
  .check(
    z.refine((p) => genderMatchesNationalId(p.nationalId, p.gender), {
      path: ['gender'],
      message: 'Kjønn stemmer ikke med fødselsnummeret (niende siffer: oddetall mann, partall kvinne)',
    }),
  );
export type CreatePatientRequest = z.infer<typeof createPatientSchema>;

export const patientSchema = z
  .object({
    id: idSchema,
    tenant: z.string(),
    nationalId: z.string(),
    name: z.string(),
    birthDate: z.string(),
    gender: z.enum(GENDERS),
    createdAt: z.string(),
    version: z.int(),
  })
  .register(z.globalRegistry, { id: 'Patient' });
export type Patient = z.infer<typeof patientSchema>;

/**
 * Search by national id or by name. A POST body, so national ids and names never appear in URLs,
 * API Gateway access logs or browser history.
 */
export const searchPatientsSchema = z.union([
  z.strictObject({ nationalId: nationalIdSchema }),
  z.strictObject({ name: trimmedString(2, 200, 'Minst to tegn') }),
]);
export type SearchPatientsRequest = z.infer<typeof searchPatientsSchema>;

export const patientSearchResultSchema = z.object({ patients: z.array(patientSchema), truncated: z.boolean() });
export type PatientSearchResult = z.infer<typeof patientSearchResultSchema>;

export const patientParamsSchema = z.object({ patientId: idSchema });

// ---------------------------------------------------------------------------------------------
// Care relationships (behandlingsrelasjon, tjenstlig behov)

/** Coded reasons for a care relationship; the free-text reason is stored encrypted beside it. */
export const RELATIONSHIP_REASONS = ['ordinary-care', 'service-decision', 'gp-list', 'referral', 'admission', 'consultation', 'other'] as const;
export type RelationshipReasonCode = (typeof RELATIONSHIP_REASONS)[number];

export const relationshipSubjectSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('user'), id: z.string().check(z.minLength(1), z.maxLength(100)) }),
  z.object({ kind: z.literal('unit'), id: z.string().check(z.minLength(1), z.maxLength(100)) }),
]);
export type RelationshipSubject = z.infer<typeof relationshipSubjectSchema>;

export const createRelationshipSchema = z
  .object({
    /** Absent: the caller themselves. */
    subject: z.optional(relationshipSubjectSchema),
    reasonCode: z.enum(RELATIONSHIP_REASONS),
    reason: trimmedString(3, 250, 'Oppgi en begrunnelse'),
    validFrom: z.optional(isoTime),
    validTo: z.optional(isoTime),
  })
  .check(z.refine((b) => !b.validFrom || !b.validTo || Date.parse(b.validTo) > Date.parse(b.validFrom), { message: 'validTo må være etter validFrom', path: ['validTo'] }));
export type CreateRelationshipRequest = z.infer<typeof createRelationshipSchema>;

export const endRelationshipSchema = z.optional(z.object({ reason: z.optional(trimmedString(3, 250)) }));

export const relationshipSchema = z
  .object({
    id: idSchema,
    patientId: idSchema,
    subject: relationshipSubjectSchema,
    reasonCode: z.enum(RELATIONSHIP_REASONS),
    reason: z.string(),
    validFrom: z.string(),
    validTo: z.string(),
    active: z.boolean(),
    createdAt: z.string(),
    createdBy: authorSchema,
    endedAt: z.optional(z.string()),
    endedBy: z.optional(authorSchema),
    endReason: z.optional(z.string()),
    version: z.int(),
  })
  .register(z.globalRegistry, { id: 'CareRelationship' });
export type Relationship = z.infer<typeof relationshipSchema>;

export const relationshipListSchema = z.object({ relationships: z.array(relationshipSchema) });
export const relationshipParamsSchema = z.object({ patientId: idSchema, relationshipId: idSchema });

// ---------------------------------------------------------------------------------------------
// Journal entries

/** Structured data beside the text: a flat-ish JSON object, small. */
const structuredDataSchema = z
  .record(z.string().check(z.maxLength(100)), z.unknown())
  .check(z.refine((d) => JSON.stringify(d).length <= 20_000, { message: 'Strukturerte data: høyst 20 000 tegn' }));

export const createEntrySchema = z.object({
  type: entryTypeSchema,
  title: trimmedString(1, 200, 'Tittel er påkrevd'),
  text: text(20_000),
  data: z.optional(structuredDataSchema),
  /** When what is recorded happened; default now. */
  eventTime: z.optional(isoTime),
  /** The unit (enhet) the entry is written in; default the author's own unit. */
  unit: z.optional(z.string().check(z.minLength(1), z.maxLength(100))),
});
export type CreateEntryRequest = z.infer<typeof createEntrySchema>;

/**
 * Where a received document (e.g. an epikrise from a hospital or GP system) came from: the sending
 * organisation (ENH org.nr and/or HER-id) and the clinician who wrote it (HPR), as the sender
 * stated them; the submitter (vendor client or clinician) stays in `changedBy`.
 */
export const receivedFromSchema = z.object({
  organisation: z.object({ name: z.string(), enh: z.optional(z.string()), herId: z.optional(z.string()) }),
  author: z.object({ name: z.optional(z.string()), hpr: z.optional(z.string()) }),
  /** The sender's own id of the document (MHD masterIdentifier). */
  documentId: z.optional(z.string()),
});
export type ReceivedFrom = z.infer<typeof receivedFromSchema>;

/** A received, already signed document as the journal records it. */
export interface ReceiveDocumentRequest {
  type: EntryType;
  title: string;
  text: string;
  eventTime?: string;
  unit?: string;
  receivedFrom: ReceivedFrom;
}

export const editDraftSchema = z.object({
  title: trimmedString(1, 200),
  text: text(20_000),
  data: z.optional(structuredDataSchema),
  eventTime: z.optional(isoTime),
});
export type EditDraftRequest = z.infer<typeof editDraftSchema>;

export const signEntrySchema = z.optional(z.strictObject({}));

export const correctEntrySchema = z.object({
  title: trimmedString(1, 200),
  text: text(20_000),
  data: z.optional(structuredDataSchema),
  /** Why the entry is corrected (retting); kept with the new version. */
  reason: trimmedString(3, 500, 'Oppgi hvorfor journalnotatet rettes'),
});
export type CorrectEntryRequest = z.infer<typeof correctEntrySchema>;

export const enteredInErrorSchema = z.object({ reason: trimmedString(3, 500, 'Oppgi hvorfor') });
export type EnteredInErrorRequest = z.infer<typeof enteredInErrorSchema>;

export const entrySchema = z
  .object({
    id: idSchema,
    patientId: idSchema,
    type: entryTypeSchema,
    sharable: z.boolean(),
    status: z.enum(ENTRY_STATUSES),
    version: z.int(),
    title: z.string(),
    text: z.string(),
    data: z.optional(z.record(z.string(), z.unknown())),
    unit: z.string(),
    /** When what is recorded happened. */
    eventTime: z.string(),
    /** When the entry was first recorded. */
    createdAt: z.string(),
    /** When the current version was recorded. */
    recordedAt: z.string(),
    author: authorSchema,
    changedBy: authorSchema,
    signedAt: z.optional(z.string()),
    signedBy: z.optional(authorSchema),
    /** When the latest correction (retting) was made; `author` stays the original author. */
    correctedAt: z.optional(z.string()),
    /** Who made the latest correction: the author or a journal-responsible (journalansvarlig). */
    correctedBy: z.optional(authorSchema),
    /** Reason given for the current version, for corrections and entered-in-error. */
    reason: z.optional(z.string()),
    /** Present on a document received from another organisation's system. */
    receivedFrom: z.optional(receivedFromSchema),
  })
  .register(z.globalRegistry, { id: 'JournalEntry' });
export type Entry = z.infer<typeof entrySchema>;

export const entryVersionSchema = z
  .object({
    entryId: idSchema,
    version: z.int(),
    action: z.enum(ENTRY_ACTIONS),
    status: z.enum(ENTRY_STATUSES),
    title: z.string(),
    text: z.string(),
    data: z.optional(z.record(z.string(), z.unknown())),
    eventTime: z.string(),
    recordedAt: z.string(),
    changedBy: authorSchema,
    reason: z.optional(z.string()),
  })
  .register(z.globalRegistry, { id: 'JournalEntryVersion' });
export type EntryVersion = z.infer<typeof entryVersionSchema>;

export const entryParamsSchema = z.object({ patientId: idSchema, entryId: idSchema });

export const entryVersionsQuerySchema = paginationQuerySchema;
export const entryVersionsSchema = z.object({ versions: z.array(entryVersionSchema), nextCursor: z.optional(z.string()) });

export const timelineQuerySchema = z.extend(paginationQuerySchema, {
  type: z.optional(entryTypeSchema),
  unit: z.optional(z.string().check(z.minLength(1), z.maxLength(100))),
});
export type TimelineQuery = z.infer<typeof timelineQuerySchema>;

export const timelineItemSchema = z.object({
  id: idSchema,
  type: entryTypeSchema,
  sharable: z.boolean(),
  status: z.enum(ENTRY_STATUSES),
  version: z.int(),
  title: z.string(),
  unit: z.string(),
  eventTime: z.string(),
  recordedAt: z.string(),
  author: authorSchema,
  /** When and by whom the entry was last corrected (beside the original author). */
  correctedAt: z.optional(z.string()),
  correctedBy: z.optional(authorSchema),
  /** Present on a document received from another organisation's system (who sent it). */
  receivedFrom: z.optional(receivedFromSchema),
});
export type TimelineItem = z.infer<typeof timelineItemSchema>;

export const timelineSchema = z.object({ items: z.array(timelineItemSchema), nextCursor: z.optional(z.string()) });
export type Timeline = z.infer<typeof timelineSchema>;

// ---------------------------------------------------------------------------------------------
// The citizen's own record

export const myRecordSchema = z.object({
  records: z.array(
    z.object({
      tenant: z.string(),
      tenantName: z.string(),
      patient: z.omit(patientSchema, { version: true }),
      /** Signed entries (drafts are not part of the record yet), newest first, with the name of the unit each was written in. */
      entries: z.array(z.extend(entrySchema, { unitName: z.optional(z.string()) })),
      truncated: z.boolean(),
    }),
  ),
  /** Municipalities that could not be read now (e.g. suspended); the citizen should ask again later. */
  unavailableTenants: z.array(z.string()),
});
export type MyRecord = z.infer<typeof myRecordSchema>;
