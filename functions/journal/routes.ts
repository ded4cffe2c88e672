import { defineRoute } from '../../shared/http/route';
import { problemSchema } from '../../shared/contracts/common';
import {
  conditionalPostHeadersSchema,
  conditionalPutHeadersSchema,
  correctEntrySchema,
  createEntrySchema,
  createPatientSchema,
  createRelationshipSchema,
  editDraftSchema,
  endRelationshipSchema,
  enteredInErrorSchema,
  entryParamsSchema,
  entrySchema,
  entryVersionsQuerySchema,
  entryVersionsSchema,
  idempotentHeadersSchema,
  myRecordSchema,
  patientParamsSchema,
  patientSchema,
  patientSearchResultSchema,
  relationshipListSchema,
  relationshipParamsSchema,
  relationshipSchema,
  searchPatientsSchema,
  signEntrySchema,
  timelineQuerySchema,
  timelineSchema,
} from '../../shared/contracts/journal';

/**
 * Journal routes. Roles are explicit and never include `operator` (the operating company never
 * reads patient data). Patient-scoped routes admit auditors and tenant admins as far as the access
 * decision, so their refusals are decided and audited there; citizens use /v1/me/record only.
 * Vendor clients need `journal.read` / `journal.write` granted by the tenant.
 */

const STAFF = ['clinician', 'tenant-admin', 'vendor'] as const;
const PATIENT_SCOPED = ['clinician', 'tenant-admin', 'auditor', 'vendor'] as const;
const READ = ['journal.read'] as const;
const WRITE = ['journal.write'] as const;

const problem = (description: string) => ({ description, schema: problemSchema });
const common = {
  400: problem('Invalid input (each field named)'),
  401: problem('No valid token'),
  403: problem('No access (role, tenant or access decision); denied attempts are audited'),
} as const;
const patientScoped = { ...common, 404: problem('No such patient (or record) in this tenant') } as const;
const change = { ...patientScoped, 409: problem('State does not allow this change, or Idempotency-Key reused for another request'), 412: problem('If-Match names an old version'), 428: problem('If-Match missing'), 429: problem('Too many concurrent changes to this patient; retry') } as const;

export const createPatientRoute = defineRoute({
  id: 'createPatient',
  method: 'POST',
  path: '/v1/patients',
  handler: 'functions/journal/handlers/create-patient.ts',
  service: 'journal',
  plane: 'data',
  summary: 'Create a patient (one record per national id per tenant)',
  auth: 'token',
  roles: STAFF,
  scopes: WRITE,
  tenant: 'caller',
  body: createPatientSchema,
  headers: idempotentHeadersSchema,
  responses: { 201: { description: 'Created', schema: patientSchema }, ...common, 409: problem('The patient already exists in this tenant (patientId given)') },
});

export const searchPatientsRoute = defineRoute({
  id: 'searchPatients',
  method: 'POST',
  path: '/v1/patients/search',
  handler: 'functions/journal/handlers/search-patients.ts',
  service: 'journal',
  plane: 'data',
  summary: 'Find patients by national id or name (POST, so identifiers stay out of URLs and logs)',
  auth: 'token',
  roles: STAFF,
  scopes: READ,
  tenant: 'caller',
  body: searchPatientsSchema,
  responses: { 200: { description: 'Matches (at most 20)', schema: patientSearchResultSchema }, ...common },
});

export const getPatientRoute = defineRoute({
  id: 'getPatient',
  method: 'GET',
  path: '/v1/patients/{patientId}',
  handler: 'functions/journal/handlers/get-patient.ts',
  service: 'journal',
  plane: 'data',
  summary: "A patient's demographics",
  auth: 'token',
  roles: PATIENT_SCOPED,
  scopes: READ,
  tenant: 'caller',
  params: patientParamsSchema,
  responses: { 200: { description: 'Patient', schema: patientSchema }, ...patientScoped },
});

export const listRelationshipsRoute = defineRoute({
  id: 'listRelationships',
  method: 'GET',
  path: '/v1/patients/{patientId}/relationships',
  handler: 'functions/journal/handlers/list-relationships.ts',
  service: 'journal',
  plane: 'data',
  summary: "The patient's care relationships, in force and ended",
  auth: 'token',
  roles: PATIENT_SCOPED,
  scopes: READ,
  tenant: 'caller',
  params: patientParamsSchema,
  responses: { 200: { description: 'Care relationships', schema: relationshipListSchema }, ...patientScoped },
});

export const createRelationshipRoute = defineRoute({
  id: 'createRelationship',
  method: 'POST',
  path: '/v1/patients/{patientId}/relationships',
  handler: 'functions/journal/handlers/create-relationship.ts',
  service: 'journal',
  plane: 'data',
  summary: 'Create a care relationship (tjenstlig behov) with a reason, for oneself, one’s unit or (tenant admin) anyone in the tenant',
  auth: 'token',
  roles: PATIENT_SCOPED,
  tenant: 'caller',
  params: patientParamsSchema,
  body: createRelationshipSchema,
  headers: idempotentHeadersSchema,
  responses: { 201: { description: 'Created', schema: relationshipSchema }, ...change },
});

export const endRelationshipRoute = defineRoute({
  id: 'endRelationship',
  method: 'POST',
  path: '/v1/patients/{patientId}/relationships/{relationshipId}/end',
  handler: 'functions/journal/handlers/end-relationship.ts',
  service: 'journal',
  plane: 'data',
  summary: 'End a care relationship now (If-Match)',
  auth: 'token',
  roles: PATIENT_SCOPED,
  tenant: 'caller',
  params: relationshipParamsSchema,
  body: endRelationshipSchema,
  headers: conditionalPostHeadersSchema,
  responses: { 200: { description: 'Ended', schema: relationshipSchema }, ...change },
});

export const createEntryRoute = defineRoute({
  id: 'createEntry',
  method: 'POST',
  path: '/v1/patients/{patientId}/entries',
  handler: 'functions/journal/handlers/create-entry.ts',
  service: 'journal',
  plane: 'data',
  summary: 'Create a draft journal entry',
  auth: 'token',
  roles: PATIENT_SCOPED,
  scopes: WRITE,
  tenant: 'caller',
  params: patientParamsSchema,
  body: createEntrySchema,
  headers: idempotentHeadersSchema,
  responses: { 201: { description: 'Draft created', schema: entrySchema }, ...change },
});

export const getEntryRoute = defineRoute({
  id: 'getEntry',
  method: 'GET',
  path: '/v1/patients/{patientId}/entries/{entryId}',
  handler: 'functions/journal/handlers/get-entry.ts',
  service: 'journal',
  plane: 'data',
  summary: "A journal entry's current version",
  auth: 'token',
  roles: PATIENT_SCOPED,
  scopes: READ,
  tenant: 'caller',
  params: entryParamsSchema,
  responses: { 200: { description: 'Entry (ETag names the version)', schema: entrySchema }, ...patientScoped },
});

export const editDraftRoute = defineRoute({
  id: 'editDraft',
  method: 'PUT',
  path: '/v1/patients/{patientId}/entries/{entryId}',
  handler: 'functions/journal/handlers/edit-draft.ts',
  service: 'journal',
  plane: 'data',
  summary: 'Edit a draft (author only, If-Match)',
  auth: 'token',
  roles: PATIENT_SCOPED,
  scopes: WRITE,
  tenant: 'caller',
  params: entryParamsSchema,
  body: editDraftSchema,
  headers: conditionalPutHeadersSchema,
  responses: { 200: { description: 'Edited', schema: entrySchema }, ...change },
});

export const signEntryRoute = defineRoute({
  id: 'signEntry',
  method: 'POST',
  path: '/v1/patients/{patientId}/entries/{entryId}/sign',
  handler: 'functions/journal/handlers/sign-entry.ts',
  service: 'journal',
  plane: 'data',
  summary: 'Sign a draft (author with HPR number, If-Match); signed content never changes',
  auth: 'token',
  roles: PATIENT_SCOPED,
  scopes: WRITE,
  tenant: 'caller',
  params: entryParamsSchema,
  body: signEntrySchema,
  headers: conditionalPostHeadersSchema,
  responses: { 200: { description: 'Signed', schema: entrySchema }, ...change },
});

export const correctEntryRoute = defineRoute({
  id: 'correctEntry',
  method: 'POST',
  path: '/v1/patients/{patientId}/entries/{entryId}/corrections',
  handler: 'functions/journal/handlers/correct-entry.ts',
  service: 'journal',
  plane: 'data',
  summary: 'Correct a signed entry (retting): a new version with a reason (If-Match)',
  auth: 'token',
  roles: PATIENT_SCOPED,
  scopes: WRITE,
  tenant: 'caller',
  params: entryParamsSchema,
  body: correctEntrySchema,
  headers: conditionalPostHeadersSchema,
  responses: { 200: { description: 'Corrected', schema: entrySchema }, ...change },
});

export const markEnteredInErrorRoute = defineRoute({
  id: 'markEnteredInError',
  method: 'POST',
  path: '/v1/patients/{patientId}/entries/{entryId}/entered-in-error',
  handler: 'functions/journal/handlers/mark-entered-in-error.ts',
  service: 'journal',
  plane: 'data',
  summary: 'Mark an entry as entered in error, with a reason (If-Match); nothing is deleted',
  auth: 'token',
  roles: PATIENT_SCOPED,
  scopes: WRITE,
  tenant: 'caller',
  params: entryParamsSchema,
  body: enteredInErrorSchema,
  headers: conditionalPostHeadersSchema,
  responses: { 200: { description: 'Marked', schema: entrySchema }, ...change },
});

export const listEntryVersionsRoute = defineRoute({
  id: 'listEntryVersions',
  method: 'GET',
  path: '/v1/patients/{patientId}/entries/{entryId}/versions',
  handler: 'functions/journal/handlers/list-entry-versions.ts',
  service: 'journal',
  plane: 'data',
  summary: "An entry's version history, oldest first",
  auth: 'token',
  roles: PATIENT_SCOPED,
  scopes: READ,
  tenant: 'caller',
  params: entryParamsSchema,
  query: entryVersionsQuerySchema,
  responses: { 200: { description: 'Versions', schema: entryVersionsSchema }, ...patientScoped },
});

export const getTimelineRoute = defineRoute({
  id: 'getTimeline',
  method: 'GET',
  path: '/v1/patients/{patientId}/timeline',
  handler: 'functions/journal/handlers/get-timeline.ts',
  service: 'journal',
  plane: 'data',
  summary: "The patient's entries, newest event first; filter by type and unit; opaque cursor",
  auth: 'token',
  roles: PATIENT_SCOPED,
  scopes: READ,
  tenant: 'caller',
  params: patientParamsSchema,
  query: timelineQuerySchema,
  responses: { 200: { description: 'A page of the timeline', schema: timelineSchema }, ...patientScoped },
});

export const getMyRecordRoute = defineRoute({
  id: 'getMyRecord',
  method: 'GET',
  path: '/v1/me/record',
  handler: 'functions/journal/handlers/get-my-record.ts',
  service: 'journal',
  plane: 'data',
  summary: "The citizen's own record in every municipality where they are a patient (read-only, audited)",
  auth: 'token',
  roles: ['citizen'],
  tenant: 'none',
  responses: { 200: { description: 'Own record', schema: myRecordSchema }, 401: problem('No valid token'), 403: problem('Not a citizen') },
});

export const journalRoutes = [
  createPatientRoute,
  searchPatientsRoute,
  getPatientRoute,
  listRelationshipsRoute,
  createRelationshipRoute,
  endRelationshipRoute,
  createEntryRoute,
  getEntryRoute,
  editDraftRoute,
  signEntryRoute,
  correctEntryRoute,
  markEnteredInErrorRoute,
  listEntryVersionsRoute,
  getTimelineRoute,
  getMyRecordRoute,
];
