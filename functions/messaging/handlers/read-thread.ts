import { httpHandler } from '../../../shared/http/handler';
import { readThread } from '../message-service';
import { readThreadRoute } from '../routes';

export const handler = httpHandler(readThreadRoute, async ({ params, tenant, session, sessions, caller, requestId }) => ({
  status: 200,
  body: await readThread({ tenant, session, sessions, caller, requestId }, params.threadId),
}));
