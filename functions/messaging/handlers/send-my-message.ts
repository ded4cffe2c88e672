import { httpHandler, writeResult } from '../../../shared/http/handler';
import { sendCitizenMessage } from '../citizen-dialogue';
import { sendMyMessageRoute } from '../routes';

export const handler = httpHandler(sendMyMessageRoute, async ({ body, headers, caller, requestId, sessions }) => {
  const outcome = await sendCitizenMessage(caller, requestId, sessions, body, headers['idempotency-key']);
  return writeResult(outcome, `/v1/messaging/me/threads/${outcome.value.tenant}/${outcome.value.threadId}`);
});
