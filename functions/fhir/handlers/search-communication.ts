import { searchCommunications } from '../communication-service';
import { fhirBaseUrl, fhirHandler } from '../fhir-http';
import { fhirSearchCommunicationRoute } from '../routes';

export const handler = fhirHandler(fhirSearchCommunicationRoute, async ({ query, tenant, session, sessions, caller, requestId, registry, event }) => ({
  status: 200,
  body: await searchCommunications({ tenant, session, sessions, caller, requestId, registry }, query, fhirBaseUrl(event)),
}));
