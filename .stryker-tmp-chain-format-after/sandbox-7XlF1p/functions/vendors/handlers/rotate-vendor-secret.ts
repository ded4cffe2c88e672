// @ts-nocheck
import { httpHandler } from '../../../shared/http/handler';
import { opsRotateVendorSecret } from '../routes';
import { defaultVendorDeps } from '../vendor-deps';
import { rotateVendorSecret, type VendorServiceDeps } from '../vendor-service';

export function makeHandler(deps: VendorServiceDeps) {
  return httpHandler(opsRotateVendorSecret, async ({ params, caller, requestId }) => ({
    status: 200,
    body: await rotateVendorSecret(params.clientId, { caller, requestId }, deps),
  }));
}

export const handler = makeHandler(defaultVendorDeps());
