import { httpHandler } from '../../../shared/http/handler';
import { opsOffboardTenant } from '../routes';
import { defaultTenantDeps } from '../tenant-deps';
import { requestOffboarding, type TenantServiceDeps } from '../tenant-service';

export function makeHandler(deps: TenantServiceDeps) {
  return httpHandler(opsOffboardTenant, async ({ params, body, caller, requestId }) => {
    const job = await requestOffboarding(params.tenantId, body.target, { caller, requestId }, deps);
    return { status: job.state === 'succeeded' ? 200 : 202, body: job, headers: { location: `/ops/v1/offboarding-jobs/${job.jobId}` } };
  });
}

export const handler = makeHandler(defaultTenantDeps());
