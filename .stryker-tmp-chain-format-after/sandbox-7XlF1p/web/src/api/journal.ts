// @ts-nocheck
import type * as R from '../../../functions/journal/routes';
import { idempotencyKey } from './client';
import { callRoute, type BodyOf, type QueryOf } from './routes';

type Query<T> = Partial<Record<keyof NonNullable<T>, string | number | undefined>>;

/**
 * The journal API as the screens use it: one function per operation, each checked against its
 * entry in functions/journal/routes.ts (method, path, body and answer).
 */
export const journalApi = {
  searchPatients: (body: BodyOf<typeof R.searchPatientsRoute>, signal?: AbortSignal) =>
    callRoute<typeof R.searchPatientsRoute>('POST', '/v1/patients/search', { body, signal }),
  createPatient: (body: BodyOf<typeof R.createPatientRoute>, key = idempotencyKey()) =>
    callRoute<typeof R.createPatientRoute>('POST', '/v1/patients', { body, headers: { 'idempotency-key': key } }),
  getPatient: (patientId: string, signal?: AbortSignal) => callRoute<typeof R.getPatientRoute>('GET', '/v1/patients/{patientId}', { params: { patientId }, signal }),
  listRelationships: (patientId: string, signal?: AbortSignal) =>
    callRoute<typeof R.listRelationshipsRoute>('GET', '/v1/patients/{patientId}/relationships', { params: { patientId }, signal }),
  createRelationship: (patientId: string, body: BodyOf<typeof R.createRelationshipRoute>, key = idempotencyKey()) =>
    callRoute<typeof R.createRelationshipRoute>('POST', '/v1/patients/{patientId}/relationships', { params: { patientId }, body, headers: { 'idempotency-key': key } }),
  endRelationship: (patientId: string, relationshipId: string, etag: string, body: BodyOf<typeof R.endRelationshipRoute>, key = idempotencyKey()) =>
    callRoute<typeof R.endRelationshipRoute>('POST', '/v1/patients/{patientId}/relationships/{relationshipId}/end', {
      params: { patientId, relationshipId },
      body,
      headers: { 'if-match': etag, 'idempotency-key': key },
    }),
  timeline: (patientId: string, query: Query<QueryOf<typeof R.getTimelineRoute>>, signal?: AbortSignal) =>
    callRoute<typeof R.getTimelineRoute>('GET', '/v1/patients/{patientId}/timeline', { params: { patientId }, query: { limit: 20, ...query }, signal }),
  createEntry: (patientId: string, body: BodyOf<typeof R.createEntryRoute>, key = idempotencyKey()) =>
    callRoute<typeof R.createEntryRoute>('POST', '/v1/patients/{patientId}/entries', { params: { patientId }, body, headers: { 'idempotency-key': key } }),
  getEntry: (patientId: string, entryId: string, signal?: AbortSignal) =>
    callRoute<typeof R.getEntryRoute>('GET', '/v1/patients/{patientId}/entries/{entryId}', { params: { patientId, entryId }, signal }),
  editDraft: (patientId: string, entryId: string, etag: string, body: BodyOf<typeof R.editDraftRoute>) =>
    callRoute<typeof R.editDraftRoute>('PUT', '/v1/patients/{patientId}/entries/{entryId}', { params: { patientId, entryId }, body, headers: { 'if-match': etag } }),
  sign: (patientId: string, entryId: string, etag: string, key = idempotencyKey()) =>
    callRoute<typeof R.signEntryRoute>('POST', '/v1/patients/{patientId}/entries/{entryId}/sign', {
      params: { patientId, entryId },
      body: {},
      headers: { 'if-match': etag, 'idempotency-key': key },
    }),
  correct: (patientId: string, entryId: string, etag: string, body: BodyOf<typeof R.correctEntryRoute>, key = idempotencyKey()) =>
    callRoute<typeof R.correctEntryRoute>('POST', '/v1/patients/{patientId}/entries/{entryId}/corrections', {
      params: { patientId, entryId },
      body,
      headers: { 'if-match': etag, 'idempotency-key': key },
    }),
  enteredInError: (patientId: string, entryId: string, etag: string, body: BodyOf<typeof R.markEnteredInErrorRoute>, key = idempotencyKey()) =>
    callRoute<typeof R.markEnteredInErrorRoute>('POST', '/v1/patients/{patientId}/entries/{entryId}/entered-in-error', {
      params: { patientId, entryId },
      body,
      headers: { 'if-match': etag, 'idempotency-key': key },
    }),
  versions: (patientId: string, entryId: string, cursor: string | undefined, signal?: AbortSignal) =>
    callRoute<typeof R.listEntryVersionsRoute>('GET', '/v1/patients/{patientId}/entries/{entryId}/versions', { params: { patientId, entryId }, query: { limit: 50, cursor }, signal }),
  myRecord: (signal?: AbortSignal) => callRoute<typeof R.getMyRecordRoute>('GET', '/v1/me/record', { signal }),
};
