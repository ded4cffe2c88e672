import { readCommunication } from '../communication-service';
import { fhirHandler, fhirRead } from '../fhir-http';
import { fhirReadCommunicationRoute } from '../routes';

export const handler = fhirHandler(fhirReadCommunicationRoute, async ({ params, tenant, session, sessions, caller, requestId, registry }) =>
  fhirRead(await readCommunication({ tenant, session, sessions, caller, requestId, registry }, params.id)),
);
