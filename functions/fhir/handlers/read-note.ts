import { fhirHandler, fhirRead } from '../fhir-http';
import { readNote } from '../note-service';
import { fhirReadNoteRoute } from '../routes';

export const handler = fhirHandler(fhirReadNoteRoute, async ({ params, tenant, session, sessions, caller, requestId, registry }) =>
  fhirRead(await readNote({ tenant, session, sessions, caller, requestId, registry }, params.id)),
);
