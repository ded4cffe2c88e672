// @ts-nocheck
import { httpHandler } from '../../../shared/http/handler';
import { requestEmergencyAccess } from '../emergency-service';
import { requestEmergencyAccessRoute } from '../routes';

export const handler = httpHandler(requestEmergencyAccessRoute, async ({ params, body, headers, tenant, caller, requestId, session, sessions }) => ({
  status: 201,
  body: await requestEmergencyAccess({ tenant, session, sessions, caller, requestId }, params.patientId, body.reason, headers['idempotency-key']),
}));
