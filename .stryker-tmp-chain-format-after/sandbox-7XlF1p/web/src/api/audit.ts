// @ts-nocheck
import type * as z from 'zod/mini';
import type { auditEventListSchema, ReviewQueueKind } from '../../../shared/contracts/audit';
import type * as R from '../../../functions/audit/routes';
import { callRoute, type BodyOf } from './routes';

/** A page of audit events in JSON (the client never asks for the FHIR format). */
export type AuditEventList = z.infer<typeof auditEventListSchema>;

/** The citizen's access-log filters (shared/contracts/audit.ts citizenAccessLogQuerySchema). */
export type AccessLogFilter = { who: 'others' | 'own' | 'all'; tenant?: string; actor?: string; from?: string; to?: string };

type Range = { from?: string; to?: string; action?: string; outcome?: string; cursor?: string; limit?: number };

/** The audit API as the screens use it; paths and bodies are checked against functions/audit/routes.ts. */
export const auditApi = {
  tenantEvents: async (q: Range, signal?: AbortSignal) =>
    (await callRoute<typeof R.listTenantAuditEvents>('GET', '/v1/audit/events', { query: { ...q, limit: q.limit ?? 50, format: 'json' }, signal })).data as AuditEventList,
  patientEvents: async (patientId: string, cursor: string | undefined, signal?: AbortSignal) =>
    (await callRoute<typeof R.listPatientAuditEvents>('GET', '/v1/audit/patients/{patientId}/events', { params: { patientId }, query: { cursor, limit: 50, format: 'json' }, signal })).data as AuditEventList,
  userEvents: async (userId: string, q: Range, signal?: AbortSignal) =>
    (await callRoute<typeof R.listUserAuditEvents>('GET', '/v1/audit/users/{userId}/events', { params: { userId }, query: { from: q.from, to: q.to, cursor: q.cursor, limit: q.limit ?? 50, format: 'json' }, signal }))
      .data as AuditEventList,
  accessLog: async (filter: AccessLogFilter, cursor: string | undefined, signal?: AbortSignal) =>
    (await callRoute<typeof R.citizenAccessLog>('GET', '/v1/audit/access-log', { query: { ...filter, cursor, limit: 50 }, signal })).data,
  reviewQueue: async (status: 'open' | 'reviewed' | 'all', kind: ReviewQueueKind | 'all', cursor: string | undefined, signal?: AbortSignal) =>
    (await callRoute<typeof R.listReviewQueue>('GET', '/v1/audit/review-queue', { query: { status, kind, cursor, limit: 50 }, signal })).data,
  review: async (itemId: string, body: BodyOf<typeof R.reviewQueueItem>) =>
    (await callRoute<typeof R.reviewQueueItem>('POST', '/v1/audit/review-queue/{itemId}/reviews', { params: { itemId }, body })).data,
  verify: async (body: BodyOf<typeof R.verifyAuditChains>) => (await callRoute<typeof R.verifyAuditChains>('POST', '/v1/audit/verify', { body })).data,
  checkpoint: async (body: BodyOf<typeof R.createAuditCheckpoints>) => (await callRoute<typeof R.createAuditCheckpoints>('POST', '/v1/audit/checkpoints', { body })).data,
};
