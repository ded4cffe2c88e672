import { httpHandler } from '../../../shared/http/handler';
import { listMyConsents } from '../block-service';
import { listMyConsentsRoute } from '../routes';

export const handler = httpHandler(listMyConsentsRoute, async ({ caller, requestId }) => ({
  status: 200,
  body: await listMyConsents({ caller, requestId }),
}));
