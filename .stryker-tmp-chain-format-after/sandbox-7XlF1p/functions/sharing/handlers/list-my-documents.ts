// @ts-nocheck
import { httpHandler } from '../../../shared/http/handler';
import { listMyDocuments } from '../document-service';
import { listMyDocumentsRoute } from '../routes';

export const handler = httpHandler(listMyDocumentsRoute, async ({ sessions, caller, requestId }) => ({
  status: 200,
  body: await listMyDocuments({ sessions, caller, requestId }),
}));
