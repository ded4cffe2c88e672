// @ts-nocheck
import { httpHandler } from '../../../shared/http/handler';
import { updateUser } from '../admin-service';
import { adminUpdateUser } from '../routes';

export const handler = httpHandler(adminUpdateUser, async ({ params, body, caller, tenant, requestId, session }) => ({
  status: 200,
  body: await updateUser({ caller, tenant, session, requestId }, params.userId, body),
}));
