import { httpHandler, writeResult } from '../../../shared/http/handler';
import { replyToThread } from '../message-service';
import { replyRoute } from '../routes';

export const handler = httpHandler(replyRoute, async ({ params, body, headers, tenant, session, sessions, caller, requestId }) => {
  const outcome = await replyToThread({ tenant, session, sessions, caller, requestId }, params.threadId, body, headers['idempotency-key']);
  return writeResult(outcome, `/v1/messaging/threads/${params.threadId}`);
});
