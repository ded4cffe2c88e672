// @ts-nocheck
import { httpHandler } from '../../../shared/http/handler';
import { opsListVendors } from '../routes';
import { listVendorViews } from '../vendor-service';

export const handler = httpHandler(opsListVendors, async () => ({ status: 200, body: { items: await listVendorViews() } }));
