// @ts-nocheck
import { httpHandler } from '../../../shared/http/handler';
import { createMyBlock } from '../block-service';
import { createMyBlockRoute } from '../routes';

export const handler = httpHandler(createMyBlockRoute, async ({ body, headers, caller, requestId, sessions }) => ({
  status: 201,
  body: await createMyBlock({ sessions, caller, requestId }, body, headers['idempotency-key']),
}));
