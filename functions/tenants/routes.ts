import { problemSchema } from '../../shared/contracts/common';
import {
  createTenantBodySchema,
  createTenantResultSchema,
  offboardTenantBodySchema,
  resumeTenantBodySchema,
  suspendTenantBodySchema,
  tenantListSchema,
  tenantPathSchema,
  tenantSchema,
} from '../../shared/contracts/tenants';
import * as z from '../../shared/contracts/zod';
import { defineRoute } from '../../shared/http/route';

// The operator API: the operating company's registry of municipalities. Operators only, bound to
// no tenant, and nothing here returns patient data.
const operator = { service: 'tenants', plane: 'operator', auth: 'token', roles: ['operator'], tenant: 'none' } as const;
const refused = {
  401: { description: 'No valid token', schema: problemSchema },
  403: { description: 'Not an operator', schema: problemSchema },
};

export const opsListTenants = defineRoute({
  ...operator,
  id: 'opsListTenants',
  method: 'GET',
  path: '/ops/v1/tenants',
  handler: 'functions/tenants/handlers/list-tenants.ts',
  summary: 'All municipalities in the registry',
  responses: { 200: { description: 'Tenants', schema: tenantListSchema }, ...refused },
});

export const opsCreateTenant = defineRoute({
  ...operator,
  id: 'opsCreateTenant',
  method: 'POST',
  path: '/ops/v1/tenants',
  handler: 'functions/tenants/handlers/create-tenant.ts',
  summary: 'Provision a municipality (idempotent: a retry resumes an unfinished provisioning)',
  body: createTenantBodySchema,
  responses: {
    201: { description: 'Created and active', schema: createTenantResultSchema },
    200: { description: 'Already there (unchanged) or provisioning resumed to the end', schema: createTenantResultSchema },
    400: { description: 'Invalid input', schema: problemSchema },
    409: { description: 'The id is taken with other details, or the admin username is in use', schema: problemSchema },
    ...refused,
  },
});

export const opsGetTenant = defineRoute({
  ...operator,
  id: 'opsGetTenant',
  method: 'GET',
  path: '/ops/v1/tenants/{tenantId}',
  handler: 'functions/tenants/handlers/get-tenant.ts',
  summary: 'One municipality: status, key, units, settings, provisioning and offboarding steps',
  params: tenantPathSchema,
  responses: { 200: { description: 'Tenant', schema: tenantSchema }, 404: { description: 'Unknown', schema: problemSchema }, ...refused },
});

export const opsSuspendTenant = defineRoute({
  ...operator,
  id: 'opsSuspendTenant',
  method: 'POST',
  path: '/ops/v1/tenants/{tenantId}/suspend',
  handler: 'functions/tenants/handlers/suspend-tenant.ts',
  summary: 'Suspend a municipality: every data-plane request of it gets 403',
  params: tenantPathSchema,
  body: suspendTenantBodySchema,
  responses: { 200: { description: 'Suspended', schema: tenantSchema }, 404: { description: 'Unknown', schema: problemSchema }, 409: { description: 'Not active', schema: problemSchema }, ...refused },
});

export const opsResumeTenant = defineRoute({
  ...operator,
  id: 'opsResumeTenant',
  method: 'POST',
  path: '/ops/v1/tenants/{tenantId}/resume',
  handler: 'functions/tenants/handlers/resume-tenant.ts',
  summary: 'Open a suspended municipality again',
  params: tenantPathSchema,
  body: resumeTenantBodySchema,
  responses: { 200: { description: 'Active', schema: tenantSchema }, 404: { description: 'Unknown', schema: problemSchema }, 409: { description: 'Not suspended', schema: problemSchema }, ...refused },
});

export const opsOffboardTenant = defineRoute({
  ...operator,
  // Its own plane: the one function that may decrypt a whole journal, only into the export bucket.
  plane: 'export',
  id: 'opsOffboardTenant',
  method: 'POST',
  path: '/ops/v1/tenants/{tenantId}/offboard',
  handler: 'functions/tenants/handlers/offboard-tenant.ts',
  summary: 'Offboard: export every record (NDJSON), verify the count, then schedule the key for deletion after retention',
  params: tenantPathSchema,
  body: offboardTenantBodySchema,
  responses: {
    200: { description: 'Offboarded', schema: tenantSchema },
    404: { description: 'Unknown', schema: problemSchema },
    409: { description: 'Not offboardable, or the export did not hold every record (the key is kept)', schema: problemSchema },
    ...refused,
  },
});

export const opsDestroyDueKeys = defineRoute({
  ...operator,
  id: 'opsDestroyDueKeys',
  method: 'POST',
  path: '/ops/v1/key-deletions/run',
  handler: 'functions/tenants/handlers/destroy-due-keys.ts',
  summary: 'Destroy the keys of offboarded municipalities whose retention period has ended',
  responses: {
    200: { description: 'Keys acted on', schema: z.object({ items: z.array(z.object({ tenant: z.string(), state: z.string() })) }) },
    ...refused,
  },
});

export const tenantRoutes = [opsListTenants, opsCreateTenant, opsGetTenant, opsSuspendTenant, opsResumeTenant, opsOffboardTenant, opsDestroyDueKeys];
