// @ts-nocheck
import { httpHandler } from '../../../shared/http/handler';
import { activeEmergencyAccess } from '../emergency-service';
import { getEmergencyAccessRoute } from '../routes';

export const handler = httpHandler(getEmergencyAccessRoute, async ({ params, tenant, caller, requestId, session, sessions }) => ({
  status: 200,
  body: await activeEmergencyAccess({ tenant, session, sessions, caller, requestId }, params.patientId),
}));
