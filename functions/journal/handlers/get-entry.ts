import { httpHandler } from '../../../shared/http/handler';
import { readEntry } from '../entry-service';
import { readResult } from '../http-result';
import { getEntryRoute } from '../routes';

export const handler = httpHandler(getEntryRoute, async ({ params, tenant, caller, requestId }) => {
  const entry = await readEntry({ tenant, caller, requestId }, params.patientId, params.entryId);
  return readResult(entry, entry.version);
});
