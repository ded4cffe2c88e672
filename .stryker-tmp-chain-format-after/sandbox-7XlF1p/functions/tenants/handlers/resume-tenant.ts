// @ts-nocheck
import { httpHandler } from '../../../shared/http/handler';
import { opsResumeTenant } from '../routes';
import { defaultTenantDeps } from '../tenant-deps';
import { resumeTenant, type TenantServiceDeps } from '../tenant-service';

export function makeHandler(deps: Pick<TenantServiceDeps, 'now'>) {
  return httpHandler(opsResumeTenant, async ({ params, body, caller, requestId }) => ({
    status: 200,
    body: await resumeTenant(params.tenantId, body.reason, { caller, requestId }, deps),
  }));
}

export const handler = makeHandler(defaultTenantDeps());
