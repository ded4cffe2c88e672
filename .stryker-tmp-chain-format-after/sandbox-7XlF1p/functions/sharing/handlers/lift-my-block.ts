// @ts-nocheck
import { httpHandler } from '../../../shared/http/handler';
import { liftMyBlock } from '../block-service';
import { liftMyBlockRoute } from '../routes';

export const handler = httpHandler(liftMyBlockRoute, async ({ params, headers, caller, requestId, sessions }) => ({
  status: 200,
  body: await liftMyBlock({ sessions, caller, requestId }, params.blockId, headers['idempotency-key']),
}));
