import { httpHandler, writeResult } from '../../../shared/http/handler';
import { replyAsCitizen } from '../citizen-dialogue';
import { replyMyThreadRoute } from '../routes';

export const handler = httpHandler(replyMyThreadRoute, async ({ params, body, headers, caller, requestId, sessions }) => {
  const outcome = await replyAsCitizen(caller, requestId, sessions, params.tenant, params.threadId, body.text, headers['idempotency-key']);
  return writeResult(outcome, `/v1/messaging/me/threads/${params.tenant}/${params.threadId}`);
});
