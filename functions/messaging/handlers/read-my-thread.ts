import { httpHandler } from '../../../shared/http/handler';
import { readMyThread } from '../citizen-dialogue';
import { readMyThreadRoute } from '../routes';

export const handler = httpHandler(readMyThreadRoute, async ({ params, caller, requestId, sessions }) => ({ status: 200, body: await readMyThread(caller, requestId, sessions, params.tenant, params.threadId) }));
