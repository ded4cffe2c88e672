// @ts-nocheck
import { httpHandler, writeResult } from '../../../shared/http/handler';
import { markEnteredInError } from '../entry-service';
import { markEnteredInErrorRoute } from '../routes';

export const handler = httpHandler(markEnteredInErrorRoute, async ({ params, body, headers, tenant, caller, requestId, session, sessions }) =>
  writeResult(await markEnteredInError({ tenant, session, sessions, caller, requestId }, params.patientId, params.entryId, body, headers['if-match'], headers['idempotency-key'])),
);
