// @ts-nocheck
import { httpHandler } from '../../../shared/http/handler';
import { liftPatientBlock } from '../block-service';
import { liftPatientBlockRoute } from '../routes';

export const handler = httpHandler(liftPatientBlockRoute, async ({ params, headers, tenant, caller, requestId, session, sessions }) => ({
  status: 200,
  body: await liftPatientBlock({ tenant, session, sessions, caller, requestId }, params.patientId, params.blockId, headers['idempotency-key']),
}));
