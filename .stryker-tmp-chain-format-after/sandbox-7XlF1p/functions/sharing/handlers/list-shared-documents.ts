// @ts-nocheck
import { httpHandler } from '../../../shared/http/handler';
import { listSharedDocuments } from '../document-service';
import { listSharedDocumentsRoute } from '../routes';

export const handler = httpHandler(listSharedDocumentsRoute, async ({ params, tenant, caller, requestId, session, sessions }) => ({
  status: 200,
  body: await listSharedDocuments({ tenant, session, sessions, caller, requestId }, params.patientId),
}));
