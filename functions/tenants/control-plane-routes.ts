import { adminRoutes } from '../admin/routes';
import { vendorRoutes } from '../vendors/routes';
import { tenantRoutes } from './routes';

/** The control plane's routes: operator API (tenants, vendors) and the tenant admins' API. */
export const controlPlaneRoutes = [...tenantRoutes, ...vendorRoutes, ...adminRoutes];
