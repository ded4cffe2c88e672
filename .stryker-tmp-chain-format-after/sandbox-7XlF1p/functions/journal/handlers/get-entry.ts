// @ts-nocheck
import { httpHandler, readResult } from '../../../shared/http/handler';
import { readEntry } from '../entry-service';
import { getEntryRoute } from '../routes';

export const handler = httpHandler(getEntryRoute, async ({ params, tenant, caller, requestId, session, sessions }) => {
  const entry = await readEntry({ tenant, session, sessions, caller, requestId }, params.patientId, params.entryId);
  return readResult(entry, entry.version);
});
