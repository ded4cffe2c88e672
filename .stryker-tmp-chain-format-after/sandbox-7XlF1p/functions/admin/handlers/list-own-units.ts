// @ts-nocheck
import { httpHandler } from '../../../shared/http/handler';
import { listUnits } from '../admin-service';
import { listOwnUnits } from '../routes';

export const handler = httpHandler(listOwnUnits, async ({ caller, tenant, session, requestId }) => ({
  status: 200,
  body: { items: await listUnits({ caller, tenant, session, requestId }) },
}));
