import { httpHandler } from '../../../shared/http/handler';
import { updateUnit } from '../admin-service';
import { adminUpdateUnit } from '../routes';

export const handler = httpHandler(adminUpdateUnit, async ({ params, body, caller, tenant, requestId }) => ({
  status: 200,
  body: await updateUnit({ caller, tenant, requestId }, params.unitId, body),
}));
