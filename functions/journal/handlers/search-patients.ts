import { httpHandler } from '../../../shared/http/handler';
import { searchPatients } from '../patient-service';
import { searchPatientsRoute } from '../routes';

export const handler = httpHandler(searchPatientsRoute, async ({ body, tenant, caller, requestId }) => ({
  status: 200,
  body: await searchPatients({ tenant, caller, requestId }, body),
}));
