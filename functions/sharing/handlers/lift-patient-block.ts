import { httpHandler } from '../../../shared/http/handler';
import { liftPatientBlock } from '../block-service';
import { liftPatientBlockRoute } from '../routes';

export const handler = httpHandler(liftPatientBlockRoute, async ({ params, headers, tenant, caller, requestId }) => ({
  status: 200,
  body: await liftPatientBlock({ tenant, caller, requestId }, params.patientId, params.blockId, headers['idempotency-key']),
}));
