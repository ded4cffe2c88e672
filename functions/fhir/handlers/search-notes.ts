import { fhirBaseUrl, fhirHandler } from '../fhir-http';
import { searchNotes } from '../note-search';
import { fhirSearchNotesRoute } from '../routes';

export const handler = fhirHandler(fhirSearchNotesRoute, async ({ params, query, tenant, session, sessions, caller, requestId, registry, event }) => ({
  status: 200,
  body: await searchNotes({ tenant, session, sessions, caller, requestId, registry }, params.id, query, fhirBaseUrl(event)),
}));
