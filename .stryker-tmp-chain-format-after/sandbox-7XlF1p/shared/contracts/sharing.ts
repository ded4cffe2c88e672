// @ts-nocheck
import * as z from './zod';
import { tenantIdSchema, trimmedString } from './common';
import { idSchema, SHARABLE_ENTRY_TYPES, type EntryType } from './journal';

/**
 * Sharing contracts (helhetlig samhandling): the region-wide document index, blocks (sperring),
 * consents (samtykke) and emergency access (akuttilgang). Shared by the API and the web client.
 */

// ---------------------------------------------------------------------------------------------
// Documents

/**
 * A shared document's id: the origin municipality and the journal entry, `<kommunenummer>-<entryId>`.
 * It names where the data lives, so retrieval goes straight to the origin's index item.
 */
export const documentIdSchema = z.string().check(z.regex(/^\d{4}-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, 'Ugyldig dokument-id'));

export function documentIdOf(tenant: string, entryId: string): string {
  return `${tenant}-${entryId}`;
}

export function parseDocumentId(documentId: string): { tenant: string; entryId: string } {
  return { tenant: documentId.slice(0, 4), entryId: documentId.slice(5) };
}

/** Categories a citizen can block or consent to: the sharable entry types. */
const sharableTypes = SHARABLE_ENTRY_TYPES as [EntryType, ...EntryType[]];
export const sharingCategorySchema = z.enum(sharableTypes);
export type SharingCategory = z.infer<typeof sharingCategorySchema>;

/**
 * DocumentReference-like status. `current`: the entry is signed (or corrected: then `corrected`
 * is true and `version` names the correction). `entered-in-error`: withdrawn by the origin
 * municipality; listed without title, never retrievable.
 */
export const DOCUMENT_STATUSES = ['current', 'entered-in-error'] as const;
export type DocumentStatus = (typeof DOCUMENT_STATUSES)[number];

export const sharedDocumentSchema = z
  .object({
    id: documentIdSchema,
    entryId: idSchema,
    type: sharingCategorySchema,
    /** Absent when the document is entered in error. */
    title: z.optional(z.string()),
    status: z.enum(DOCUMENT_STATUSES),
    corrected: z.boolean(),
    version: z.int(),
    /** When what the document records happened. */
    date: z.string(),
    /** When the current version was recorded (signed, corrected or marked). */
    recordedAt: z.string(),
    author: z.object({ id: z.string(), name: z.optional(z.string()), profession: z.optional(z.string()), hpr: z.optional(z.string()) }),
    /** When the document was last corrected, and by whom (the original author stays in `author`). */
    correctedAt: z.optional(z.string()),
    correctedBy: z.optional(z.object({ id: z.string(), name: z.optional(z.string()), profession: z.optional(z.string()), hpr: z.optional(z.string()) })),
    organisation: z.object({ tenantId: tenantIdSchema, name: z.string(), unit: z.object({ id: z.string(), name: z.optional(z.string()) }) }),
  })
  .register(z.globalRegistry, { id: 'SharedDocument' });
export type SharedDocument = z.infer<typeof sharedDocumentSchema>;

export const patientParamsSchema = z.object({ patientId: idSchema });
export const documentParamsSchema = z.object({ documentId: documentIdSchema });

export const sharedDocumentListSchema = z.object({
  /** The patient in the caller's own municipality. */
  patientId: idSchema,
  /** Documents of the patient in OTHER municipalities that the caller may see, newest first. */
  documents: z.array(sharedDocumentSchema),
  /** How the caller got access (emergency access shows here so the client can say so). */
  access: z.object({ rule: z.string(), emergency: z.boolean() }),
});
export type SharedDocumentList = z.infer<typeof sharedDocumentListSchema>;

export const retrievedDocumentSchema = z
  .extend(sharedDocumentSchema, {
    title: z.string(),
    text: z.string(),
    data: z.optional(z.record(z.string(), z.unknown())),
    /** Reason given for a correction. */
    reason: z.optional(z.string()),
    access: z.object({ rule: z.string(), emergency: z.boolean() }),
  })
  .register(z.globalRegistry, { id: 'RetrievedDocument' });
export type RetrievedDocument = z.infer<typeof retrievedDocumentSchema>;

/** The citizen's own documents across municipalities, each with the blocks that cover it. */
export const myDocumentSchema = z.extend(sharedDocumentSchema, { blockedBy: z.array(idSchema) });
export const myDocumentListSchema = z.object({ documents: z.array(myDocumentSchema) });
export type MyDocument = z.infer<typeof myDocumentSchema>;
export type MyDocumentList = z.infer<typeof myDocumentListSchema>;

// ---------------------------------------------------------------------------------------------
// Blocks (sperring)

/**
 * What a block covers:
 * - `document`: one document, for every other municipality;
 * - `category`: every document of a type, now and in the future, for every other municipality;
 * - `all-sharing`: nothing crosses municipality borders;
 * - `person`: one named health worker, everywhere (the home municipality too), also under emergency access;
 * - `unit`: everyone in one named unit, everywhere, also under emergency access.
 */
export const BLOCK_KINDS = ['document', 'category', 'all-sharing', 'person', 'unit'] as const;
export type BlockKind = (typeof BLOCK_KINDS)[number];

const documentTarget = z.strictObject({ kind: z.literal('document'), documentId: documentIdSchema });
const categoryTarget = z.strictObject({ kind: z.literal('category'), category: sharingCategorySchema });
const allSharingTarget = z.strictObject({ kind: z.literal('all-sharing') });

/** What a block covers as the access decision reads it (stored, and what staff name on the citizen's behalf). */
export const blockTargetSchema = z.discriminatedUnion('kind', [
  documentTarget,
  categoryTarget,
  allSharingTarget,
  z.strictObject({ kind: z.literal('person'), userId: trimmedString(1, 100).check(z.regex(/^[^#]+$/, 'Ugyldig bruker-id')) }),
  z.strictObject({ kind: z.literal('unit'), tenant: tenantIdSchema, unitId: trimmedString(1, 100).check(z.regex(/^[^#]+$/, 'Ugyldig enhets-id')) }),
]);
export type BlockTarget = z.infer<typeof blockTargetSchema>;

/** An `actorRef` from the citizen's own access log: opaque and keyed per citizen, never a user id. */
export const actorRefSchema = z.string().check(z.regex(/^p-[A-Za-z0-9_-]{22}$/, 'Ukjent rad i loggen'));

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const blockNameSchema = trimmedString(2, 200, 'Oppgi navnet').check(z.regex(/^[^\u0000-\u001f\u007f#]+$/, 'Ugyldige tegn i navnet'));

/**
 * A person or unit the citizen names by name in a municipality. The block holds for whoever in
 * that municipality bears the name when it is set (every match; none is fine), and the answer
 * is the same whether anyone matched or not: naming someone confirms or denies nobody.
 */
const namedPersonTarget = z.strictObject({ kind: z.literal('named-person'), tenant: tenantIdSchema, name: blockNameSchema });
const namedUnitTarget = z.strictObject({ kind: z.literal('named-unit'), tenant: tenantIdSchema, name: blockNameSchema });
export const namedBlockTargetSchema = z.discriminatedUnion('kind', [namedPersonTarget, namedUnitTarget]);
export type NamedBlockTarget = z.infer<typeof namedBlockTargetSchema>;

/**
 * The citizen's own request. People and units are named either from a row of the citizen's
 * access log (`logged-person`: the person of that row, by its `actorRef`; `logged-unit`: the
 * unit that person acted from in that row, `entryId` being the row's `id`), or by name and
 * municipality (above). The citizen never gives, and is never shown, an internal user or unit id.
 */
export const myBlockRequestSchema = z.discriminatedUnion('kind', [
  documentTarget,
  categoryTarget,
  allSharingTarget,
  z.strictObject({ kind: z.literal('logged-person'), actorRef: actorRefSchema }),
  z.strictObject({ kind: z.literal('logged-unit'), actorRef: actorRefSchema, entryId: z.uuid({ message: 'Ukjent rad i loggen' }) }),
  namedPersonTarget,
  namedUnitTarget,
]);
export type MyBlockRequest = z.infer<typeof myBlockRequestSchema>;
export const createMyBlockSchema = myBlockRequestSchema;

/** What a block covers as shown: names in `targetLabel`; internal user and unit ids only in staff views. */
export const blockTargetViewSchema = z.discriminatedUnion('kind', [
  documentTarget,
  categoryTarget,
  allSharingTarget,
  z.object({ kind: z.literal('person'), userId: z.optional(z.string()) }),
  z.object({ kind: z.literal('unit'), tenant: tenantIdSchema, unitId: z.optional(z.string()) }),
  namedPersonTarget,
  namedUnitTarget,
]);
export type BlockTargetView = z.infer<typeof blockTargetViewSchema>;

/** Staff registering a block on the citizen's behalf say why (stored encrypted in the audit event). */
export const createBlockOnBehalfSchema = z.object({
  target: blockTargetSchema,
  reason: trimmedString(3, 250, 'Oppgi en begrunnelse'),
});
export type CreateBlockOnBehalfRequest = z.infer<typeof createBlockOnBehalfSchema>;

const changedBySchema = z.object({
  kind: z.enum(['citizen', 'staff']),
  name: z.optional(z.string()),
  /** For staff: who (in staff views only) and where. */
  id: z.optional(z.string()),
  tenantId: z.optional(z.string()),
});

export const blockSchema = z
  .object({
    id: idSchema,
    target: blockTargetViewSchema,
    /** Names for people and units, where known, so the citizen can recognise them. */
    targetLabel: z.optional(z.string()),
    active: z.boolean(),
    createdAt: z.string(),
    createdBy: changedBySchema,
    liftedAt: z.optional(z.string()),
    liftedBy: z.optional(changedBySchema),
  })
  .register(z.globalRegistry, { id: 'Block' });
export type Block = z.infer<typeof blockSchema>;

export const blockListSchema = z.object({ blocks: z.array(blockSchema) });
export type BlockList = z.infer<typeof blockListSchema>;
export const myBlockParamsSchema = z.object({ blockId: idSchema });
export const patientBlockParamsSchema = z.object({ patientId: idSchema, blockId: idSchema });

// ---------------------------------------------------------------------------------------------
// Consent (samtykke)

/**
 * Consent policy: sharing across municipalities follows hpl § 45 (shared unless the patient
 * objects, i.e. blocks). Categories listed here hold information the patient must actively agree
 * to share; their documents cross municipality borders only while consent is given.
 */
export const CONSENT_REQUIRED_CATEGORIES: readonly SharingCategory[] = ['tiltaksplan'];

export const CONSENT_STATUSES = ['given', 'withdrawn'] as const;

export const consentSchema = z.object({
  category: sharingCategorySchema,
  /** Whether documents of this category need consent to be shared (policy). */
  required: z.boolean(),
  /** `none`: never given. */
  status: z.enum(['given', 'withdrawn', 'none']),
  changedAt: z.optional(z.string()),
});
export type Consent = z.infer<typeof consentSchema>;

export const consentListSchema = z.object({ consents: z.array(consentSchema) });
export type ConsentList = z.infer<typeof consentListSchema>;

export const setConsentSchema = z.strictObject({ category: sharingCategorySchema, status: z.enum(CONSENT_STATUSES) });
export type SetConsentRequest = z.infer<typeof setConsentSchema>;

// ---------------------------------------------------------------------------------------------
// Emergency access (akuttilgang, break-the-glass)

/** Control characters are refused: the reason is shown to those who review the log. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;

export const emergencyAccessRequestSchema = z.strictObject({
  /**
   * Why (at most 250 characters, Tillitsrammeverket `user_reason`). Sealed under the
   * municipality's key and opened only in log review; the patient sees in their access log that
   * emergency access was used, never the reason.
   */
  reason: z
    .string({ message: 'Oppgi en begrunnelse' })
    .check(
      z.trim(),
      z.minLength(10, 'Begrunnelsen må ha minst 10 tegn'),
      z.maxLength(250, 'Begrunnelsen kan ha høyst 250 tegn'),
      z.refine((s) => !CONTROL_CHARS.test(s), 'Begrunnelsen kan ikke inneholde kontrolltegn'),
    ),
});
export type EmergencyAccessRequest = z.infer<typeof emergencyAccessRequestSchema>;

export const emergencyAccessSchema = z
  .object({
    id: idSchema,
    patientId: idSchema,
    grantedAt: z.string(),
    expiresAt: z.string(),
    active: z.boolean(),
  })
  .register(z.globalRegistry, { id: 'EmergencyAccess' });
export type EmergencyAccess = z.infer<typeof emergencyAccessSchema>;

export const activeEmergencyAccessSchema = z.object({ active: z.nullable(emergencyAccessSchema) });
export type ActiveEmergencyAccess = z.infer<typeof activeEmergencyAccessSchema>;
