import { fhirHandler, fhirWrite } from '../fhir-http';
import { createNote } from '../note-service';
import { fhirCreateNoteRoute } from '../routes';

export const handler = fhirHandler(fhirCreateNoteRoute, async ({ body, headers, tenant, session, sessions, caller, requestId, registry }) =>
  fhirWrite(await createNote({ tenant, session, sessions, caller, requestId, registry }, body, headers)),
);
