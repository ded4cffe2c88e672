import { defineService } from '../../shared/http/service';
import { idempotentHeadersSchema } from '../../shared/contracts/journal';
import {
  activeEmergencyAccessSchema,
  blockListSchema,
  blockSchema,
  consentListSchema,
  createBlockOnBehalfSchema,
  createMyBlockSchema,
  documentParamsSchema,
  emergencyAccessRequestSchema,
  emergencyAccessSchema,
  myBlockParamsSchema,
  myDocumentListSchema,
  patientBlockParamsSchema,
  patientParamsSchema,
  retrievedDocumentSchema,
  setConsentSchema,
  sharedDocumentListSchema,
  parseDocumentId,
} from '../../shared/contracts/sharing';

/**
 * Sharing routes (helhetlig samhandling). Staff routes act in the caller's own municipality and
 * name the patient by their id THERE; the service finds the same person in other municipalities
 * by the keyed hash of the national id. Auditors and tenant admins are admitted as far as the
 * access decision, so their refusals are decided and audited. Finding and retrieving shared
 * documents is open to a vendor system acting on behalf of a clinician with the `sharing.read`
 * grant (the same rule IHE MHD ITI-67/68 use: those routes copy it from here); the roles stay
 * persons' roles, so a vendor acting as itself is refused. Every other sharing route is closed to
 * vendors (no `scopes`): cross-municipality retrieval is for health personnel with a reason.
 */

const STAFF = ['clinician', 'tenant-admin', 'auditor'] as const;
/** A vendor on behalf of a clinician may find and retrieve shared documents with this grant. */
const SHARING_READ = ['sharing.read'] as const;

const sharing = defineService({
  service: 'sharing',
  problems: {
    403: 'No access (role, care relationship, block, consent); refusals are audited',
    404: 'No such patient in this municipality',
    // Changes take an Idempotency-Key: a retry with the same key and request gets the same answer, and nothing is written twice.
    409: 'Idempotency-Key already used for another request (or that request is still in progress)',
  },
});

export const listSharedDocumentsRoute = sharing.route({
  id: 'listSharedDocuments',
  method: 'GET',
  path: '/v1/sharing/patients/{patientId}/documents',
  handler: 'functions/sharing/handlers/list-shared-documents.ts',
  plane: 'data',
  summary: "The patient's shared documents in other municipalities (care relationship or emergency access; blocked documents are left out)",
  auth: 'token',
  roles: STAFF,
  scopes: SHARING_READ,
  tenant: 'caller',
  registryAhead: true,
  params: patientParamsSchema,
  problems: [404],
  responses: { 200: { description: 'Documents the caller may see', schema: sharedDocumentListSchema } },
});

export const getSharedDocumentRoute = sharing.route({
  id: 'getSharedDocument',
  method: 'GET',
  path: '/v1/sharing/documents/{documentId}',
  handler: 'functions/sharing/handlers/get-shared-document.ts',
  plane: 'data',
  summary: 'Retrieve one shared document (decrypted in the origin municipality; audited there, in the caller’s municipality and in the citizen’s log)',
  auth: 'token',
  roles: STAFF,
  scopes: SHARING_READ,
  tenant: 'caller',
  registryAhead: true,
  // The origin municipality's registry entry (status, names) is read with the caller's.
  otherTenants: ({ documentId }) => (documentId ? [parseDocumentId(documentId).tenant] : []),
  params: documentParamsSchema,
  responses: { 200: { description: 'The document', schema: retrievedDocumentSchema }, 404: { description: 'No such document (or entered in error), or the patient is not a patient in the caller’s municipality' } },
});

export const requestEmergencyAccessRoute = sharing.route({
  id: 'requestEmergencyAccess',
  method: 'POST',
  path: '/v1/sharing/patients/{patientId}/emergency-access',
  handler: 'functions/sharing/handlers/request-emergency-access.ts',
  plane: 'data',
  summary: 'Emergency access (akuttilgang): time-limited read access without a care relationship; reason at most 250 characters; flagged for review and shown to the citizen',
  auth: 'token',
  roles: STAFF,
  tenant: 'caller',
  params: patientParamsSchema,
  body: emergencyAccessRequestSchema,
  headers: idempotentHeadersSchema,
  problems: [404, 409],
  responses: { 201: { description: 'Granted', schema: emergencyAccessSchema } },
});

export const getEmergencyAccessRoute = sharing.route({
  id: 'getEmergencyAccess',
  method: 'GET',
  path: '/v1/sharing/patients/{patientId}/emergency-access',
  handler: 'functions/sharing/handlers/get-emergency-access.ts',
  plane: 'data',
  summary: "The caller's own emergency access to the patient that is in force now, if any",
  auth: 'token',
  roles: STAFF,
  tenant: 'caller',
  params: patientParamsSchema,
  problems: [404],
  responses: { 200: { description: 'Active emergency access or null', schema: activeEmergencyAccessSchema } },
});

export const listPatientBlocksRoute = sharing.route({
  id: 'listPatientBlocks',
  method: 'GET',
  path: '/v1/sharing/patients/{patientId}/blocks',
  handler: 'functions/sharing/handlers/list-patient-blocks.ts',
  plane: 'data',
  summary: "The patient's blocks, for staff registering or lifting blocks on the patient's behalf (audited)",
  auth: 'token',
  roles: STAFF,
  tenant: 'caller',
  params: patientParamsSchema,
  problems: [404],
  responses: { 200: { description: 'Blocks, active and lifted', schema: blockListSchema } },
});

export const createPatientBlockRoute = sharing.route({
  id: 'createPatientBlock',
  method: 'POST',
  path: '/v1/sharing/patients/{patientId}/blocks',
  handler: 'functions/sharing/handlers/create-patient-block.ts',
  plane: 'data',
  summary: "Register a block on the patient's behalf, with a reason (audited)",
  auth: 'token',
  roles: STAFF,
  tenant: 'caller',
  params: patientParamsSchema,
  body: createBlockOnBehalfSchema,
  headers: idempotentHeadersSchema,
  problems: [404, 409],
  responses: { 201: { description: 'Block in force', schema: blockSchema } },
});

export const liftPatientBlockRoute = sharing.route({
  id: 'liftPatientBlock',
  method: 'DELETE',
  path: '/v1/sharing/patients/{patientId}/blocks/{blockId}',
  handler: 'functions/sharing/handlers/lift-patient-block.ts',
  plane: 'data',
  summary: "Lift a block on the patient's behalf (recorded: who and when; the block stays in the history)",
  auth: 'token',
  roles: STAFF,
  tenant: 'caller',
  params: patientBlockParamsSchema,
  headers: idempotentHeadersSchema,
  problems: [404],
  responses: { 200: { description: 'Lifted', schema: blockSchema }, 409: { description: 'Already lifted, or Idempotency-Key reused' } },
});

const notCitizen = { 403: { description: 'Not a citizen' } } as const;

export const listMyDocumentsRoute = sharing.route({
  id: 'listMySharedDocuments',
  method: 'GET',
  path: '/v1/sharing/me/documents',
  handler: 'functions/sharing/handlers/list-my-documents.ts',
  plane: 'data',
  summary: "The citizen's own shared documents in every municipality, with the blocks that cover each (audited)",
  auth: 'token',
  roles: ['citizen'],
  tenant: 'none',
  responses: { 200: { description: 'Own documents', schema: myDocumentListSchema }, ...notCitizen },
});

export const listMyBlocksRoute = sharing.route({
  id: 'listMyBlocks',
  method: 'GET',
  path: '/v1/sharing/me/blocks',
  handler: 'functions/sharing/handlers/list-my-blocks.ts',
  plane: 'data',
  summary: "The citizen's blocks (sperringer), active and lifted",
  auth: 'token',
  roles: ['citizen'],
  tenant: 'none',
  responses: { 200: { description: 'Own blocks', schema: blockListSchema }, ...notCitizen },
});

export const createMyBlockRoute = sharing.route({
  id: 'createMyBlock',
  method: 'POST',
  path: '/v1/sharing/me/blocks',
  handler: 'functions/sharing/handlers/create-my-block.ts',
  plane: 'data',
  summary: 'Block a document, a category, all sharing, or a person or unit named from a row of the citizen’s access log (actorRef) or by name and municipality (one answer whether or not the name matches anyone); covers future documents until lifted',
  auth: 'token',
  roles: ['citizen'],
  tenant: 'none',
  body: createMyBlockSchema,
  headers: idempotentHeadersSchema,
  problems: [409],
  responses: { 201: { description: 'Block in force', schema: blockSchema }, ...notCitizen },
});

export const liftMyBlockRoute = sharing.route({
  id: 'liftMyBlock',
  method: 'DELETE',
  path: '/v1/sharing/me/blocks/{blockId}',
  handler: 'functions/sharing/handlers/lift-my-block.ts',
  plane: 'data',
  summary: 'Lift one of the citizen’s own blocks (recorded; the block stays in the history)',
  auth: 'token',
  roles: ['citizen'],
  tenant: 'none',
  params: myBlockParamsSchema,
  headers: idempotentHeadersSchema,
  responses: { 200: { description: 'Lifted', schema: blockSchema }, ...notCitizen, 404: { description: 'No such block' }, 409: { description: 'Already lifted, or Idempotency-Key reused' } },
});

export const listMyConsentsRoute = sharing.route({
  id: 'listMyConsents',
  method: 'GET',
  path: '/v1/sharing/me/consents',
  handler: 'functions/sharing/handlers/list-my-consents.ts',
  plane: 'data',
  summary: "The citizen's consents per category, and which categories need consent to be shared",
  auth: 'token',
  roles: ['citizen'],
  tenant: 'none',
  responses: { 200: { description: 'Consents', schema: consentListSchema }, ...notCitizen },
});

export const setMyConsentRoute = sharing.route({
  id: 'setMyConsent',
  method: 'PUT',
  path: '/v1/sharing/me/consents',
  handler: 'functions/sharing/handlers/set-my-consent.ts',
  plane: 'data',
  summary: 'Give or withdraw consent to share one category (recorded)',
  auth: 'token',
  roles: ['citizen'],
  tenant: 'none',
  body: setConsentSchema,
  headers: idempotentHeadersSchema,
  problems: [409],
  responses: { 200: { description: 'Consents after the change', schema: consentListSchema }, ...notCitizen },
});

export const sharingRoutes = [
  listSharedDocumentsRoute,
  getSharedDocumentRoute,
  requestEmergencyAccessRoute,
  getEmergencyAccessRoute,
  listPatientBlocksRoute,
  createPatientBlockRoute,
  liftPatientBlockRoute,
  listMyDocumentsRoute,
  listMyBlocksRoute,
  createMyBlockRoute,
  liftMyBlockRoute,
  listMyConsentsRoute,
  setMyConsentRoute,
];
