// @ts-nocheck
import { httpHandler } from '../../../shared/http/handler';
import { opsEnableVendor } from '../routes';
import { defaultVendorDeps } from '../vendor-deps';
import { setVendorStatus, type VendorServiceDeps } from '../vendor-service';

export function makeHandler(deps: VendorServiceDeps) {
  return httpHandler(opsEnableVendor, async ({ params, caller, requestId }) => ({
    status: 200,
    body: await setVendorStatus(params.clientId, 'active', undefined, { caller, requestId }, deps),
  }));
}

export const handler = makeHandler(defaultVendorDeps());
