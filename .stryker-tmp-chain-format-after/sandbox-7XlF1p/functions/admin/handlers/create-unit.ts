// @ts-nocheck
import { httpHandler } from '../../../shared/http/handler';
import { createUnit } from '../admin-service';
import { adminCreateUnit } from '../routes';

export const handler = httpHandler(adminCreateUnit, async ({ body, caller, tenant, requestId, session }) => ({
  status: 201,
  body: await createUnit({ caller, tenant, session, requestId }, body),
}));
