// @ts-nocheck
import { httpHandler } from '../../../shared/http/handler';
import { getUserView } from '../admin-service';
import { adminGetUser } from '../routes';

export const handler = httpHandler(adminGetUser, async ({ params, caller, tenant, requestId, session }) => ({
  status: 200,
  body: await getUserView({ caller, tenant, session, requestId }, params.userId),
}));
