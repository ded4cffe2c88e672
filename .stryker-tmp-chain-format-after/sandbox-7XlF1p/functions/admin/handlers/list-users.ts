// @ts-nocheck
import { httpHandler } from '../../../shared/http/handler';
import { listUsers } from '../admin-service';
import { adminListUsers } from '../routes';

export const handler = httpHandler(adminListUsers, async ({ query, caller, tenant, requestId, session }) => ({
  status: 200,
  body: await listUsers({ caller, tenant, session, requestId }, query.limit, query.cursor),
}));
