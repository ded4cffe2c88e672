import { searchTasks } from '../task-service';
import { fhirBaseUrl, fhirHandler } from '../fhir-http';
import { fhirSearchTaskRoute } from '../routes';

export const handler = fhirHandler(fhirSearchTaskRoute, async ({ query, tenant, session, sessions, caller, requestId, registry, event }) => ({
  status: 200,
  body: await searchTasks({ tenant, session, sessions, caller, requestId, registry }, query, fhirBaseUrl(event)),
}));
