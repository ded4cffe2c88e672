import { httpHandler } from '../../../shared/http/handler';
import { activeEmergencyAccess } from '../emergency-service';
import { getEmergencyAccessRoute } from '../routes';

export const handler = httpHandler(getEmergencyAccessRoute, async ({ params, tenant, caller, requestId }) => ({
  status: 200,
  body: await activeEmergencyAccess({ tenant, caller, requestId }, params.patientId),
}));
