// @ts-nocheck
import {
  disableVendorBodySchema,
  grantListSchema,
  grantVendorBodySchema,
  registerVendorBodySchema,
  vendorCatalogueSchema,
  vendorCredentialsSchema,
  vendorGrantSchema,
  vendorListSchema,
  vendorPathSchema,
  vendorSchema,
} from '../../shared/contracts/vendors';
import { defineService } from '../../shared/http/service';

const vendors = defineService({ service: 'vendors', problems: { 403: 'Role not allowed', 404: 'Unknown' } });
const operator = { plane: 'operator', auth: 'token', roles: ['operator'], tenant: 'none' } as const;
const admin = { plane: 'admin', auth: 'token', roles: ['tenant-admin'], tenant: 'caller' } as const;

export const opsListVendors = vendors.route({
  ...operator,
  id: 'opsListVendors',
  method: 'GET',
  path: '/ops/v1/vendors',
  handler: 'functions/vendors/handlers/list-vendors.ts',
  summary: 'All registered vendor clients, each with the grants municipalities gave it',
  responses: { 200: { description: 'Vendors', schema: vendorListSchema } },
});

export const opsRegisterVendor = vendors.route({
  ...operator,
  id: 'opsRegisterVendor',
  method: 'POST',
  path: '/ops/v1/vendors',
  handler: 'functions/vendors/handlers/register-vendor.ts',
  summary: 'Register a vendor: client id + secret (shown once), API key on the usage plan',
  body: registerVendorBodySchema,
  responses: {
    201: { description: 'Registered; the secret and API key are shown only here', schema: vendorCredentialsSchema },
    400: { description: 'Invalid input (e.g. organisation number check digit)' },
    409: { description: 'Already registered' },
  },
});

export const opsGetVendor = vendors.route({
  ...operator,
  id: 'opsGetVendor',
  method: 'GET',
  path: '/ops/v1/vendors/{clientId}',
  handler: 'functions/vendors/handlers/get-vendor.ts',
  summary: 'One vendor client with the grants municipalities gave it',
  params: vendorPathSchema,
  problems: [404],
  responses: { 200: { description: 'Vendor', schema: vendorSchema } },
});

export const opsRotateVendorSecret = vendors.route({
  ...operator,
  id: 'opsRotateVendorSecret',
  method: 'POST',
  path: '/ops/v1/vendors/{clientId}/secret',
  handler: 'functions/vendors/handlers/rotate-vendor-secret.ts',
  summary: 'Replace the client secret; the old one stops working at once',
  params: vendorPathSchema,
  problems: [404],
  responses: { 200: { description: 'New secret, shown once', schema: vendorCredentialsSchema } },
});

export const opsDisableVendor = vendors.route({
  ...operator,
  id: 'opsDisableVendor',
  method: 'POST',
  path: '/ops/v1/vendors/{clientId}/disable',
  handler: 'functions/vendors/handlers/disable-vendor.ts',
  summary: 'Disable a vendor client everywhere (tokens refused on the next request, API key off)',
  params: vendorPathSchema,
  body: disableVendorBodySchema,
  problems: [404],
  responses: { 200: { description: 'Disabled', schema: vendorSchema } },
});

export const opsEnableVendor = vendors.route({
  ...operator,
  id: 'opsEnableVendor',
  method: 'POST',
  path: '/ops/v1/vendors/{clientId}/enable',
  handler: 'functions/vendors/handlers/enable-vendor.ts',
  summary: 'Enable a disabled vendor client again',
  params: vendorPathSchema,
  problems: [404],
  responses: { 200: { description: 'Active', schema: vendorSchema } },
});

export const adminListVendorCatalogue = vendors.route({
  ...admin,
  id: 'adminListVendorCatalogue',
  method: 'GET',
  path: '/v1/admin/vendors',
  handler: 'functions/vendors/handlers/list-vendor-catalogue.ts',
  summary: 'Vendor systems the municipality can grant access to',
  responses: { 200: { description: 'Vendors', schema: vendorCatalogueSchema } },
});

export const adminListVendorGrants = vendors.route({
  ...admin,
  id: 'adminListVendorGrants',
  method: 'GET',
  path: '/v1/admin/vendor-grants',
  handler: 'functions/vendors/handlers/list-vendor-grants.ts',
  summary: 'Vendor systems the municipality has granted access, with scopes',
  responses: { 200: { description: 'Grants', schema: grantListSchema } },
});

export const adminGrantVendor = vendors.route({
  ...admin,
  id: 'adminGrantVendor',
  method: 'PUT',
  path: '/v1/admin/vendor-grants/{clientId}',
  handler: 'functions/vendors/handlers/grant-vendor.ts',
  summary: 'Grant (or change) a vendor system access to the municipality within scopes',
  params: vendorPathSchema,
  body: grantVendorBodySchema,
  responses: { 200: { description: 'Granted', schema: vendorGrantSchema }, 400: { description: 'Invalid scopes' }, 404: { description: 'No such active vendor' } },
});

export const adminRevokeVendorGrant = vendors.route({
  ...admin,
  id: 'adminRevokeVendorGrant',
  method: 'DELETE',
  path: '/v1/admin/vendor-grants/{clientId}',
  handler: 'functions/vendors/handlers/revoke-vendor-grant.ts',
  summary: "Revoke a vendor's access; its next request for the municipality is refused",
  params: vendorPathSchema,
  responses: { 200: { description: 'Revoked', schema: vendorGrantSchema }, 404: { description: 'No grant' } },
});

export const vendorRoutes = [
  opsListVendors,
  opsRegisterVendor,
  opsGetVendor,
  opsRotateVendorSecret,
  opsDisableVendor,
  opsEnableVendor,
  adminListVendorCatalogue,
  adminListVendorGrants,
  adminGrantVendor,
  adminRevokeVendorGrant,
];

