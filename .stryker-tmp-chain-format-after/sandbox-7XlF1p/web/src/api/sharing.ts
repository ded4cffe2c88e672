// @ts-nocheck
import type * as R from '../../../functions/sharing/routes';
import { idempotencyKey } from './client';
import { callRoute, type BodyOf } from './routes';

/**
 * The sharing API as the screens use it (documents across municipalities, blocks, consents,
 * emergency access); each call is checked against its entry in functions/sharing/routes.ts.
 */
export const sharingApi = {
  documents: (patientId: string, signal?: AbortSignal) =>
    callRoute<typeof R.listSharedDocumentsRoute>('GET', '/v1/sharing/patients/{patientId}/documents', { params: { patientId }, signal }),
  document: (documentId: string, signal?: AbortSignal) => callRoute<typeof R.getSharedDocumentRoute>('GET', '/v1/sharing/documents/{documentId}', { params: { documentId }, signal }),
  emergencyAccess: (patientId: string, signal?: AbortSignal) =>
    callRoute<typeof R.getEmergencyAccessRoute>('GET', '/v1/sharing/patients/{patientId}/emergency-access', { params: { patientId }, signal }),
  requestEmergencyAccess: (patientId: string, body: BodyOf<typeof R.requestEmergencyAccessRoute>, key = idempotencyKey()) =>
    callRoute<typeof R.requestEmergencyAccessRoute>('POST', '/v1/sharing/patients/{patientId}/emergency-access', { params: { patientId }, body, headers: { 'idempotency-key': key } }),
  patientBlocks: (patientId: string, signal?: AbortSignal) =>
    callRoute<typeof R.listPatientBlocksRoute>('GET', '/v1/sharing/patients/{patientId}/blocks', { params: { patientId }, signal }),
  createPatientBlock: (patientId: string, body: BodyOf<typeof R.createPatientBlockRoute>, key = idempotencyKey()) =>
    callRoute<typeof R.createPatientBlockRoute>('POST', '/v1/sharing/patients/{patientId}/blocks', { params: { patientId }, body, headers: { 'idempotency-key': key } }),
  liftPatientBlock: (patientId: string, blockId: string, key = idempotencyKey()) =>
    callRoute<typeof R.liftPatientBlockRoute>('DELETE', '/v1/sharing/patients/{patientId}/blocks/{blockId}', { params: { patientId, blockId }, headers: { 'idempotency-key': key } }),
  myDocuments: (signal?: AbortSignal) => callRoute<typeof R.listMyDocumentsRoute>('GET', '/v1/sharing/me/documents', { signal }),
  myBlocks: (signal?: AbortSignal) => callRoute<typeof R.listMyBlocksRoute>('GET', '/v1/sharing/me/blocks', { signal }),
  createMyBlock: (body: BodyOf<typeof R.createMyBlockRoute>, key = idempotencyKey()) =>
    callRoute<typeof R.createMyBlockRoute>('POST', '/v1/sharing/me/blocks', { body, headers: { 'idempotency-key': key } }),
  liftMyBlock: (blockId: string, key = idempotencyKey()) =>
    callRoute<typeof R.liftMyBlockRoute>('DELETE', '/v1/sharing/me/blocks/{blockId}', { params: { blockId }, headers: { 'idempotency-key': key } }),
  myConsents: (signal?: AbortSignal) => callRoute<typeof R.listMyConsentsRoute>('GET', '/v1/sharing/me/consents', { signal }),
  setMyConsent: (body: BodyOf<typeof R.setMyConsentRoute>, key = idempotencyKey()) =>
    callRoute<typeof R.setMyConsentRoute>('PUT', '/v1/sharing/me/consents', { body, headers: { 'idempotency-key': key } }),
};
