import { httpHandler } from '../../../shared/http/handler';
import { listRelationships } from '../relationship-service';
import { listRelationshipsRoute } from '../routes';

export const handler = httpHandler(listRelationshipsRoute, async ({ params, tenant, caller, requestId }) => ({
  status: 200,
  body: { relationships: await listRelationships({ tenant, caller, requestId }, params.patientId) },
}));
