// @ts-nocheck
import { httpHandler } from '../../../shared/http/handler';
import { createPatientBlock } from '../block-service';
import { createPatientBlockRoute } from '../routes';

export const handler = httpHandler(createPatientBlockRoute, async ({ params, body, headers, tenant, caller, requestId, session, sessions }) => ({
  status: 201,
  body: await createPatientBlock({ tenant, session, sessions, caller, requestId }, params.patientId, body, headers['idempotency-key']),
}));
