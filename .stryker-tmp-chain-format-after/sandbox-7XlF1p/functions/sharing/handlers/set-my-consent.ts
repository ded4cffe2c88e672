// @ts-nocheck
import { httpHandler } from '../../../shared/http/handler';
import { setMyConsent } from '../block-service';
import { setMyConsentRoute } from '../routes';

export const handler = httpHandler(setMyConsentRoute, async ({ body, headers, caller, requestId, sessions }) => ({
  status: 200,
  body: await setMyConsent({ sessions, caller, requestId }, body, headers['idempotency-key']),
}));
