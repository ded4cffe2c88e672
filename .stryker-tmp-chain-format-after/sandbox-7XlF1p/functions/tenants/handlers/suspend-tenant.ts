// @ts-nocheck
import { httpHandler } from '../../../shared/http/handler';
import { opsSuspendTenant } from '../routes';
import { defaultTenantDeps } from '../tenant-deps';
import { suspendTenant, type TenantServiceDeps } from '../tenant-service';

export function makeHandler(deps: Pick<TenantServiceDeps, 'now'>) {
  return httpHandler(opsSuspendTenant, async ({ params, body, caller, requestId }) => ({
    status: 200,
    body: await suspendTenant(params.tenantId, body.reason, { caller, requestId }, deps),
  }));
}

export const handler = makeHandler(defaultTenantDeps());
