// @ts-nocheck
import { httpHandler } from '../../../shared/http/handler';
import { adminListVendorGrants } from '../routes';
import { listGrantsOfTenant } from '../vendor-service';

export const handler = httpHandler(adminListVendorGrants, async ({ caller, tenant, session, requestId }) => ({
  status: 200,
  body: { items: await listGrantsOfTenant({ caller, tenant, session, requestId }) },
}));
