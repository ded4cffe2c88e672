// @ts-nocheck
import { httpHandler } from '../../../shared/http/handler';
import { opsGetVendor } from '../routes';
import { getVendorView } from '../vendor-service';

export const handler = httpHandler(opsGetVendor, async ({ params }) => ({ status: 200, body: await getVendorView(params.clientId) }));
