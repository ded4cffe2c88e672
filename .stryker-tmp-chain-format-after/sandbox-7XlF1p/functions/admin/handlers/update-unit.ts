// @ts-nocheck
import { httpHandler } from '../../../shared/http/handler';
import { updateUnit } from '../admin-service';
import { adminUpdateUnit } from '../routes';

export const handler = httpHandler(adminUpdateUnit, async ({ params, body, caller, tenant, requestId, session }) => ({
  status: 200,
  body: await updateUnit({ caller, tenant, session, requestId }, params.unitId, body),
}));
