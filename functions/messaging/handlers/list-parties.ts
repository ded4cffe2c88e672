import { httpHandler } from '../../../shared/http/handler';
import { listParties } from '../party-service';
import { listPartiesRoute } from '../routes';

export const handler = httpHandler(listPartiesRoute, async ({ query, session }) => ({ status: 200, body: { items: await listParties(session, query.q) } }));
