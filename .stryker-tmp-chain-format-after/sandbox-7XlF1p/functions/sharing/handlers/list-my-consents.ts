// @ts-nocheck
import { httpHandler } from '../../../shared/http/handler';
import { listMyConsents } from '../block-service';
import { listMyConsentsRoute } from '../routes';

export const handler = httpHandler(listMyConsentsRoute, async ({ sessions, caller, requestId }) => ({
  status: 200,
  body: await listMyConsents({ sessions, caller, requestId }),
}));
