// @ts-nocheck
import { httpHandler } from '../../../shared/http/handler';
import { opsRegisterVendor } from '../routes';
import { defaultVendorDeps } from '../vendor-deps';
import { registerVendor, type VendorServiceDeps } from '../vendor-service';

export function makeHandler(deps: VendorServiceDeps) {
  return httpHandler(opsRegisterVendor, async ({ body, caller, requestId }) => ({
    status: 201,
    body: await registerVendor(body, { caller, requestId }, deps),
  }));
}

export const handler = makeHandler(defaultVendorDeps());
