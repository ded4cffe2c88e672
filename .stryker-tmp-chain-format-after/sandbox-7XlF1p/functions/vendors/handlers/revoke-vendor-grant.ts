// @ts-nocheck
import { httpHandler } from '../../../shared/http/handler';
import { adminRevokeVendorGrant } from '../routes';
import { defaultVendorDeps } from '../vendor-deps';
import { revokeGrant, type VendorServiceDeps } from '../vendor-service';

export function makeHandler(deps: Pick<VendorServiceDeps, 'now'>) {
  return httpHandler(adminRevokeVendorGrant, async ({ params, caller, tenant, requestId, session }) => ({
    status: 200,
    body: await revokeGrant({ caller, tenant, session, requestId }, params.clientId, deps),
  }));
}

export const handler = makeHandler(defaultVendorDeps());
