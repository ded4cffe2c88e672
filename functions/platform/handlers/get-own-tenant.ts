import { httpHandler } from '../../../shared/http/handler';
import { NotFoundError } from '../../../shared/errors';
import { readTenantProfile } from '../../../shared/tenancy/tenant-profile';
import { getOwnTenant } from '../routes';

export const handler = httpHandler(getOwnTenant, async ({ tenant }) => {
  const profile = await readTenantProfile(tenant);
  if (!profile) throw new NotFoundError('Kommunen finnes ikke.');
  return { status: 200, body: { id: profile.id, name: profile.name, status: profile.status, units: profile.units } };
});
