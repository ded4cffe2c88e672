import { httpHandler } from '../../../shared/http/handler';
import { listPatientBlocks } from '../block-service';
import { listPatientBlocksRoute } from '../routes';

export const handler = httpHandler(listPatientBlocksRoute, async ({ params, tenant, caller, requestId }) => ({
  status: 200,
  body: await listPatientBlocks({ tenant, caller, requestId }, params.patientId),
}));
