// @ts-nocheck
import { httpHandler } from '../../../shared/http/handler';
import { opsOffboardTenant } from '../routes';
import { defaultTenantDeps } from '../tenant-deps';
import { offboardTenant, type TenantServiceDeps } from '../tenant-service';

export function makeHandler(deps: TenantServiceDeps) {
  return httpHandler(opsOffboardTenant, async ({ params, body, caller, requestId }) => ({
    status: 200,
    body: await offboardTenant(params.tenantId, body.target, { caller, requestId }, deps),
  }));
}

export const handler = makeHandler(defaultTenantDeps());
