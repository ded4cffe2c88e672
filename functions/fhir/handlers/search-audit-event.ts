import { searchAuditEvents } from '../audit-search';
import { fhirBaseUrl, fhirHandler } from '../fhir-http';
import { fhirSearchAuditEventRoute } from '../routes';

export const handler = fhirHandler(fhirSearchAuditEventRoute, async ({ query, tenant, session, caller, requestId, event }) => ({
  status: 200,
  body: await searchAuditEvents({ tenant, session, caller, requestId }, query, fhirBaseUrl(event)),
}));
