import { z } from 'zod';
import { paginationQuerySchema } from './common';

/** Audit log contracts: the auditor's views, the citizen's access log, review queue and verify. */

export const PURPOSES_OF_USE = ['TREAT', 'ETREAT', 'COC', 'BTG', 'AUDIT', 'ADMIN', 'OPERATE', 'CITIZEN'] as const;
export const AUDIT_OUTCOMES = ['success', 'denied', 'failure'] as const;

/** Opaque record / patient / user ids as they appear in paths (no separators, bounded). */
const idSchema = z.string().regex(/^[A-Za-z0-9._:@-]{1,128}$/, 'Ugyldig id');

const formatSchema = z.enum(['json', 'fhir']).default('json');

export const auditActorSchema = z
  .object({
    sub: z.string(),
    name: z.string().optional(),
    hpr: z.string().optional(),
    profession: z.string().optional(),
    roles: z.array(z.string()),
    tenant: z.string().optional(),
    unit: z.string().optional(),
    clientId: z.string().optional(),
  })
  .meta({ id: 'AuditActor' });

/** One event as the tenant's auditor sees it (never journal text; the free-text reason is shown). */
export const auditEventSchema = z
  .object({
    id: z.string(),
    stream: z.enum(['patient', 'tenant']),
    seq: z.number().int(),
    time: z.string(),
    tenant: z.string(),
    action: z.string(),
    outcome: z.enum(AUDIT_OUTCOMES),
    actor: auditActorSchema,
    requestId: z.string(),
    patientId: z.string().optional(),
    recordId: z.string().optional(),
    purposeOfUse: z.enum(PURPOSES_OF_USE).optional(),
    reasonCode: z.string().optional(),
    /** The free-text reason, decrypted for the auditor; never in the citizen's view. */
    reason: z.string().optional(),
    flagged: z.boolean().optional(),
    flagReason: z.string().optional(),
    fromTenant: z.string().optional(),
    rule: z.string().optional(),
    details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  })
  .meta({ id: 'AuditEvent' });
export type AuditEventView = z.infer<typeof auditEventSchema>;

export const auditEventListSchema = z
  .object({ items: z.array(auditEventSchema), nextCursor: z.string().optional() })
  .meta({ id: 'AuditEventList' });

/** A FHIR R4 Bundle of AuditEvent resources (IHE BALP shape); described loosely here. */
export const fhirAuditBundleSchema = z
  .object({
    resourceType: z.literal('Bundle'),
    type: z.literal('searchset'),
    timestamp: z.string(),
    link: z.array(z.object({ relation: z.string(), url: z.string() })),
    entry: z.array(z.object({ fullUrl: z.string(), resource: z.record(z.string(), z.unknown()) })),
  })
  .meta({ id: 'FhirAuditEventBundle' });

export const eventListResponseSchema = z.union([auditEventListSchema, fhirAuditBundleSchema]);

const isoTime = z.iso.datetime({ offset: true });

export const tenantEventsQuerySchema = paginationQuerySchema.extend({
  /** Start of the range, inclusive. Default: 24 hours before `to`. */
  from: isoTime.optional(),
  /** End of the range, exclusive. Default: now. At most 31 days after `from`. */
  to: isoTime.optional(),
  action: z.string().regex(/^[a-z][a-z0-9.-]{0,63}$/).optional(),
  outcome: z.enum(AUDIT_OUTCOMES).optional(),
  format: formatSchema,
});

export const patientEventsParamsSchema = z.object({ patientId: idSchema });
export const userEventsParamsSchema = z.object({ userId: idSchema });

export const streamEventsQuerySchema = paginationQuerySchema.extend({ format: formatSchema });

export const userEventsQuerySchema = paginationQuerySchema.extend({
  from: isoTime.optional(),
  to: isoTime.optional(),
  format: formatSchema,
});

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
    outcome: z.enum(AUDIT_OUTCOMES),
    who: z.object({ name: z.string(), role: z.string() }),
    organisation: z.object({ tenantId: z.string().optional(), name: z.string(), unit: z.string().optional() }),
    purposeOfUse: z.enum(PURPOSES_OF_USE).optional(),
    reasonCode: z.string().optional(),
    emergencyAccess: z.boolean(),
  })
  .meta({ id: 'CitizenAccessEntry' });
export type CitizenAccessEntry = z.infer<typeof citizenAccessEntrySchema>;

export const citizenAccessLogSchema = z
  .object({ items: z.array(citizenAccessEntrySchema), nextCursor: z.string().optional() })
  .meta({ id: 'CitizenAccessLog' });

export const citizenAccessLogQuerySchema = paginationQuerySchema;

export const REVIEW_CONCLUSIONS = ['no-action', 'follow-up', 'reported'] as const;

export const reviewSchema = z
  .object({
    id: z.string(),
    itemId: z.string(),
    eventId: z.string(),
    time: z.string(),
    reviewer: z.object({ sub: z.string(), name: z.string().optional() }),
    conclusion: z.enum(REVIEW_CONCLUSIONS),
    note: z.string(),
  })
  .meta({ id: 'AuditReview' });
export type AuditReviewView = z.infer<typeof reviewSchema>;

export const reviewQueueItemSchema = z
  .object({
    /** Opaque id of the queue item, used to add a review. */
    id: z.string(),
    eventId: z.string(),
    time: z.string(),
    action: z.string(),
    flagReason: z.string().optional(),
    patientId: z.string().optional(),
    status: z.enum(['open', 'reviewed']),
    /** The flagged event itself; null when it can no longer be found (run verify). */
    event: auditEventSchema.nullable(),
    reviews: z.array(reviewSchema),
  })
  .meta({ id: 'AuditReviewQueueItem' });
export type ReviewQueueItemView = z.infer<typeof reviewQueueItemSchema>;
export type ReviewConclusion = (typeof REVIEW_CONCLUSIONS)[number];

export const reviewQueueSchema = z
  .object({ items: z.array(reviewQueueItemSchema), nextCursor: z.string().optional() })
  .meta({ id: 'AuditReviewQueue' });

export const reviewQueueQuerySchema = paginationQuerySchema.extend({
  status: z.enum(['open', 'reviewed', 'all']).default('all'),
});

export const reviewItemParamsSchema = z.object({ itemId: z.string().regex(/^[A-Za-z0-9_-]{8,400}$/, 'Ugyldig id') });

export const reviewBodySchema = z.object({
  conclusion: z.enum(REVIEW_CONCLUSIONS),
  note: z.string().trim().min(1).max(2000),
});

export const BROKEN_LINK_REASONS = ['hash-mismatch', 'broken-link', 'gap', 'reordered', 'head-mismatch', 'checkpoint-mismatch', 'missing-events'] as const;

export const brokenLinkSchema = z
  .object({
    /** The stream's key, e.g. `T#0301#AUDIT#P#<patientId>`. */
    stream: z.string(),
    patientId: z.string().optional(),
    seq: z.number().int(),
    reason: z.enum(BROKEN_LINK_REASONS),
  })
  .meta({ id: 'AuditBrokenLink' });

export const verifyBodySchema = z
  .object({
    /** Verify this patient's stream only; otherwise every stream of the tenant. */
    patientId: idSchema.optional(),
    /** From a previous answer's nextCursor, to go on with a tenant-wide run. */
    cursor: z.string().max(512).optional(),
    /** Streams per call in a tenant-wide run (the rest follows with nextCursor). */
    maxStreams: z.number().int().min(1).max(1000).optional(),
  })
  .prefault({});

export const verifyResultSchema = z
  .object({
    ok: z.boolean(),
    /** False when a tenant-wide run stopped early; call again with nextCursor. */
    complete: z.boolean(),
    nextCursor: z.string().optional(),
    streamsChecked: z.number().int(),
    eventsChecked: z.number().int(),
    firstBroken: brokenLinkSchema.optional(),
    /** Every broken stream found in this call (the first break of each), at most 50. */
    broken: z.array(brokenLinkSchema),
  })
  .meta({ id: 'AuditVerifyResult' });
export type VerifyResult = z.infer<typeof verifyResultSchema>;

export const checkpointResultSchema = verifyResultSchema
  .extend({
    /** Signed checkpoints appended in this call (only for streams that verified). */
    checkpointsMade: z.number().int(),
  })
  .meta({ id: 'AuditCheckpointResult' });
export type CheckpointResult = z.infer<typeof checkpointResultSchema>;
