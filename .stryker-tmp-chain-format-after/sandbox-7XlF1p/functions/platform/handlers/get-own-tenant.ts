// @ts-nocheck
import { httpHandler } from '../../../shared/http/handler';
import { NotFoundError } from '../../../shared/errors';
import { getOwnTenant } from '../routes';

export const handler = httpHandler(getOwnTenant, async ({ tenant, registry }) => {
  // Read by the request wrapper with the tenant's status, in the same round trip.
  const profile = await registry.profile(tenant);
  if (!profile) throw new NotFoundError('Kommunen finnes ikke.');
  return { status: 200, body: { id: profile.id, name: profile.name, status: profile.status, units: profile.units } };
});
