// @ts-nocheck
import { httpHandler } from '../../../shared/http/handler';
import { listRelationships } from '../relationship-service';
import { listRelationshipsRoute } from '../routes';

export const handler = httpHandler(listRelationshipsRoute, async ({ params, tenant, caller, requestId, session, sessions }) => ({
  status: 200,
  body: { relationships: await listRelationships({ tenant, session, sessions, caller, requestId }, params.patientId) },
}));
