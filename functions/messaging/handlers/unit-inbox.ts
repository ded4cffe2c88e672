import { httpHandler } from '../../../shared/http/handler';
import { unitBox } from '../message-service';
import { unitInboxRoute } from '../routes';

export const handler = httpHandler(unitInboxRoute, async ({ query, tenant, session, sessions, caller, requestId }) => ({
  status: 200,
  body: { items: await unitBox({ tenant, session, sessions, caller, requestId }, query.box, query.limit) },
}));
