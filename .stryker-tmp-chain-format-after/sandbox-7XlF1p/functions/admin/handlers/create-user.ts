// @ts-nocheck
import { httpHandler } from '../../../shared/http/handler';
import { createUser } from '../admin-service';
import { adminCreateUser } from '../routes';

export const handler = httpHandler(adminCreateUser, async ({ body, caller, tenant, requestId, session }) => ({
  status: 201,
  body: await createUser({ caller, tenant, session, requestId }, body),
}));
