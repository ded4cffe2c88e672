import { httpHandler } from '../../../shared/http/handler';
import { createPatientBlock } from '../block-service';
import { createPatientBlockRoute } from '../routes';

export const handler = httpHandler(createPatientBlockRoute, async ({ params, body, headers, tenant, caller, requestId }) => ({
  status: 201,
  body: await createPatientBlock({ tenant, caller, requestId }, params.patientId, body, headers['idempotency-key']),
}));
