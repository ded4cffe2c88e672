// @ts-nocheck
import { httpHandler } from '../../../shared/http/handler';
import { opsDestroyDueKeys } from '../routes';
import { defaultTenantDeps } from '../tenant-deps';
import { destroyDueKeys, type TenantServiceDeps } from '../tenant-service';

export function makeHandler(deps: Pick<TenantServiceDeps, 'keyAdmin' | 'now'>) {
  return httpHandler(opsDestroyDueKeys, async ({ caller, requestId }) => ({
    status: 200,
    body: { items: await destroyDueKeys({ caller, requestId }, deps) },
  }));
}

export const handler = makeHandler(defaultTenantDeps());
