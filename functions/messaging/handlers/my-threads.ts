import { httpHandler } from '../../../shared/http/handler';
import { listMyThreads } from '../citizen-dialogue';
import { myThreadsRoute } from '../routes';

export const handler = httpHandler(myThreadsRoute, async ({ caller, requestId, sessions }) => ({ status: 200, body: { items: await listMyThreads(caller, requestId, sessions) } }));
