// @ts-nocheck
import { defineService } from '../../shared/http/service';
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

const audit = defineService({
  service: 'audit',
  problems: {
    403: 'Not allowed for this role, or the tenant is suspended',
    404: 'No log for this patient in the tenant',
  },
});

export const listTenantAuditEvents = audit.route({
  id: 'listTenantAuditEvents',
  method: 'GET',
  path: '/v1/audit/events',
  handler: 'functions/audit/handlers/list-tenant-events.ts',
  plane: 'data',
  summary: "The tenant's audit events in a time range [from, to), newest first; `format=fhir` gives a FHIR Bundle of AuditEvent",
  auth: 'token',
  roles: ['auditor', 'vendor'],
  scopes: ['audit.read'],
  tenant: 'caller',
  query: tenantEventsQuerySchema,
  responses: { 200: { description: 'A page of events', schema: eventListResponseSchema } },
});

export const listPatientAuditEvents = audit.route({
  id: 'listPatientAuditEvents',
  method: 'GET',
  path: '/v1/audit/patients/{patientId}/events',
  handler: 'functions/audit/handlers/list-patient-events.ts',
  plane: 'data',
  summary: "One patient's audit stream, newest first",
  auth: 'token',
  roles: ['auditor', 'vendor'],
  scopes: ['audit.read'],
  tenant: 'caller',
  params: patientEventsParamsSchema,
  query: streamEventsQuerySchema,
  problems: [404],
  responses: { 200: { description: 'A page of events', schema: eventListResponseSchema } },
});

export const listUserAuditEvents = audit.route({
  id: 'listUserAuditEvents',
  method: 'GET',
  path: '/v1/audit/users/{userId}/events',
  handler: 'functions/audit/handlers/list-user-events.ts',
  plane: 'data',
  summary: "One user's activity, newest first (a clinician: only their own)",
  auth: 'token',
  roles: ['auditor', 'clinician', 'vendor'],
  scopes: ['audit.read'],
  tenant: 'caller',
  params: userEventsParamsSchema,
  query: userEventsQuerySchema,
  responses: { 200: { description: 'A page of events', schema: eventListResponseSchema } },
});

export const citizenAccessLog = audit.route({
  id: 'citizenAccessLog',
  method: 'GET',
  path: '/v1/audit/access-log',
  handler: 'functions/audit/handlers/citizen-access-log.ts',
  plane: 'data',
  summary: "The citizen's own access log across all municipalities: who, organisation, when, why (reason code)",
  auth: 'token',
  roles: ['citizen'],
  tenant: 'none',
  query: citizenAccessLogQuerySchema,
  responses: { 200: { description: 'A page of the access log', schema: citizenAccessLogSchema } },
});

export const listReviewQueue = audit.route({
  id: 'listAuditReviewQueue',
  method: 'GET',
  path: '/v1/audit/review-queue',
  handler: 'functions/audit/handlers/list-review-queue.ts',
  plane: 'data',
  summary: 'Flagged events for the auditor to review, newest first, with their reviews',
  auth: 'token',
  roles: ['auditor'],
  tenant: 'caller',
  query: reviewQueueQuerySchema,
  responses: { 200: { description: 'A page of the queue', schema: reviewQueueSchema } },
});

export const reviewQueueItem = audit.route({
  id: 'reviewAuditQueueItem',
  method: 'POST',
  path: '/v1/audit/review-queue/{itemId}/reviews',
  handler: 'functions/audit/handlers/review-queue-item.ts',
  plane: 'data',
  summary: 'Record a review of a flagged event (a new item; earlier reviews stay)',
  auth: 'token',
  roles: ['auditor'],
  tenant: 'caller',
  params: reviewItemParamsSchema,
  body: reviewBodySchema,
  responses: { 201: { description: 'The review', schema: reviewSchema }, 404: { description: 'No such queue item' } },
});

export const verifyAuditChains = audit.route({
  id: 'verifyAuditChains',
  method: 'POST',
  path: '/v1/audit/verify',
  handler: 'functions/audit/handlers/verify-chains.ts',
  plane: 'data',
  summary: "Recompute a patient's or the whole tenant's audit hash chains and name the first broken link",
  auth: 'token',
  roles: ['auditor', 'vendor'],
  scopes: ['audit.read'],
  tenant: 'caller',
  body: verifyBodySchema,
  responses: { 200: { description: 'Verification result', schema: verifyResultSchema }, 404: { description: 'No log for this patient' } },
});

export const createAuditCheckpoints = audit.route({
  id: 'createAuditCheckpoints',
  method: 'POST',
  path: '/v1/audit/checkpoints',
  handler: 'functions/audit/handlers/create-checkpoints.ts',
  plane: 'data',
  summary: 'Verify, then sign a checkpoint at the head of every stream that verified',
  auth: 'token',
  roles: ['auditor'],
  tenant: 'caller',
  body: verifyBodySchema,
  responses: { 200: { description: 'Verification result and checkpoints made', schema: checkpointResultSchema }, 404: { description: 'No log for this patient' } },
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
