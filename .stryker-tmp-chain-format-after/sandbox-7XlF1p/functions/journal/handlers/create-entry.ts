// @ts-nocheck
import { httpHandler, writeResult } from '../../../shared/http/handler';
import { createEntry } from '../entry-service';
import { createEntryRoute } from '../routes';

export const handler = httpHandler(createEntryRoute, async ({ params, body, headers, tenant, caller, requestId, session, sessions }) => {
  const outcome = await createEntry({ tenant, session, sessions, caller, requestId }, params.patientId, body, headers['idempotency-key']);
  return writeResult(outcome, `/v1/patients/${params.patientId}/entries/${outcome.value.id}`);
});
