// @ts-nocheck
import { httpHandler } from '../../../shared/http/handler';
import { listMyBlocks } from '../block-service';
import { listMyBlocksRoute } from '../routes';

export const handler = httpHandler(listMyBlocksRoute, async ({ sessions, caller, requestId }) => ({
  status: 200,
  body: await listMyBlocks({ sessions, caller, requestId }),
}));
