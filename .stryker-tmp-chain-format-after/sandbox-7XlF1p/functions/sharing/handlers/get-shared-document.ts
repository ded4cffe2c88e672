// @ts-nocheck
import { httpHandler } from '../../../shared/http/handler';
import { retrieveDocument } from '../document-service';
import { getSharedDocumentRoute } from '../routes';

export const handler = httpHandler(getSharedDocumentRoute, async ({ params, tenant, caller, registry, requestId, session, sessions }) => ({
  status: 200,
  body: await retrieveDocument({ tenant, session, sessions, caller, requestId, registry }, params.documentId),
}));
