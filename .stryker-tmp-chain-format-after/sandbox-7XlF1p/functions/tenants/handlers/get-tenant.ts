// @ts-nocheck
import { httpHandler } from '../../../shared/http/handler';
import { opsGetTenant } from '../routes';
import { getTenantView } from '../tenant-service';

export const handler = httpHandler(opsGetTenant, async ({ params }) => ({ status: 200, body: await getTenantView(params.tenantId) }));
