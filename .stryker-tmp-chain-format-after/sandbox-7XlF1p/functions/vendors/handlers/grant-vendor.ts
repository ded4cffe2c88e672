// @ts-nocheck
import { httpHandler } from '../../../shared/http/handler';
import { adminGrantVendor } from '../routes';
import { defaultVendorDeps } from '../vendor-deps';
import { grantVendor, type VendorServiceDeps } from '../vendor-service';

export function makeHandler(deps: Pick<VendorServiceDeps, 'now'>) {
  return httpHandler(adminGrantVendor, async ({ params, body, caller, tenant, requestId, session }) => ({
    status: 200,
    body: await grantVendor({ caller, tenant, session, requestId }, params.clientId, body.scopes, deps),
  }));
}

export const handler = makeHandler(defaultVendorDeps());
