import { readConsent } from '../consent-search';
import { fhirHandler, fhirRead } from '../fhir-http';
import { fhirReadConsentRoute } from '../routes';

export const handler = fhirHandler(fhirReadConsentRoute, async ({ params, tenant, session, sessions, caller, requestId, registry }) =>
  fhirRead(await readConsent({ tenant, session, sessions, caller, requestId, registry }, params.id)),
);
