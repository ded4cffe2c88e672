// @ts-nocheck
import { httpHandler } from '../../../shared/http/handler';
import { opsDisableVendor } from '../routes';
import { defaultVendorDeps } from '../vendor-deps';
import { setVendorStatus, type VendorServiceDeps } from '../vendor-service';

export function makeHandler(deps: VendorServiceDeps) {
  return httpHandler(opsDisableVendor, async ({ params, body, caller, requestId }) => ({
    status: 200,
    body: await setVendorStatus(params.clientId, 'disabled', body.reason, { caller, requestId }, deps),
  }));
}

export const handler = makeHandler(defaultVendorDeps());
