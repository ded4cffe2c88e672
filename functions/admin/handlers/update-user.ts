import { httpHandler } from '../../../shared/http/handler';
import { updateUser } from '../admin-service';
import { adminUpdateUser } from '../routes';

export const handler = httpHandler(adminUpdateUser, async ({ params, body, caller, tenant, requestId }) => ({
  status: 200,
  body: await updateUser({ caller, tenant, requestId }, params.userId, body),
}));
