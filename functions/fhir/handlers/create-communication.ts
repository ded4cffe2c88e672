import { createCommunication } from '../communication-service';
import { fhirHandler, fhirWrite } from '../fhir-http';
import { fhirCreateCommunicationRoute } from '../routes';

export const handler = fhirHandler(fhirCreateCommunicationRoute, async ({ body, headers, tenant, session, sessions, caller, requestId, registry }) =>
  fhirWrite(await createCommunication({ tenant, session, sessions, caller, requestId, registry }, body, headers['idempotency-key'])),
);
