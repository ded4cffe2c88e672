import { fhirHandler, fhirWrite } from '../fhir-http';
import { updateNote } from '../note-service';
import { fhirUpdateNoteRoute } from '../routes';

export const handler = fhirHandler(fhirUpdateNoteRoute, async ({ params, body, headers, tenant, session, sessions, caller, requestId, registry }) =>
  fhirWrite(await updateNote({ tenant, session, sessions, caller, requestId, registry }, params.id, body, headers['if-match'])),
);
