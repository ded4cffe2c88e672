// @ts-nocheck
import { fhirBaseUrl, fhirHandler } from '../fhir-http';
import { findDocumentReferences } from '../document-search';
import { fhirFindDocumentReferencesRoute } from '../routes';

export const handler = fhirHandler(fhirFindDocumentReferencesRoute, async ({ query, tenant, session, sessions, caller, requestId, registry, event }) => ({
  status: 200,
  body: await findDocumentReferences({ tenant, session, sessions, caller, requestId, registry }, query, fhirBaseUrl(event)),
}));
