import { searchConsents } from '../consent-search';
import { fhirBaseUrl, fhirHandler } from '../fhir-http';
import { fhirSearchConsentRoute } from '../routes';

export const handler = fhirHandler(fhirSearchConsentRoute, async ({ query, tenant, session, sessions, caller, requestId, registry, event }) => ({
  status: 200,
  body: await searchConsents({ tenant, session, sessions, caller, requestId, registry }, query, fhirBaseUrl(event)),
}));
