import { readOrganization } from '../directory-service';
import { fhirHandler, fhirRead } from '../fhir-http';
import { fhirReadOrganizationRoute } from '../routes';

export const handler = fhirHandler(fhirReadOrganizationRoute, async ({ params, tenant, session, sessions, caller, requestId, registry }) =>
  fhirRead(await readOrganization({ tenant, session, sessions, caller, requestId, registry }, params.id)),
);
