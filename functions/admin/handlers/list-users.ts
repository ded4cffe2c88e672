import { httpHandler } from '../../../shared/http/handler';
import { listUsers } from '../admin-service';
import { adminListUsers } from '../routes';

export const handler = httpHandler(adminListUsers, async ({ query, caller, tenant, requestId }) => ({
  status: 200,
  body: await listUsers({ caller, tenant, requestId }, query.limit, query.cursor),
}));
