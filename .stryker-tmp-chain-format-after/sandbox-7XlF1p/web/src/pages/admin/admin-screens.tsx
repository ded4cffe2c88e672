/** Tenant admin and operator screens, loaded as one chunk on first use. */
// @ts-nocheck

export { UsersPage } from './users-page';
export { UnitsPage } from './units-page';
export { VendorGrantsPage } from './vendor-grants-page';
export { TenantsPage } from '../operator/tenants-page';
export { VendorsPage } from '../operator/vendors-page';
