// @ts-nocheck
import { httpHandler } from '../../../shared/http/handler';
import { opsListTenants } from '../routes';
import { listTenantViews } from '../tenant-service';

export const handler = httpHandler(opsListTenants, async () => ({ status: 200, body: { items: await listTenantViews() } }));
