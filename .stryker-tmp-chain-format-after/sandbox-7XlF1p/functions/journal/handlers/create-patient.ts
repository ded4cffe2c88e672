// @ts-nocheck
import { httpHandler, writeResult } from '../../../shared/http/handler';
import { createPatient } from '../patient-service';
import { createPatientRoute } from '../routes';

export const handler = httpHandler(createPatientRoute, async ({ body, headers, tenant, caller, requestId, session, sessions }) => {
  const outcome = await createPatient({ tenant, session, sessions, caller, requestId }, body, headers['idempotency-key']);
  return writeResult(outcome, `/v1/patients/${outcome.value.id}`);
});
