import type * as A from '../../../functions/admin/routes';
import type * as T from '../../../functions/tenants/routes';
import type * as V from '../../../functions/vendors/routes';
import { callRoute, type BodyOf } from './routes';

/** Tenant admin: users and units of the own municipality (functions/admin/routes.ts). */
export const adminApi = {
  users: async (cursor: string | undefined, signal?: AbortSignal) => (await callRoute<typeof A.adminListUsers>('GET', '/v1/admin/users', { query: { cursor, limit: 100 }, signal })).data,
  createUser: async (body: BodyOf<typeof A.adminCreateUser>) => (await callRoute<typeof A.adminCreateUser>('POST', '/v1/admin/users', { body })).data,
  updateUser: async (userId: string, body: BodyOf<typeof A.adminUpdateUser>) => (await callRoute<typeof A.adminUpdateUser>('PATCH', '/v1/admin/users/{userId}', { params: { userId }, body })).data,
  units: async (signal?: AbortSignal) => (await callRoute<typeof A.adminListUnits>('GET', '/v1/admin/units', { signal })).data,
  createUnit: async (body: BodyOf<typeof A.adminCreateUnit>) => (await callRoute<typeof A.adminCreateUnit>('POST', '/v1/admin/units', { body })).data,
  updateUnit: async (unitId: string, body: BodyOf<typeof A.adminUpdateUnit>) => (await callRoute<typeof A.adminUpdateUnit>('PATCH', '/v1/admin/units/{unitId}', { params: { unitId }, body })).data,
  ownUnits: async (signal?: AbortSignal) => (await callRoute<typeof A.listOwnUnits>('GET', '/v1/units', { signal })).data,
};

/** Operator: the registry of municipalities (functions/tenants/routes.ts). */
export const opsApi = {
  tenants: async (signal?: AbortSignal) => (await callRoute<typeof T.opsListTenants>('GET', '/ops/v1/tenants', { signal })).data,
  tenant: async (tenantId: string, signal?: AbortSignal) => (await callRoute<typeof T.opsGetTenant>('GET', '/ops/v1/tenants/{tenantId}', { params: { tenantId }, signal })).data,
  createTenant: async (body: BodyOf<typeof T.opsCreateTenant>) => (await callRoute<typeof T.opsCreateTenant>('POST', '/ops/v1/tenants', { body })).data,
  suspend: async (tenantId: string, body: BodyOf<typeof T.opsSuspendTenant>) =>
    (await callRoute<typeof T.opsSuspendTenant>('POST', '/ops/v1/tenants/{tenantId}/suspend', { params: { tenantId }, body })).data,
  resume: async (tenantId: string, body: BodyOf<typeof T.opsResumeTenant>) =>
    (await callRoute<typeof T.opsResumeTenant>('POST', '/ops/v1/tenants/{tenantId}/resume', { params: { tenantId }, body })).data,
  /** Starts (or resumes) the offboarding job: the API answers 202 with the job to follow. */
  offboard: async (tenantId: string, body: BodyOf<typeof T.opsOffboardTenant>) =>
    (await callRoute<typeof T.opsOffboardTenant>('POST', '/ops/v1/tenants/{tenantId}/offboard', { params: { tenantId }, body })).data,
  offboardJob: async (jobId: string, signal?: AbortSignal) => (await callRoute<typeof T.opsGetOffboardJob>('GET', '/ops/v1/offboarding-jobs/{jobId}', { params: { jobId }, signal })).data,
};

/** Vendor clients: the operator's registry and the tenant admin's grants (functions/vendors/routes.ts). */
export const vendorApi = {
  list: async (signal?: AbortSignal) => (await callRoute<typeof V.opsListVendors>('GET', '/ops/v1/vendors', { signal })).data,
  register: async (body: BodyOf<typeof V.opsRegisterVendor>) => (await callRoute<typeof V.opsRegisterVendor>('POST', '/ops/v1/vendors', { body })).data,
  rotateSecret: async (clientId: string) => (await callRoute<typeof V.opsRotateVendorSecret>('POST', '/ops/v1/vendors/{clientId}/secret', { params: { clientId } })).data,
  disable: async (clientId: string, body: BodyOf<typeof V.opsDisableVendor>) =>
    (await callRoute<typeof V.opsDisableVendor>('POST', '/ops/v1/vendors/{clientId}/disable', { params: { clientId }, body })).data,
  enable: async (clientId: string) => (await callRoute<typeof V.opsEnableVendor>('POST', '/ops/v1/vendors/{clientId}/enable', { params: { clientId } })).data,
  catalogue: async (signal?: AbortSignal) => (await callRoute<typeof V.adminListVendorCatalogue>('GET', '/v1/admin/vendors', { signal })).data,
  grants: async (signal?: AbortSignal) => (await callRoute<typeof V.adminListVendorGrants>('GET', '/v1/admin/vendor-grants', { signal })).data,
  grant: async (clientId: string, body: BodyOf<typeof V.adminGrantVendor>) =>
    (await callRoute<typeof V.adminGrantVendor>('PUT', '/v1/admin/vendor-grants/{clientId}', { params: { clientId }, body })).data,
  revoke: async (clientId: string) => (await callRoute<typeof V.adminRevokeVendorGrant>('DELETE', '/v1/admin/vendor-grants/{clientId}', { params: { clientId } })).data,
};
