// @ts-nocheck
import { httpHandler, writeResult } from '../../../shared/http/handler';
import { correctEntry } from '../entry-service';
import { correctEntryRoute } from '../routes';

export const handler = httpHandler(correctEntryRoute, async ({ params, body, headers, tenant, caller, requestId, session, sessions }) =>
  writeResult(await correctEntry({ tenant, session, sessions, caller, requestId }, params.patientId, params.entryId, body, headers['if-match'], headers['idempotency-key'])),
);
