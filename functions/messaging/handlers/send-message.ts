import { httpHandler, writeResult } from '../../../shared/http/handler';
import { sendMessage } from '../message-service';
import { sendMessageRoute } from '../routes';

export const handler = httpHandler(sendMessageRoute, async ({ body, headers, tenant, session, sessions, caller, requestId }) => {
  const outcome = await sendMessage({ tenant, session, sessions, caller, requestId }, body, headers['idempotency-key']);
  return writeResult(outcome, `/v1/messaging/threads/${outcome.value.threadId}`);
});
