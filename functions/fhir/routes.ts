import type { RouteSpec } from '../../shared/http/route';
import { defineService, type ServiceRouteSpec } from '../../shared/http/service';
import { idempotencyKeySchema, idSchema } from '../../shared/contracts/journal';
import { documentIdSchema, parseDocumentId } from '../../shared/contracts/sharing';
import * as z from '../../shared/contracts/zod';
import { createEntryRoute, getEntryRoute, getPatientRoute, getTimelineRoute, searchPatientsRoute, signEntryRoute } from '../journal/routes';
import { NOTE_ID_PATTERN } from './note-map';
import { listUserAuditEvents } from '../audit/routes';
import { getSharedDocumentRoute, listMyBlocksRoute, listPatientBlocksRoute, listSharedDocumentsRoute } from '../sharing/routes';
import { communicationBodySchema, communicationParamsSchema, communicationSearchQuerySchema } from './communication-map';
import { patientMessagesRoute, readThreadRoute, sendMessageRoute } from '../messaging/routes';
import { taskBodySchema, taskParamsSchema, taskSearchQuerySchema } from './task-map';
import { auditEventSearchQuerySchema, consentSearchQuerySchema, documentSearchQuerySchema, noteSearchQuerySchema, patientSearchQuerySchema } from './search-params';

/**
 * FHIR R4 / IHE MHD routes: the same route table as /v1, served by a thin mapping layer over the
 * same services. Who may call each interaction is not decided here: auth, tenant, roles and vendor
 * scopes are read from the /v1 route it maps onto, so an access rule has one home. Answers are application/fhir+json; errors
 * OperationOutcome.
 */

const fhir = defineService({
  service: 'fhir',
  problems: {
    400: 'Invalid search or id (OperationOutcome naming each parameter)',
    403: 'No access (role, tenant or access decision); denied attempts are audited',
    404: 'Not found (OperationOutcome)',
  },
});

export const FHIR_BASE = '/fhir/R4';

/** Who may call a route: the /v1 route a FHIR route maps onto, or no token at all. */
type Access = Pick<RouteSpec, 'auth' | 'tenant' | 'roles' | 'scopes'>;
const PUBLIC = { auth: 'public', tenant: 'none' } as const;

/** A FHIR route as written here: its path below FHIR_BASE and its handler file's name. */
type FhirRouteSpec = Omit<ServiceRouteSpec, 'path' | 'handler' | 'plane' | keyof Access> & { path: string; handler: string };

/**
 * One FHIR route over a /v1 route (or PUBLIC): its access fields are copied from that route, so an
 * access rule has one home; every FHIR route is on the data plane, under FHIR_BASE, with its
 * handler in functions/fhir/handlers/.
 */
function fhirRoute<const A extends Access, const R extends FhirRouteSpec>(over: A, route: R) {
  const { path, handler, ...rest } = route;
  const access = { auth: over.auth, tenant: over.tenant, ...(over.roles ? { roles: over.roles } : {}), ...(over.scopes ? { scopes: over.scopes } : {}) };
  return fhir.route({ ...rest, ...access, plane: 'data', path: `${FHIR_BASE}${path}`, handler: `functions/fhir/handlers/${handler}.ts` }) as unknown as Omit<R, 'path' | 'handler' | 'problems'> &
    Pick<A, 'auth' | 'tenant'> & (A extends { roles: infer X } ? { roles: X } : { roles?: undefined }) & Pick<RouteSpec, 'scopes'> & { service: 'fhir'; plane: 'data'; path: string; handler: string };
}

export const fhirMetadataRoute = fhirRoute(PUBLIC, {
  id: 'fhirMetadata',
  method: 'GET',
  path: '/metadata',
  handler: 'metadata',
  summary: 'FHIR CapabilityStatement, generated from the route table',
  responses: { 200: { description: 'CapabilityStatement' } },
});

export const smartConfigurationRoute = fhirRoute(PUBLIC, {
  id: 'fhirSmartConfiguration',
  method: 'GET',
  path: '/.well-known/smart-configuration',
  handler: 'smart-configuration',
  summary: 'SMART App Launch / Backend Services configuration (token endpoint, auth methods, scopes)',
  responses: { 200: { description: 'SMART configuration' } },
});

export const fhirReadPatientRoute = fhirRoute(getPatientRoute, {
  id: 'fhirReadPatient',
  method: 'GET',
  path: '/Patient/{id}',
  handler: 'read-patient',
  summary: 'Patient read (no-basis Patient), as GET /v1/patients/{patientId}',
  params: z.object({ id: idSchema }),
  problems: [404],
  responses: { 200: { description: 'Patient' } },
});

export const fhirSearchPatientRoute = fhirRoute(searchPatientsRoute, {
  id: 'fhirSearchPatient',
  method: 'GET',
  path: '/Patient',
  handler: 'search-patient',
  summary: 'Patient search by identifier (FNR/DNR) or name + birthdate, as POST /v1/patients/search',
  query: patientSearchQuerySchema,
  responses: { 200: { description: 'Bundle searchset' } },
});

/**
 * IHE MHD's consumers are EHR systems: a vendor system acting on behalf of a clinician finds and
 * retrieves shared documents with `sharing.read` (SMART `user/DocumentReference.rs`,
 * `user/Binary.r`), the scope the /v1 sharing routes carry; a vendor acting as itself is refused
 * by their roles. The clinician's own care relationship, blocks and consent decide, as in /v1.
 */

export const fhirFindDocumentReferencesRoute = fhirRoute(listSharedDocumentsRoute, {
  id: 'fhirFindDocumentReferences',
  method: 'GET',
  path: '/DocumentReference',
  handler: 'find-document-references',
  summary: 'IHE MHD ITI-67 Find Document References over the shared documents, as GET /v1/sharing/patients/{patientId}/documents',
  query: documentSearchQuerySchema,
  responses: { 200: { description: 'Bundle searchset of DocumentReference' } },
});

export const fhirRetrieveDocumentRoute = fhirRoute(getSharedDocumentRoute, {
  id: 'fhirRetrieveDocument',
  method: 'GET',
  path: '/Binary/{id}',
  handler: 'retrieve-document',
  summary: 'IHE MHD ITI-68 Retrieve Document (the attachment URL), as GET /v1/sharing/documents/{documentId}',
  otherTenants: ({ id }) => (id && documentIdSchema.safeParse(id).success ? [parseDocumentId(id).tenant] : []),
  params: z.object({ id: documentIdSchema }),
  problems: [404],
  responses: { 200: { description: 'Binary (the document, base64)' } },
});

export const fhirProvideDocumentBundleRoute = fhirRoute(createEntryRoute, {
  id: 'fhirProvideDocumentBundle',
  method: 'POST',
  path: '',
  handler: 'provide-document-bundle',
  summary:
    'IHE MHD ITI-65 Provide Document Bundle (transaction: SubmissionSet List, DocumentReference, Binary): a received document in the patient’s journal, as POST /v1/patients/{patientId}/entries; atomic and idempotent (Idempotency-Key, else the Bundle/List identifier or masterIdentifier)',
  // The Bundle is checked part by part in document-provide.ts, so one answer names every problem.
  body: z.strictObject({
    resourceType: z.literal('Bundle'),
    type: z.string(),
    id: z.optional(z.string()),
    meta: z.optional(z.unknown()),
    implicitRules: z.optional(z.string()),
    language: z.optional(z.string()),
    identifier: z.optional(z.unknown()),
    timestamp: z.optional(z.string()),
    entry: z.optional(z.array(z.unknown())),
  }),
  headers: z.object({ 'idempotency-key': z.optional(idempotencyKeySchema) }),
  problems: [404, 409],
  responses: { 200: { description: 'Bundle transaction-response (a replay)' }, 201: { description: 'Bundle transaction-response' } },
});

/**
 * A DocumentReference as a client writes one (create, PUT): the R4 fields, each read and checked
 * in note-map.ts so one answer names every problem; an unknown field is refused here.
 */
const documentReferenceBody = z.strictObject({
  resourceType: z.literal('DocumentReference'),
  id: z.optional(z.string().check(z.maxLength(64))),
  meta: z.optional(z.unknown()),
  language: z.optional(z.string()),
  text: z.optional(z.unknown()),
  masterIdentifier: z.optional(z.unknown()),
  identifier: z.optional(z.array(z.unknown())),
  status: z.string(),
  docStatus: z.optional(z.string()),
  type: z.optional(z.unknown()),
  category: z.optional(z.array(z.unknown())),
  subject: z.optional(z.unknown()),
  date: z.optional(z.string()),
  author: z.optional(z.array(z.unknown())),
  authenticator: z.optional(z.unknown()),
  custodian: z.optional(z.unknown()),
  description: z.optional(z.string()),
  content: z.array(z.unknown()),
  context: z.optional(z.unknown()),
});
const noteParams = z.object({ id: z.string().check(z.regex(NOTE_ID_PATTERN, 'Notat-id: 64 heksadesimale tegn')) });
/** A Consent id is a block's (the patient's and the block's UUIDs as 64 hex digits, as a note's). */
const consentParams = z.object({ id: z.string().check(z.regex(NOTE_ID_PATTERN, 'Consent-id: 64 heksadesimale tegn')) });

export const fhirReadNoteRoute = fhirRoute(getEntryRoute, {
  id: 'fhirReadNote',
  method: 'GET',
  path: '/DocumentReference/{id}',
  handler: 'read-note',
  summary: 'A journal note in the caller’s municipality as a DocumentReference (meta.versionId, ETag), as GET /v1/patients/{patientId}/entries/{entryId}',
  params: noteParams,
  problems: [404],
  responses: { 200: { description: 'DocumentReference' } },
});

export const fhirCreateNoteRoute = fhirRoute(createEntryRoute, {
  id: 'fhirCreateNote',
  method: 'POST',
  path: '/DocumentReference',
  handler: 'create-note',
  summary:
    'Create a journal note as a draft (docStatus preliminary), as POST /v1/patients/{patientId}/entries; conditional create with If-None-Exist: identifier=<system>|<value>, or Idempotency-Key',
  body: documentReferenceBody,
  headers: z.object({ 'idempotency-key': z.optional(idempotencyKeySchema), 'if-none-exist': z.optional(z.string().check(z.maxLength(500))) }),
  problems: [404, 409, 429],
  responses: { 200: { description: 'The note the condition names (nothing written)' }, 201: { description: 'DocumentReference (draft)' } },
});

export const fhirUpdateNoteRoute = fhirRoute(signEntryRoute, {
  id: 'fhirUpdateNote',
  method: 'PUT',
  path: '/DocumentReference/{id}',
  handler: 'update-note',
  summary:
    'Edit a draft note (docStatus preliminary, as PUT /v1/.../entries/{entryId}) or sign it (docStatus final, content unchanged, as POST /v1/.../sign); If-Match W/"<versionId>" required (428), 412 on another version',
  params: noteParams,
  body: documentReferenceBody,
  headers: z.object({ 'if-match': z.optional(z.string().check(z.maxLength(100))) }),
  problems: [404, 409, 412, 428, 429],
  responses: { 200: { description: 'DocumentReference (the new version)' } },
});

export const fhirSearchNotesRoute = fhirRoute(getTimelineRoute, {
  id: 'fhirSearchNotes',
  method: 'GET',
  path: '/Patient/{id}/DocumentReference',
  handler: 'search-notes',
  summary:
    'The patient’s journal notes in the caller’s municipality as DocumentReference (Patient compartment search: status, docStatus, type, date, author; paged by an opaque _page), as GET /v1/patients/{patientId}/timeline (decided and audited as there)',
  params: z.object({ id: idSchema }),
  query: noteSearchQuerySchema,
  problems: [404],
  responses: { 200: { description: 'Bundle searchset of DocumentReference' } },
});

export const fhirReadPractitionerRoute = fhirRoute(getEntryRoute, {
  id: 'fhirReadPractitioner',
  method: 'GET',
  path: '/Practitioner/{id}',
  handler: 'read-practitioner',
  summary: 'A person of the caller’s municipality by HPR number (no-basis Practitioner), as notes’ authors and signers reference them',
  params: z.object({ id: z.string().check(z.regex(/^\d{6,9}$/, 'HPR-nummer: 6–9 sifre')) }),
  problems: [404],
  responses: { 200: { description: 'Practitioner' } },
});

export const fhirReadOrganizationRoute = fhirRoute(getEntryRoute, {
  id: 'fhirReadOrganization',
  method: 'GET',
  path: '/Organization/{id}',
  handler: 'read-organization',
  summary: 'A municipality by kommunenummer (no-basis Organization), as notes’ and documents’ custodians reference them',
  otherTenants: ({ id }) => (id && /^\d{4}$/.test(id) ? [id] : []),
  params: z.object({ id: z.string().check(z.regex(/^\d{4}$/, 'Kommunenummer: fire sifre')) }),
  problems: [404],
  responses: { 200: { description: 'Organization' } },
});

/**
 * Consent is read by staff acting on the patient's behalf (as the /v1 block listing) and by the
 * citizen for their own record (as /v1/sharing/me/blocks): the roles of both routes.
 */
const CONSENT_ACCESS = { ...listPatientBlocksRoute, roles: [...listPatientBlocksRoute.roles, ...listMyBlocksRoute.roles] } as const;

export const fhirSearchConsentRoute = fhirRoute(CONSENT_ACCESS, {
  id: 'fhirSearchConsent',
  method: 'GET',
  path: '/Consent',
  handler: 'search-consent',
  summary:
    'The patient’s blocks (sperring) as Consent (provision deny): staff by patient, as GET /v1/sharing/patients/{patientId}/blocks (audited); the citizen their own (no patient, or their own FNR/DNR as patient.identifier), as GET /v1/sharing/me/blocks',
  query: consentSearchQuerySchema,
  problems: [404],
  responses: { 200: { description: 'Bundle searchset of Consent' } },
});

export const fhirReadConsentRoute = fhirRoute(CONSENT_ACCESS, {
  id: 'fhirReadConsent',
  method: 'GET',
  path: '/Consent/{id}',
  handler: 'read-consent',
  summary: 'One block as Consent (decided and audited as the patient’s block listing; a citizen only their own)',
  params: consentParams,
  problems: [404],
  responses: { 200: { description: 'Consent' } },
});

export const fhirSearchAuditEventRoute = fhirRoute(listUserAuditEvents, {
  id: 'fhirSearchAuditEvent',
  method: 'GET',
  path: '/AuditEvent',
  handler: 'search-audit-event',
  summary:
    'Audit events as IHE BALP AuditEvent: by patient (the auditor), by agent (the auditor, or a clinician their own), else the municipality’s log by date (the auditor); as GET /v1/audit/...; every view audited',
  query: auditEventSearchQuerySchema,
  problems: [404],
  responses: { 200: { description: 'Bundle searchset of AuditEvent' } },
});

// ---------------------------------------------------------------------------------------------
// Communication (functions/fhir/communication-service.ts): messages over the messaging service's
// routes and rules. A vendor system acting for a clinician reads with journal.read and sends with
// journal.write; the roles stay the messaging routes' (persons), so a vendor acting as itself is refused.

export const fhirSearchCommunicationRoute = fhirRoute({ ...patientMessagesRoute, scopes: ['journal.read'] }, {
  id: 'fhirSearchCommunication',
  method: 'GET',
  path: '/Communication',
  handler: 'search-communication',
  summary: 'The messages about a patient the caller’s unit holds, as Communication (no payload: a read opens it), as GET /v1/messaging/patients/{patientId}/messages (audited)',
  query: communicationSearchQuerySchema,
  problems: [404, 409],
  responses: { 200: { description: 'Bundle searchset of Communication' } },
});

export const fhirReadCommunicationRoute = fhirRoute({ ...readThreadRoute, scopes: ['journal.read'] }, {
  id: 'fhirReadCommunication',
  method: 'GET',
  path: '/Communication/{id}',
  handler: 'read-communication',
  summary: 'One message with its payload, as GET /v1/messaging/threads/{threadId} (audited; a received message moves to read)',
  params: communicationParamsSchema,
  problems: [404],
  responses: { 200: { description: 'Communication' } },
});

export const fhirCreateCommunicationRoute = fhirRoute({ ...sendMessageRoute, scopes: ['journal.write'] }, {
  id: 'fhirCreateCommunication',
  method: 'POST',
  path: '/Communication',
  handler: 'create-communication',
  summary: 'Send a message from the caller’s unit to a party by HER-id, as POST /v1/messaging/messages (Idempotency-Key required)',
  body: communicationBodySchema,
  headers: z.object({ 'idempotency-key': idempotencyKeySchema }),
  problems: [404, 409],
  responses: { 201: { description: 'Communication (sent)' } },
});

const COMMUNICATION_ROUTES = [fhirSearchCommunicationRoute, fhirReadCommunicationRoute, fhirCreateCommunicationRoute];

const COMMUNICATION_INTERACTIONS: readonly FhirInteraction[] = [
  { routeId: 'fhirReadCommunication', resource: 'Communication', interaction: 'read' },
  { routeId: 'fhirCreateCommunication', resource: 'Communication', interaction: 'create' },
  {
    routeId: 'fhirSearchCommunication',
    resource: 'Communication',
    interaction: 'search-type',
    searchParams: [
      { name: 'patient', type: 'reference', documentation: 'Patient/<id> in the caller’s municipality (required)' },
      { name: 'recipient', type: 'token', documentation: 'urn:oid:2.16.578.1.12.4.1.2|<HER-id>: messages to that party' },
    ],
  },
];

// ---------------------------------------------------------------------------------------------
// Task (functions/fhir/task-service.ts): a forespørsel and its svar, over the same messaging routes
// and rules as Communication (the same access: journal.read to read, journal.write to send).

export const fhirSearchTaskRoute = fhirRoute({ ...patientMessagesRoute, scopes: ['journal.read'] }, {
  id: 'fhirSearchTask',
  method: 'GET',
  path: '/Task',
  handler: 'search-task',
  summary: 'The requests (forespørsel) about a patient the caller’s unit holds, as Task with their state (no question text: a read opens it), as GET /v1/messaging/patients/{patientId}/messages (audited)',
  query: taskSearchQuerySchema,
  problems: [404, 409],
  responses: { 200: { description: 'Bundle searchset of Task' } },
});

export const fhirReadTaskRoute = fhirRoute({ ...readThreadRoute, scopes: ['journal.read'] }, {
  id: 'fhirReadTask',
  method: 'GET',
  path: '/Task/{id}',
  handler: 'read-task',
  summary: 'One request with its question and answers (output), as GET /v1/messaging/threads/{threadId} (audited; a received request moves to read)',
  params: taskParamsSchema,
  problems: [404],
  responses: { 200: { description: 'Task' } },
});

export const fhirCreateTaskRoute = fhirRoute({ ...sendMessageRoute, scopes: ['journal.write'] }, {
  id: 'fhirCreateTask',
  method: 'POST',
  path: '/Task',
  handler: 'create-task',
  summary: 'Ask a party by HER-id: sends a forespørsel from the caller’s unit, as POST /v1/messaging/messages (Idempotency-Key required)',
  body: taskBodySchema,
  headers: z.object({ 'idempotency-key': idempotencyKeySchema }),
  problems: [404, 409],
  responses: { 201: { description: 'Task (requested, or received for a unit of the same municipality)' } },
});

const TASK_ROUTES = [fhirSearchTaskRoute, fhirReadTaskRoute, fhirCreateTaskRoute];

const TASK_INTERACTIONS: readonly FhirInteraction[] = [
  { routeId: 'fhirReadTask', resource: 'Task', interaction: 'read' },
  { routeId: 'fhirCreateTask', resource: 'Task', interaction: 'create' },
  {
    routeId: 'fhirSearchTask',
    resource: 'Task',
    interaction: 'search-type',
    searchParams: [
      { name: 'patient', type: 'reference', documentation: 'Patient/<id> in the caller’s municipality (required)' },
      { name: 'owner', type: 'token', documentation: 'urn:oid:2.16.578.1.12.4.1.2|<HER-id>: requests to that party' },
      { name: 'status', type: 'token', documentation: 'requested | received | completed | failed (comma-separated: any of them)' },
    ],
  },
];

/**
 * What each FHIR route does in FHIR terms: the CapabilityStatement is built from this list and
 * the route table, never written by hand.
 */
export interface FhirInteraction {
  routeId: string;
  resource: string;
  /** `search-compartment`: a search-type interaction served in the Patient compartment (Patient/{id}/<type>). */
  interaction: 'read' | 'search-type' | 'search-compartment' | 'create' | 'update' | 'transaction';
  /** Search parameters (name, FHIR type, what it matches). */
  searchParams?: readonly { name: string; type: 'token' | 'string' | 'date' | 'reference'; documentation: string }[];
}

export const FHIR_INTERACTIONS: readonly FhirInteraction[] = [
  { routeId: fhirReadPatientRoute.id, resource: 'Patient', interaction: 'read' },
  {
    routeId: fhirSearchPatientRoute.id,
    resource: 'Patient',
    interaction: 'search-type',
    searchParams: [
      { name: 'identifier', type: 'token', documentation: 'urn:oid:2.16.578.1.12.4.1.4.1|<fødselsnummer> or urn:oid:2.16.578.1.12.4.1.4.2|<D-nummer>' },
      { name: 'name', type: 'string', documentation: 'Name words (with birthdate)' },
      { name: 'birthdate', type: 'date', documentation: 'YYYY-MM-DD (with name)' },
    ],
  },
  {
    routeId: fhirFindDocumentReferencesRoute.id,
    resource: 'DocumentReference',
    interaction: 'search-type',
    searchParams: [
      { name: 'patient', type: 'reference', documentation: 'Patient/<id> in the caller’s municipality' },
      { name: 'patient.identifier', type: 'token', documentation: 'The patient’s FNR/DNR (ITI-67)' },
      { name: 'status', type: 'token', documentation: 'current | entered-in-error' },
      { name: 'type', type: 'token', documentation: 'Document type code (epikrise, vaksinasjon, legemiddel, tiltaksplan)' },
      { name: 'category', type: 'token', documentation: 'Same codes as type' },
      { name: 'date', type: 'date', documentation: 'When the document was recorded; prefixes ge, le, gt, lt, eq' },
      { name: 'author.identifier', type: 'token', documentation: 'The author’s HPR number (urn:oid:2.16.578.1.12.4.1.4.4|<hpr>)' },
      { name: 'setting', type: 'token', documentation: 'The origin municipality (kommunenummer)' },
    ],
  },
  {
    routeId: fhirSearchNotesRoute.id,
    resource: 'DocumentReference',
    interaction: 'search-compartment',
    searchParams: [
      { name: 'status', type: 'token', documentation: 'Patient/<id>/DocumentReference (journal notes): current | entered-in-error' },
      { name: 'docStatus', type: 'token', documentation: 'Patient/<id>/DocumentReference (journal notes): preliminary (draft) | final (signed) | amended (corrected) | entered-in-error' },
      { name: 'type', type: 'token', documentation: 'Patient/<id>/DocumentReference (journal notes): an entry type in urn:fellesjournal:entry-type' },
      { name: 'date', type: 'date', documentation: 'Patient/<id>/DocumentReference (journal notes): when recorded; ge, gt, le, lt, eq, ne' },
      { name: 'author', type: 'reference', documentation: 'Patient/<id>/DocumentReference (journal notes): Practitioner/<HPR-nummer>' },
    ],
  },
  { routeId: fhirReadNoteRoute.id, resource: 'DocumentReference', interaction: 'read' },
  { routeId: fhirCreateNoteRoute.id, resource: 'DocumentReference', interaction: 'create' },
  { routeId: fhirUpdateNoteRoute.id, resource: 'DocumentReference', interaction: 'update' },
  { routeId: fhirRetrieveDocumentRoute.id, resource: 'Binary', interaction: 'read' },
  { routeId: fhirReadPractitionerRoute.id, resource: 'Practitioner', interaction: 'read' },
  { routeId: fhirReadOrganizationRoute.id, resource: 'Organization', interaction: 'read' },
  { routeId: fhirReadConsentRoute.id, resource: 'Consent', interaction: 'read' },
  {
    routeId: fhirSearchConsentRoute.id,
    resource: 'Consent',
    interaction: 'search-type',
    searchParams: [
      { name: 'patient', type: 'reference', documentation: 'Patient/<id> in the caller’s municipality (required for staff)' },
      { name: 'patient.identifier', type: 'token', documentation: 'A citizen: their own FNR/DNR (or no patient at all); anyone else’s is refused' },
      { name: 'status', type: 'token', documentation: 'active | inactive (lifted)' },
    ],
  },
  {
    routeId: fhirSearchAuditEventRoute.id,
    resource: 'AuditEvent',
    interaction: 'search-type',
    searchParams: [
      { name: 'patient', type: 'reference', documentation: 'Patient/<id>: that patient’s log (auditor, or a vendor with audit.read)' },
      { name: 'agent', type: 'token', documentation: 'A user’s login id: their activity (auditor; a clinician only their own)' },
      { name: 'date', type: 'date', documentation: 'One bound or a day/month: ge, gt, le, lt, eq (default the last day; at most 31 days)' },
    ],
  },
  { routeId: fhirProvideDocumentBundleRoute.id, resource: 'Bundle', interaction: 'transaction' },
  ...COMMUNICATION_INTERACTIONS,
  ...TASK_INTERACTIONS,
];

export const fhirRoutes = [fhirMetadataRoute, smartConfigurationRoute, fhirReadPatientRoute, fhirSearchPatientRoute, fhirFindDocumentReferencesRoute, fhirRetrieveDocumentRoute, fhirProvideDocumentBundleRoute, fhirReadNoteRoute, fhirCreateNoteRoute, fhirUpdateNoteRoute, fhirSearchNotesRoute, fhirReadPractitionerRoute, fhirReadOrganizationRoute, fhirSearchConsentRoute, fhirReadConsentRoute, fhirSearchAuditEventRoute, ...COMMUNICATION_ROUTES, ...TASK_ROUTES];
