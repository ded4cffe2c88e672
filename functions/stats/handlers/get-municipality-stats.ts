import { httpHandler } from '../../../shared/http/handler';
import { municipalityReport } from '../stats-service';
import { getMunicipalityStats } from '../routes';

export const handler = httpHandler(getMunicipalityStats, async ({ query, caller, tenant, session, requestId, registry }) => {
  // The registry entry the request wrapper already read with the caller's: names for the unit rows.
  const units = ((await registry.profile(tenant))?.units ?? []).map((u) => ({ id: u.id, name: u.name }));
  return { status: 200, body: await municipalityReport({ caller, tenant, session, requestId, units }, query) };
});
