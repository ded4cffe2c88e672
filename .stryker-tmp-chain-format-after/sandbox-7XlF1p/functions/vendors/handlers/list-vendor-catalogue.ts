// @ts-nocheck
import { httpHandler } from '../../../shared/http/handler';
import { adminListVendorCatalogue } from '../routes';
import { vendorCatalogue } from '../vendor-service';

export const handler = httpHandler(adminListVendorCatalogue, async () => ({ status: 200, body: { items: await vendorCatalogue() } }));
