// @ts-nocheck
import { httpHandler } from '../../../shared/http/handler';
import { searchPatients } from '../patient-service';
import { searchPatientsRoute } from '../routes';

export const handler = httpHandler(searchPatientsRoute, async ({ body, tenant, caller, requestId, session, sessions }) => ({
  status: 200,
  body: await searchPatients({ tenant, session, sessions, caller, requestId }, body),
}));
