import { createTask } from '../task-service';
import { fhirHandler, fhirWrite } from '../fhir-http';
import { fhirCreateTaskRoute } from '../routes';

export const handler = fhirHandler(fhirCreateTaskRoute, async ({ body, headers, tenant, session, sessions, caller, requestId, registry }) =>
  fhirWrite(await createTask({ tenant, session, sessions, caller, requestId, registry }, body, headers['idempotency-key'])),
);
