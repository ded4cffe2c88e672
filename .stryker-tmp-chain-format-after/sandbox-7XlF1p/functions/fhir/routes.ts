// @ts-nocheck
import { defineService } from '../../shared/http/service';
import { idempotencyKeySchema, idSchema } from '../../shared/contracts/journal';
import { documentIdSchema, parseDocumentId } from '../../shared/contracts/sharing';
import * as z from '../../shared/contracts/zod';
import { createEntryRoute, getPatientRoute, searchPatientsRoute } from '../journal/routes';
import { getSharedDocumentRoute, listSharedDocumentsRoute } from '../sharing/routes';
import { documentSearchQuerySchema, patientSearchQuerySchema } from './search-params';

/**
 * FHIR R4 / IHE MHD routes: the same route table as /v1, served by a thin mapping layer over the
 * same services. Who may call each interaction is not decided here: auth, tenant, roles and vendor
 * scopes are read from the /v1 route it maps onto (sharing routes have no vendor scopes there, so
 * none here), so an access rule has one home. Answers are application/fhir+json; errors
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


export const fhirMetadataRoute = fhir.route({
  id: 'fhirMetadata',
  method: 'GET',
  path: `${FHIR_BASE}/metadata`,
  handler: 'functions/fhir/handlers/metadata.ts',
  plane: 'data',
  summary: 'FHIR CapabilityStatement, generated from the route table',
  auth: 'public',
  tenant: 'none',
  responses: { 200: { description: 'CapabilityStatement' } },
});

export const smartConfigurationRoute = fhir.route({
  id: 'fhirSmartConfiguration',
  method: 'GET',
  path: `${FHIR_BASE}/.well-known/smart-configuration`,
  handler: 'functions/fhir/handlers/smart-configuration.ts',
  plane: 'data',
  summary: 'SMART App Launch / Backend Services configuration (token endpoint, auth methods, scopes)',
  auth: 'public',
  tenant: 'none',
  responses: { 200: { description: 'SMART configuration' } },
});

export const fhirReadPatientRoute = fhir.route({
  id: 'fhirReadPatient',
  method: 'GET',
  path: `${FHIR_BASE}/Patient/{id}`,
  handler: 'functions/fhir/handlers/read-patient.ts',
  plane: 'data',
  summary: 'Patient read (no-basis Patient), as GET /v1/patients/{patientId}',
  auth: getPatientRoute.auth,
  tenant: getPatientRoute.tenant,
  roles: getPatientRoute.roles,
  scopes: getPatientRoute.scopes,
  params: z.object({ id: idSchema }),
  problems: [404],
  responses: { 200: { description: 'Patient' } },
});

export const fhirSearchPatientRoute = fhir.route({
  id: 'fhirSearchPatient',
  method: 'GET',
  path: `${FHIR_BASE}/Patient`,
  handler: 'functions/fhir/handlers/search-patient.ts',
  plane: 'data',
  summary: 'Patient search by identifier (FNR/DNR) or name + birthdate, as POST /v1/patients/search',
  auth: searchPatientsRoute.auth,
  tenant: searchPatientsRoute.tenant,
  roles: searchPatientsRoute.roles,
  scopes: searchPatientsRoute.scopes,
  query: patientSearchQuerySchema,
  responses: { 200: { description: 'Bundle searchset' } },
});

export const fhirFindDocumentReferencesRoute = fhir.route({
  id: 'fhirFindDocumentReferences',
  method: 'GET',
  path: `${FHIR_BASE}/DocumentReference`,
  handler: 'functions/fhir/handlers/find-document-references.ts',
  plane: 'data',
  summary: 'IHE MHD ITI-67 Find Document References over the shared documents, as GET /v1/sharing/patients/{patientId}/documents',
  auth: listSharedDocumentsRoute.auth,
  tenant: listSharedDocumentsRoute.tenant,
  roles: listSharedDocumentsRoute.roles,
  query: documentSearchQuerySchema,
  responses: { 200: { description: 'Bundle searchset of DocumentReference' } },
});

export const fhirRetrieveDocumentRoute = fhir.route({
  id: 'fhirRetrieveDocument',
  method: 'GET',
  path: `${FHIR_BASE}/Binary/{id}`,
  handler: 'functions/fhir/handlers/retrieve-document.ts',
  plane: 'data',
  summary: 'IHE MHD ITI-68 Retrieve Document (the attachment URL), as GET /v1/sharing/documents/{documentId}',
  auth: getSharedDocumentRoute.auth,
  tenant: getSharedDocumentRoute.tenant,
  roles: getSharedDocumentRoute.roles,
  otherTenants: ({ id }) => (id && documentIdSchema.safeParse(id).success ? [parseDocumentId(id).tenant] : []),
  params: z.object({ id: documentIdSchema }),
  problems: [404],
  responses: { 200: { description: 'Binary (the document, base64)' } },
});

export const fhirProvideDocumentBundleRoute = fhir.route({
  id: 'fhirProvideDocumentBundle',
  method: 'POST',
  path: FHIR_BASE,
  handler: 'functions/fhir/handlers/provide-document-bundle.ts',
  plane: 'data',
  summary:
    'IHE MHD ITI-65 Provide Document Bundle (transaction: SubmissionSet List, DocumentReference, Binary): a received document in the patient’s journal, as POST /v1/patients/{patientId}/entries; atomic and idempotent (Idempotency-Key, else the Bundle/List identifier or masterIdentifier)',
  auth: createEntryRoute.auth,
  tenant: createEntryRoute.tenant,
  roles: createEntryRoute.roles,
  scopes: createEntryRoute.scopes,
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
 * What each FHIR route does in FHIR terms: the CapabilityStatement is built from this list and
 * the route table, never written by hand.
 */
export interface FhirInteraction {
  routeId: string;
  resource: string;
  interaction: 'read' | 'search-type' | 'transaction';
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
  { routeId: fhirRetrieveDocumentRoute.id, resource: 'Binary', interaction: 'read' },
  { routeId: fhirProvideDocumentBundleRoute.id, resource: 'Bundle', interaction: 'transaction' },
];

export const fhirRoutes = [fhirMetadataRoute, smartConfigurationRoute, fhirReadPatientRoute, fhirSearchPatientRoute, fhirFindDocumentReferencesRoute, fhirRetrieveDocumentRoute, fhirProvideDocumentBundleRoute];
