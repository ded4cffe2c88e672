import { httpHandler } from '../../../shared/http/handler';
import { signEntry } from '../entry-service';
import { writeResult } from '../http-result';
import { signEntryRoute } from '../routes';

export const handler = httpHandler(signEntryRoute, async ({ params, headers, tenant, caller, requestId }) =>
  writeResult(await signEntry({ tenant, caller, requestId }, params.patientId, params.entryId, headers['if-match'], headers['idempotency-key'])),
);
