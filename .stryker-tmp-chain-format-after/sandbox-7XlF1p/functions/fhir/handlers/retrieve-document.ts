// @ts-nocheck
import { retrieveDocument } from '../../sharing/document-service';
import { toBinary } from '../document-map';
import { fhirHandler, fhirRead } from '../fhir-http';
import { fhirRetrieveDocumentRoute } from '../routes';

export const handler = fhirHandler(fhirRetrieveDocumentRoute, async ({ params, tenant, session, sessions, caller, registry, requestId }) =>
  fhirRead(toBinary(await retrieveDocument({ tenant, session, sessions, caller, requestId, registry }, params.id))),
);
