import { httpHandler, writeResult } from '../../../shared/http/handler';
import { fileMessage } from '../message-service';
import { fileMessageRoute } from '../routes';

export const handler = httpHandler(fileMessageRoute, async ({ params, body, tenant, session, sessions, caller, requestId }) => {
  const outcome = await fileMessage({ tenant, session, sessions, caller, requestId }, params.threadId, body.messageId);
  return writeResult(outcome, `/v1/patients/${outcome.value.patientId}/entries/${outcome.value.journalEntryId ?? ''}`);
});
