import { httpHandler } from '../../../shared/http/handler';
import { listSharedDocuments } from '../document-service';
import { listSharedDocumentsRoute } from '../routes';

export const handler = httpHandler(listSharedDocumentsRoute, async ({ params, tenant, caller, requestId }) => ({
  status: 200,
  body: await listSharedDocuments({ tenant, caller, requestId }, params.patientId),
}));
