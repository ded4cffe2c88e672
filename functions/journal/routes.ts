import { defineService } from '../../shared/http/service';
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

const journal = defineService({
  service: 'journal',
  problems: {
    403: 'No access (role, tenant or access decision); denied attempts are audited',
    404: 'No such patient (or record) in this tenant',
    409: 'State does not allow this change, or Idempotency-Key reused for another request',
    429: 'Too many concurrent changes to this patient; retry',
  },
});
/** A versioned change of a patient's record. */
const CHANGE = [404, 409, 412, 428, 429] as const;

export const createPatientRoute = journal.route({
  id: 'createPatient',
  method: 'POST',
  path: '/v1/patients',
  handler: 'functions/journal/handlers/create-patient.ts',
  plane: 'data',
  summary: 'Create a patient (one record per national id per tenant)',
  auth: 'token',
  roles: STAFF,
  scopes: WRITE,
  tenant: 'caller',
  registryAhead: true,
  body: createPatientSchema,
  headers: idempotentHeadersSchema,
  responses: { 201: { description: 'Created', schema: patientSchema }, 409: { description: 'The patient already exists in this tenant (patientId given)' } },
});

export const searchPatientsRoute = journal.route({
  id: 'searchPatients',
  method: 'POST',
  path: '/v1/patients/search',
  handler: 'functions/journal/handlers/search-patients.ts',
  plane: 'data',
  summary: 'Find patients by national id or name (POST, so identifiers stay out of URLs and logs)',
  auth: 'token',
  roles: STAFF,
  scopes: READ,
  tenant: 'caller',
  registryAhead: true,
  body: searchPatientsSchema,
  responses: { 200: { description: 'Matches (at most 20)', schema: patientSearchResultSchema } },
});

export const getPatientRoute = journal.route({
  id: 'getPatient',
  method: 'GET',
  path: '/v1/patients/{patientId}',
  handler: 'functions/journal/handlers/get-patient.ts',
  plane: 'data',
  summary: "A patient's demographics",
  auth: 'token',
  roles: PATIENT_SCOPED,
  scopes: READ,
  tenant: 'caller',
  registryAhead: true,
  params: patientParamsSchema,
  problems: [404],
  responses: { 200: { description: 'Patient', schema: patientSchema } },
});

export const listRelationshipsRoute = journal.route({
  id: 'listRelationships',
  method: 'GET',
  path: '/v1/patients/{patientId}/relationships',
  handler: 'functions/journal/handlers/list-relationships.ts',
  plane: 'data',
  summary: "The patient's care relationships, in force and ended",
  auth: 'token',
  roles: PATIENT_SCOPED,
  scopes: READ,
  tenant: 'caller',
  registryAhead: true,
  params: patientParamsSchema,
  problems: [404],
  responses: { 200: { description: 'Care relationships', schema: relationshipListSchema } },
});

export const createRelationshipRoute = journal.route({
  id: 'createRelationship',
  method: 'POST',
  path: '/v1/patients/{patientId}/relationships',
  handler: 'functions/journal/handlers/create-relationship.ts',
  plane: 'data',
  summary: 'Create a care relationship (tjenstlig behov) with a reason, for oneself, one’s unit or (tenant admin) anyone in the tenant',
  auth: 'token',
  roles: PATIENT_SCOPED,
  tenant: 'caller',
  registryAhead: true,
  params: patientParamsSchema,
  body: createRelationshipSchema,
  headers: idempotentHeadersSchema,
  problems: CHANGE,
  responses: { 201: { description: 'Created', schema: relationshipSchema } },
});

export const endRelationshipRoute = journal.route({
  id: 'endRelationship',
  method: 'POST',
  path: '/v1/patients/{patientId}/relationships/{relationshipId}/end',
  handler: 'functions/journal/handlers/end-relationship.ts',
  plane: 'data',
  summary: 'End a care relationship now (If-Match)',
  auth: 'token',
  roles: PATIENT_SCOPED,
  tenant: 'caller',
  registryAhead: true,
  params: relationshipParamsSchema,
  body: endRelationshipSchema,
  headers: conditionalPostHeadersSchema,
  problems: CHANGE,
  responses: { 200: { description: 'Ended', schema: relationshipSchema } },
});

export const createEntryRoute = journal.route({
  id: 'createEntry',
  method: 'POST',
  path: '/v1/patients/{patientId}/entries',
  handler: 'functions/journal/handlers/create-entry.ts',
  plane: 'data',
  summary: 'Create a draft journal entry, or with "sign": true a signed one (written and signed in one request)',
  auth: 'token',
  roles: PATIENT_SCOPED,
  scopes: WRITE,
  tenant: 'caller',
  registryAhead: true,
  params: patientParamsSchema,
  body: createEntrySchema,
  headers: idempotentHeadersSchema,
  problems: CHANGE,
  responses: { 201: { description: 'Created (a draft, or signed with "sign": true)', schema: entrySchema } },
});

export const getEntryRoute = journal.route({
  id: 'getEntry',
  method: 'GET',
  path: '/v1/patients/{patientId}/entries/{entryId}',
  handler: 'functions/journal/handlers/get-entry.ts',
  plane: 'data',
  summary: "A journal entry's current version",
  auth: 'token',
  roles: PATIENT_SCOPED,
  scopes: READ,
  tenant: 'caller',
  registryAhead: true,
  params: entryParamsSchema,
  problems: [404],
  responses: { 200: { description: 'Entry (ETag names the version)', schema: entrySchema } },
});

export const editDraftRoute = journal.route({
  id: 'editDraft',
  method: 'PUT',
  path: '/v1/patients/{patientId}/entries/{entryId}',
  handler: 'functions/journal/handlers/edit-draft.ts',
  plane: 'data',
  summary: 'Edit a draft (author only, If-Match)',
  auth: 'token',
  roles: PATIENT_SCOPED,
  scopes: WRITE,
  tenant: 'caller',
  registryAhead: true,
  params: entryParamsSchema,
  body: editDraftSchema,
  headers: conditionalPutHeadersSchema,
  problems: CHANGE,
  responses: { 200: { description: 'Edited', schema: entrySchema } },
});

export const signEntryRoute = journal.route({
  id: 'signEntry',
  method: 'POST',
  path: '/v1/patients/{patientId}/entries/{entryId}/sign',
  handler: 'functions/journal/handlers/sign-entry.ts',
  plane: 'data',
  summary: 'Sign a draft (author with HPR number, If-Match); signed content never changes',
  auth: 'token',
  roles: PATIENT_SCOPED,
  scopes: WRITE,
  tenant: 'caller',
  registryAhead: true,
  params: entryParamsSchema,
  body: signEntrySchema,
  headers: conditionalPostHeadersSchema,
  problems: CHANGE,
  responses: { 200: { description: 'Signed', schema: entrySchema } },
});

export const correctEntryRoute = journal.route({
  id: 'correctEntry',
  method: 'POST',
  path: '/v1/patients/{patientId}/entries/{entryId}/corrections',
  handler: 'functions/journal/handlers/correct-entry.ts',
  plane: 'data',
  summary: 'Correct a signed entry (retting): a new version with a reason (If-Match)',
  auth: 'token',
  roles: PATIENT_SCOPED,
  scopes: WRITE,
  tenant: 'caller',
  registryAhead: true,
  params: entryParamsSchema,
  body: correctEntrySchema,
  headers: conditionalPostHeadersSchema,
  problems: CHANGE,
  responses: { 200: { description: 'Corrected', schema: entrySchema } },
});

export const markEnteredInErrorRoute = journal.route({
  id: 'markEnteredInError',
  method: 'POST',
  path: '/v1/patients/{patientId}/entries/{entryId}/entered-in-error',
  handler: 'functions/journal/handlers/mark-entered-in-error.ts',
  plane: 'data',
  summary: 'Mark an entry as entered in error, with a reason (If-Match); nothing is deleted',
  auth: 'token',
  roles: PATIENT_SCOPED,
  scopes: WRITE,
  tenant: 'caller',
  registryAhead: true,
  params: entryParamsSchema,
  body: enteredInErrorSchema,
  headers: conditionalPostHeadersSchema,
  problems: CHANGE,
  responses: { 200: { description: 'Marked', schema: entrySchema } },
});

export const listEntryVersionsRoute = journal.route({
  id: 'listEntryVersions',
  method: 'GET',
  path: '/v1/patients/{patientId}/entries/{entryId}/versions',
  handler: 'functions/journal/handlers/list-entry-versions.ts',
  plane: 'data',
  summary: "An entry's version history, oldest first",
  auth: 'token',
  roles: PATIENT_SCOPED,
  scopes: READ,
  tenant: 'caller',
  registryAhead: true,
  params: entryParamsSchema,
  query: entryVersionsQuerySchema,
  problems: [404],
  responses: { 200: { description: 'Versions', schema: entryVersionsSchema } },
});

export const getTimelineRoute = journal.route({
  id: 'getTimeline',
  method: 'GET',
  path: '/v1/patients/{patientId}/timeline',
  handler: 'functions/journal/handlers/get-timeline.ts',
  plane: 'data',
  summary: "The patient's entries, newest event first; filter by type and unit; opaque cursor",
  auth: 'token',
  roles: PATIENT_SCOPED,
  scopes: READ,
  tenant: 'caller',
  registryAhead: true,
  params: patientParamsSchema,
  query: timelineQuerySchema,
  problems: [404],
  responses: { 200: { description: 'A page of the timeline', schema: timelineSchema } },
});

export const getMyRecordRoute = journal.route({
  id: 'getMyRecord',
  method: 'GET',
  path: '/v1/me/record',
  handler: 'functions/journal/handlers/get-my-record.ts',
  plane: 'data',
  summary: "The citizen's own record in every municipality where they are a patient (read-only, audited)",
  auth: 'token',
  roles: ['citizen'],
  tenant: 'none',
  responses: { 200: { description: 'Own record', schema: myRecordSchema }, 403: { description: 'Not a citizen' } },
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
