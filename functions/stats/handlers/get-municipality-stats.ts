import { httpHandler } from '../../../shared/http/handler';
import { municipalityReport } from '../stats-service';
import { getMunicipalityStats } from '../routes';

export const handler = httpHandler(getMunicipalityStats, async ({ query, caller, tenant, session, requestId }) => ({
  status: 200,
  body: await municipalityReport({ caller: caller, tenant: tenant, session: session, requestId }, query),
}));
