import { httpHandler } from '../../../shared/http/handler';
import { readEntryVersions } from '../entry-service';
import { listEntryVersionsRoute } from '../routes';

export const handler = httpHandler(listEntryVersionsRoute, async ({ params, query, tenant, caller, requestId }) => ({
  status: 200,
  body: await readEntryVersions({ tenant, caller, requestId }, params.patientId, params.entryId, query.limit, query.cursor),
}));
