import { readTask } from '../task-service';
import { fhirHandler, fhirRead } from '../fhir-http';
import { fhirReadTaskRoute } from '../routes';

export const handler = fhirHandler(fhirReadTaskRoute, async ({ params, tenant, session, sessions, caller, requestId, registry }) =>
  fhirRead(await readTask({ tenant, session, sessions, caller, requestId, registry }, params.id)),
);
