import { readPractitioner } from '../directory-service';
import { fhirHandler, fhirRead } from '../fhir-http';
import { fhirReadPractitionerRoute } from '../routes';

export const handler = fhirHandler(fhirReadPractitionerRoute, async ({ params, tenant, session, sessions, caller, requestId, registry }) =>
  fhirRead(await readPractitioner({ tenant, session, sessions, caller, requestId, registry }, params.id)),
);
