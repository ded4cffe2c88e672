import { defineRoute } from '../../shared/http/route';
import { problemSchema } from '../../shared/contracts/common';
import {
  checkpointResultSchema,
  citizenAccessLogQuerySchema,
  citizenAccessLogSchema,
  eventListResponseSchema,
  patientEventsParamsSchema,
  reviewBodySchema,
  reviewItemParamsSchema,
  reviewQueueQuerySchema,
  reviewQueueSchema,
  reviewSchema,
  streamEventsQuerySchema,
  tenantEventsQuerySchema,
  userEventsParamsSchema,
  userEventsQuerySchema,
  verifyBodySchema,
  verifyResultSchema,
} from '../../shared/contracts/audit';

/**
 * The audit service's routes. Log content is for the tenant's auditor (and vendor systems the
 * tenant granted `audit.read`); a clinician sees only their own activity; the citizen sees their
 * own access log; the operating company sees none of it (no route lists `operator`).
 */

const refused = {
  400: { description: 'Invalid input', schema: problemSchema },
  401: { description: 'No valid token', schema: problemSchema },
  403: { description: 'Not allowed for this role, or the tenant is suspended', schema: problemSchema },
} as const;

export const listTenantAuditEvents = defineRoute({
  id: 'listTenantAuditEvents',
  method: 'GET',
  path: '/v1/audit/events',
  handler: 'functions/audit/handlers/list-tenant-events.ts',
  service: 'audit',
  plane: 'data',
  summary: "The tenant's audit events in a time range [from, to), newest first; `format=fhir` gives a FHIR Bundle of AuditEvent",
  auth: 'token',
  roles: ['auditor', 'vendor'],
  scopes: ['audit.read'],
  tenant: 'caller',
  query: tenantEventsQuerySchema,
  responses: { 200: { description: 'A page of events', schema: eventListResponseSchema }, ...refused },
});

export const listPatientAuditEvents = defineRoute({
  id: 'listPatientAuditEvents',
  method: 'GET',
  path: '/v1/audit/patients/{patientId}/events',
  handler: 'functions/audit/handlers/list-patient-events.ts',
  service: 'audit',
  plane: 'data',
  summary: "One patient's audit stream, newest first",
  auth: 'token',
  roles: ['auditor', 'vendor'],
  scopes: ['audit.read'],
  tenant: 'caller',
  params: patientEventsParamsSchema,
  query: streamEventsQuerySchema,
  responses: { 200: { description: 'A page of events', schema: eventListResponseSchema }, ...refused, 404: { description: 'No log for this patient in the tenant', schema: problemSchema } },
});

export const listUserAuditEvents = defineRoute({
  id: 'listUserAuditEvents',
  method: 'GET',
  path: '/v1/audit/users/{userId}/events',
  handler: 'functions/audit/handlers/list-user-events.ts',
  service: 'audit',
  plane: 'data',
  summary: "One user's activity, newest first (a clinician: only their own)",
  auth: 'token',
  roles: ['auditor', 'clinician', 'vendor'],
  scopes: ['audit.read'],
  tenant: 'caller',
  params: userEventsParamsSchema,
  query: userEventsQuerySchema,
  responses: { 200: { description: 'A page of events', schema: eventListResponseSchema }, ...refused },
});

export const citizenAccessLog = defineRoute({
  id: 'citizenAccessLog',
  method: 'GET',
  path: '/v1/audit/access-log',
  handler: 'functions/audit/handlers/citizen-access-log.ts',
  service: 'audit',
  plane: 'data',
  summary: "The citizen's own access log across all municipalities: who, organisation, when, why (reason code)",
  auth: 'token',
  roles: ['citizen'],
  tenant: 'none',
  query: citizenAccessLogQuerySchema,
  responses: { 200: { description: 'A page of the access log', schema: citizenAccessLogSchema }, ...refused },
});

export const listReviewQueue = defineRoute({
  id: 'listAuditReviewQueue',
  method: 'GET',
  path: '/v1/audit/review-queue',
  handler: 'functions/audit/handlers/list-review-queue.ts',
  service: 'audit',
  plane: 'data',
  summary: 'Flagged events for the auditor to review, newest first, with their reviews',
  auth: 'token',
  roles: ['auditor'],
  tenant: 'caller',
  query: reviewQueueQuerySchema,
  responses: { 200: { description: 'A page of the queue', schema: reviewQueueSchema }, ...refused },
});

export const reviewQueueItem = defineRoute({
  id: 'reviewAuditQueueItem',
  method: 'POST',
  path: '/v1/audit/review-queue/{itemId}/reviews',
  handler: 'functions/audit/handlers/review-queue-item.ts',
  service: 'audit',
  plane: 'data',
  summary: 'Record a review of a flagged event (a new item; earlier reviews stay)',
  auth: 'token',
  roles: ['auditor'],
  tenant: 'caller',
  params: reviewItemParamsSchema,
  body: reviewBodySchema,
  responses: { 201: { description: 'The review', schema: reviewSchema }, ...refused, 404: { description: 'No such queue item', schema: problemSchema } },
});

export const verifyAuditChains = defineRoute({
  id: 'verifyAuditChains',
  method: 'POST',
  path: '/v1/audit/verify',
  handler: 'functions/audit/handlers/verify-chains.ts',
  service: 'audit',
  plane: 'data',
  summary: "Recompute a patient's or the whole tenant's audit hash chains and name the first broken link",
  auth: 'token',
  roles: ['auditor', 'vendor'],
  scopes: ['audit.read'],
  tenant: 'caller',
  body: verifyBodySchema,
  responses: { 200: { description: 'Verification result', schema: verifyResultSchema }, ...refused, 404: { description: 'No log for this patient', schema: problemSchema } },
});

export const createAuditCheckpoints = defineRoute({
  id: 'createAuditCheckpoints',
  method: 'POST',
  path: '/v1/audit/checkpoints',
  handler: 'functions/audit/handlers/create-checkpoints.ts',
  service: 'audit',
  plane: 'data',
  summary: 'Verify, then sign a checkpoint at the head of every stream that verified',
  auth: 'token',
  roles: ['auditor'],
  tenant: 'caller',
  body: verifyBodySchema,
  responses: { 200: { description: 'Verification result and checkpoints made', schema: checkpointResultSchema }, ...refused, 404: { description: 'No log for this patient', schema: problemSchema } },
});

export const auditRoutes = [
  listTenantAuditEvents,
  listPatientAuditEvents,
  listUserAuditEvents,
  citizenAccessLog,
  listReviewQueue,
  reviewQueueItem,
  verifyAuditChains,
  createAuditCheckpoints,
];
