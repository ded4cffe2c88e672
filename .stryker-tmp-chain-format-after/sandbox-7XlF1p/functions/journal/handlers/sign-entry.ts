// @ts-nocheck
import { httpHandler, writeResult } from '../../../shared/http/handler';
import { signEntry } from '../entry-service';
import { signEntryRoute } from '../routes';

export const handler = httpHandler(signEntryRoute, async ({ params, headers, tenant, caller, requestId, session, sessions }) =>
  writeResult(await signEntry({ tenant, session, sessions, caller, requestId }, params.patientId, params.entryId, headers['if-match'], headers['idempotency-key'])),
);
