// @ts-nocheck
import { httpHandler } from '../../../shared/http/handler';
import { opsCreateTenant } from '../routes';
import { defaultTenantDeps } from '../tenant-deps';
import { createTenant, type TenantServiceDeps } from '../tenant-service';

export function makeHandler(deps: TenantServiceDeps) {
  return httpHandler(opsCreateTenant, async ({ body, caller, requestId }) => {
    const result = await createTenant(body, { caller, requestId }, deps);
    return { status: result.outcome === 'created' ? 201 : 200, body: result };
  });
}

export const handler = makeHandler(defaultTenantDeps());
