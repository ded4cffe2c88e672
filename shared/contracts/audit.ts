import * as z from './zod';
import { paginationQuerySchema, trimmedString } from './common';

/** Audit log contracts: the auditor's views, the citizen's access log, review queue and verify. */

export const PURPOSES_OF_USE = ['TREAT', 'ETREAT', 'COC', 'BTG', 'AUDIT', 'ADMIN', 'OPERATE', 'CITIZEN'] as const;
export const AUDIT_OUTCOMES = ['success', 'denied', 'failure'] as const;

/** Opaque record / patient / user ids as they appear in paths (no separators, bounded). */
const idSchema = z.string().check(z.regex(/^[A-Za-z0-9._:@-]{1,128}$/, 'Ugyldig id'));

const formatSchema = z._default(z.enum(['json', 'fhir']), 'json');

export const auditActorSchema = z
  .object({
    sub: z.string(),
    name: z.optional(z.string()),
    hpr: z.optional(z.string()),
    profession: z.optional(z.string()),
    roles: z.array(z.string()),
    tenant: z.optional(z.string()),
    unit: z.optional(z.string()),
    clientId: z.optional(z.string()),
  })
  .register(z.globalRegistry, { id: 'AuditActor' });

/**
 * The patient an event or queue item is about, as the municipality's auditor may see them: name
 * and national id, resolved in the auditor's own municipality (never journal text).
 */
export const auditPatientSchema = z
  .object({ id: z.string(), name: z.string(), nationalId: z.string() })
  .register(z.globalRegistry, { id: 'AuditPatient' });
export type AuditPatientView = z.infer<typeof auditPatientSchema>;

/** One event as the tenant's auditor sees it (never journal text; the free-text reason is shown). */
export const auditEventSchema = z
  .object({
    id: z.string(),
    stream: z.enum(['patient', 'tenant']),
    seq: z.int(),
    time: z.string(),
    tenant: z.string(),
    action: z.string(),
    outcome: z.enum(AUDIT_OUTCOMES),
    actor: auditActorSchema,
    requestId: z.string(),
    patientId: z.optional(z.string()),
    /** Who the patient is, for the auditor role (not for vendor systems). */
    patient: z.optional(auditPatientSchema),
    recordId: z.optional(z.string()),
    purposeOfUse: z.optional(z.enum(PURPOSES_OF_USE)),
    reasonCode: z.optional(z.string()),
    /** The free-text reason, decrypted for the auditor; never in the citizen's view. */
    reason: z.optional(z.string()),
    flagged: z.optional(z.boolean()),
    flagReason: z.optional(z.string()),
    fromTenant: z.optional(z.string()),
    rule: z.optional(z.string()),
    details: z.optional(z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]))),
  })
  .register(z.globalRegistry, { id: 'AuditEvent' });
export type AuditEventView = z.infer<typeof auditEventSchema>;

export const auditEventListSchema = z
  .object({ items: z.array(auditEventSchema), nextCursor: z.optional(z.string()) })
  .register(z.globalRegistry, { id: 'AuditEventList' });

/** A FHIR R4 Bundle of AuditEvent resources (IHE BALP shape); described loosely here. */
export const fhirAuditBundleSchema = z
  .object({
    resourceType: z.literal('Bundle'),
    type: z.literal('searchset'),
    timestamp: z.string(),
    link: z.array(z.object({ relation: z.string(), url: z.string() })),
    entry: z.array(z.object({ fullUrl: z.string(), resource: z.record(z.string(), z.unknown()) })),
  })
  .register(z.globalRegistry, { id: 'FhirAuditEventBundle' });

export const eventListResponseSchema = z.union([auditEventListSchema, fhirAuditBundleSchema]);

const isoTime = z.iso.datetime({ offset: true });

export const tenantEventsQuerySchema = z.extend(paginationQuerySchema, {
  /** Start of the range, inclusive. Default: 24 hours before `to`. */
  from: z.optional(isoTime),
  /** End of the range, exclusive. Default: now. At most 31 days after `from`. */
  to: z.optional(isoTime),
  action: z.optional(z.string().check(z.regex(/^[a-z][a-z0-9.-]{0,63}$/))),
  outcome: z.optional(z.enum(AUDIT_OUTCOMES)),
  format: formatSchema,
});

export const patientEventsParamsSchema = z.object({ patientId: idSchema });
export const userEventsParamsSchema = z.object({ userId: idSchema });

export const streamEventsQuerySchema = z.extend(paginationQuerySchema, { format: formatSchema });

export const userEventsQuerySchema = z.extend(paginationQuerySchema, {
  from: z.optional(isoTime),
  to: z.optional(isoTime),
  format: formatSchema,
});

/**
 * What happened, in the citizen's words: `opened-record` (the record or its overview),
 * `read-note`, `wrote-note`, `changed-note`, `searched`, `care-relationship`, `listed-shared` / `retrieved-shared`
 * (another municipality's shared documents), `emergency-access`, `denied` (a refused attempt),
 * `read-log` (someone read the log about you), `own-record` / `own-documents` / `own-log` (you
 * looked at your own record, documents or access log), `own-block` (you managed your blocks), `other`.
 */
export const CITIZEN_ACTIVITIES = [
  'opened-record',
  'read-note',
  'wrote-note',
  'changed-note',
  'searched',
  'care-relationship',
  'listed-shared',
  'retrieved-shared',
  'emergency-access',
  'denied',
  'read-log',
  'own-record',
  'own-documents',
  'own-log',
  'own-block',
  'own-message',
  'read-message',
  'sent-message',
  'received-message',
  'listed-messages',
  'other',
] as const;
export type CitizenActivity = (typeof CITIZEN_ACTIVITIES)[number];

/** One line of the citizen's access log ("innsyn i logg"): who, from where, when and why. */
export const citizenAccessEntrySchema = z
  .object({
    id: z.string(),
    time: z.string(),
    /** The municipality whose record was used. */
    tenant: z.object({ id: z.string(), name: z.string() }),
    action: z.string(),
    /** `read`, `changed`, `searched`, `denied` ...: a plain summary of `action` and outcome. */
    kind: z.enum(['read', 'created', 'changed', 'searched', 'shared', 'denied', 'other']),
    /** What happened, as the citizen reads it (the web client words it): see CITIZEN_ACTIVITIES. */
    activity: z.enum(CITIZEN_ACTIVITIES),
    /** The citizen's own use of their record (own page views, blocks), not health personnel's or a vendor system's. */
    own: z.boolean(),
    /** An opaque reference to the person or system, stable within this citizen's log (filter with `actor=`); never a user id. */
    actorRef: z.string(),
    /** For a shared document: the municipality it was fetched from. */
    sharedFrom: z.optional(z.object({ id: z.string(), name: z.string() })),
    outcome: z.enum(AUDIT_OUTCOMES),
    who: z.object({ name: z.string(), role: z.string() }),
    organisation: z.object({ tenantId: z.optional(z.string()), name: z.string(), unit: z.optional(z.string()) }),
    purposeOfUse: z.optional(z.enum(PURPOSES_OF_USE)),
    reasonCode: z.optional(z.string()),
    emergencyAccess: z.boolean(),
  })
  .register(z.globalRegistry, { id: 'CitizenAccessEntry' });
export type CitizenAccessEntry = z.infer<typeof citizenAccessEntrySchema>;

export const citizenAccessLogSchema = z
  .object({ items: z.array(citizenAccessEntrySchema), nextCursor: z.optional(z.string()) })
  .register(z.globalRegistry, { id: 'CitizenAccessLog' });

/** Whose accesses the citizen's log shows: health personnel's and systems' (default), the citizen's own, or all. */
export const CITIZEN_LOG_WHO = ['others', 'own', 'all'] as const;

const logDate = z.iso.date('Ugyldig dato (ÅÅÅÅ-MM-DD)');

export const citizenAccessLogQuerySchema = z.extend(paginationQuerySchema, {
  /** `others` (default): health personnel and vendor systems; `own`: the citizen's own views; `all`. */
  who: z._default(z.enum(CITIZEN_LOG_WHO), 'others'),
  /** Only accesses to the record in this municipality (kommunenummer). */
  tenant: z.optional(z.string().check(z.regex(/^\d{4}$/, 'Ugyldig kommunenummer'))),
  /** A person or system: part of the name as shown, or an `actorRef` from an earlier answer. */
  actor: z.optional(z.string().check(z.trim(), z.minLength(2), z.maxLength(100), z.regex(/^[\p{L}\p{N} _.,'()-]*$/u, 'Ugyldige tegn'))),
  /** First day (inclusive, UTC), YYYY-MM-DD. */
  from: z.optional(logDate),
  /** Last day (inclusive, UTC), YYYY-MM-DD; not before `from`. */
  to: z.optional(logDate),
});

export const REVIEW_CONCLUSIONS = ['no-action', 'follow-up', 'reported'] as const;

export const reviewSchema = z
  .object({
    id: z.string(),
    itemId: z.string(),
    eventId: z.string(),
    time: z.string(),
    reviewer: z.object({ sub: z.string(), name: z.optional(z.string()) }),
    conclusion: z.enum(REVIEW_CONCLUSIONS),
    note: z.string(),
  })
  .register(z.globalRegistry, { id: 'AuditReview' });
export type AuditReviewView = z.infer<typeof reviewSchema>;

export const reviewQueueItemSchema = z
  .object({
    /** Opaque id of the queue item, used to add a review. */
    id: z.string(),
    eventId: z.string(),
    time: z.string(),
    action: z.string(),
    flagReason: z.optional(z.string()),
    patientId: z.optional(z.string()),
    /** Who the patient is, for the auditor role. */
    patient: z.optional(auditPatientSchema),
    status: z.enum(['open', 'reviewed']),
    /** The flagged event itself; null when it can no longer be found (run verify). */
    event: z.nullable(auditEventSchema),
    reviews: z.array(reviewSchema),
  })
  .register(z.globalRegistry, { id: 'AuditReviewQueueItem' });
export type ReviewQueueItemView = z.infer<typeof reviewQueueItemSchema>;
export type ReviewConclusion = (typeof REVIEW_CONCLUSIONS)[number];

export const reviewQueueSchema = z
  .object({ items: z.array(reviewQueueItemSchema), nextCursor: z.optional(z.string()) })
  .register(z.globalRegistry, { id: 'AuditReviewQueue' });

/** What put an event in the queue (its flagReason). */
export const REVIEW_QUEUE_KINDS = ['emergency-access', 'self-authorised', 'refused'] as const;
export type ReviewQueueKind = (typeof REVIEW_QUEUE_KINDS)[number];

export const reviewQueueQuerySchema = z.extend(paginationQuerySchema, {
  status: z._default(z.enum(['open', 'reviewed', 'all']), 'all'),
  kind: z._default(z.enum([...REVIEW_QUEUE_KINDS, 'all']), 'all'),
});

export const reviewItemParamsSchema = z.object({ itemId: z.string().check(z.regex(/^[A-Za-z0-9_-]{8,400}$/, 'Ugyldig id')) });

export const reviewBodySchema = z.object({
  conclusion: z.enum(REVIEW_CONCLUSIONS),
  note: trimmedString(1, 2000),
});

export const BROKEN_LINK_REASONS = ['hash-mismatch', 'broken-link', 'gap', 'reordered', 'head-mismatch', 'checkpoint-mismatch', 'missing-events', 'anchor-mismatch'] as const;

export const brokenLinkSchema = z
  .object({
    /** The stream's key, e.g. `T#0301#AUDIT#P#<patientId>`. */
    stream: z.string(),
    patientId: z.optional(z.string()),
    seq: z.int(),
    reason: z.enum(BROKEN_LINK_REASONS),
  })
  .register(z.globalRegistry, { id: 'AuditBrokenLink' });

export const verifyBodySchema = z.prefault(
  z.object({
    /** Verify this patient's stream only; otherwise every stream of the tenant. */
    patientId: z.optional(idSchema),
    /** From a previous answer's nextCursor, to go on with a tenant-wide run. */
    cursor: z.optional(z.string().check(z.maxLength(512))),
    /** Streams per call in a tenant-wide run (the rest follows with nextCursor). */
    maxStreams: z.optional(z.int().check(z.minimum(1), z.maximum(1000))),
  }),
  {},
);

/** Faults in a municipality's chain of signed tree heads (functions/core/tree-head.ts). */
export const ANCHOR_PROBLEM_KINDS = [
  'no-tree-head', 'malformed', 'bad-signature', 'wrong-tenant', 'index-gap', 'broken-prev', 'late', 'stale', 'leaves-missing', 'root-mismatch',
] as const;

export const anchorReportSchema = z
  .object({
    /** `verified`: checked against an unbroken chain of signed tree heads; `unanchored`: none exists yet; `failed`: see problems. */
    status: z.enum(['verified', 'unanchored', 'failed']),
    /** The newest signed tree head the check used. */
    latest: z.optional(z.object({ index: z.int(), time: z.string(), treeSize: z.int(), root: z.string() })),
    treeHeadsChecked: z.int(),
    problems: z.array(z.object({ kind: z.enum(ANCHOR_PROBLEM_KINDS), index: z.int(), detail: z.string() })),
    /** Events the anchor covers in the streams checked; only these are beyond rewriting without detection. */
    anchoredEvents: z.int(),
    /** The window: what happened after the newest tree head, chained but not yet anchored (still rewritable). */
    window: z.object({ since: z.optional(z.string()), streams: z.int(), events: z.int() }),
  })
  .register(z.globalRegistry, { id: 'AuditAnchorReport' });

export const verifyResultSchema = z
  .object({
    ok: z.boolean(),
    /** False when a tenant-wide run stopped early; call again with nextCursor. */
    complete: z.boolean(),
    nextCursor: z.optional(z.string()),
    streamsChecked: z.int(),
    eventsChecked: z.int(),
    firstBroken: z.optional(brokenLinkSchema),
    /** Every broken stream found in this call (the first break of each), at most 50. */
    broken: z.array(brokenLinkSchema),
    /** The check against the signed tree heads (anchors). */
    anchor: z.optional(anchorReportSchema),
  })
  .register(z.globalRegistry, { id: 'AuditVerifyResult' });
export type VerifyResult = z.infer<typeof verifyResultSchema>;

export const checkpointResultSchema = z
  .extend(verifyResultSchema, {
    /** Signed checkpoints appended in this call (only for streams that verified). */
    checkpointsMade: z.int(),
  })
  .register(z.globalRegistry, { id: 'AuditCheckpointResult' });
export type CheckpointResult = z.infer<typeof checkpointResultSchema>;

/** POST /v1/audit/anchor: the signed tree head just written for the caller's municipality. */
export const anchorNowResultSchema = z
  .object({
    tenant: z.string(),
    /** The tree head's index in the municipality's chain of tree heads (1 is the first). */
    index: z.int(),
    /** Leaves (audit streams) the Merkle tree covers. */
    treeSize: z.int(),
    /** Merkle root over the stream heads, hex. */
    root: z.string(),
    /** The signed time of the tree head (ISO 8601). */
    time: z.string(),
    /** Leaves that moved since the previous tree head. */
    changed: z.int(),
  })
  .register(z.globalRegistry, { id: 'AuditAnchorNow' });
export type AnchorNowResult = z.infer<typeof anchorNowResultSchema>;
