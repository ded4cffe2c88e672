import {
  createTenantBodySchema,
  createTenantResultSchema,
  offboardJobPathSchema,
  offboardJobSchema,
  offboardTenantBodySchema,
  resumeTenantBodySchema,
  suspendTenantBodySchema,
  tenantListSchema,
  tenantPathSchema,
  tenantSchema,
} from '../../shared/contracts/tenants';
import * as z from '../../shared/contracts/zod';
import { defineService } from '../../shared/http/service';

// The operator API: the operating company's registry of municipalities. Operators only, bound to
// no tenant, and nothing here returns patient data.
const tenants = defineService({ service: 'tenants', problems: { 403: 'Not an operator', 404: 'Unknown' } });
const operator = { plane: 'operator', auth: 'token', roles: ['operator'], tenant: 'none' } as const;

export const opsListTenants = tenants.route({
  ...operator,
  id: 'opsListTenants',
  method: 'GET',
  path: '/ops/v1/tenants',
  handler: 'functions/tenants/handlers/list-tenants.ts',
  summary: 'All municipalities in the registry',
  responses: { 200: { description: 'Tenants', schema: tenantListSchema } },
});

export const opsCreateTenant = tenants.route({
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
    409: { description: 'The id is taken with other details, or the admin username is in use' },
  },
});

export const opsGetTenant = tenants.route({
  ...operator,
  id: 'opsGetTenant',
  method: 'GET',
  path: '/ops/v1/tenants/{tenantId}',
  handler: 'functions/tenants/handlers/get-tenant.ts',
  summary: 'One municipality: status, key, units, settings, provisioning and offboarding steps',
  params: tenantPathSchema,
  problems: [404],
  responses: { 200: { description: 'Tenant', schema: tenantSchema } },
});

export const opsSuspendTenant = tenants.route({
  ...operator,
  id: 'opsSuspendTenant',
  method: 'POST',
  path: '/ops/v1/tenants/{tenantId}/suspend',
  handler: 'functions/tenants/handlers/suspend-tenant.ts',
  summary: 'Suspend a municipality: every data-plane request of it gets 403',
  params: tenantPathSchema,
  body: suspendTenantBodySchema,
  problems: [404],
  responses: { 200: { description: 'Suspended', schema: tenantSchema }, 409: { description: 'Not active' } },
});

export const opsResumeTenant = tenants.route({
  ...operator,
  id: 'opsResumeTenant',
  method: 'POST',
  path: '/ops/v1/tenants/{tenantId}/resume',
  handler: 'functions/tenants/handlers/resume-tenant.ts',
  summary: 'Open a suspended municipality again',
  params: tenantPathSchema,
  body: resumeTenantBodySchema,
  problems: [404],
  responses: { 200: { description: 'Active', schema: tenantSchema }, 409: { description: 'Not suspended' } },
});

export const opsOffboardTenant = tenants.route({
  ...operator,
  // Its own plane: the one function that may decrypt a whole journal, only into the export bucket.
  plane: 'export',
  id: 'opsOffboardTenant',
  method: 'POST',
  path: '/ops/v1/tenants/{tenantId}/offboard',
  handler: 'functions/tenants/handlers/offboard-tenant.ts',
  summary: 'Offboard: close the municipality and start the offboarding job (paged export, count and verify, key deletion after retention); asking again resumes a failed job',
  params: tenantPathSchema,
  body: offboardTenantBodySchema,
  problems: [404],
  responses: {
    202: { description: 'The job, started or resumed (follow it at the Location)', schema: offboardJobSchema },
    200: { description: 'Already offboarded: the finished job', schema: offboardJobSchema },
    409: { description: 'Not offboardable (still being provisioned)' },
  },
});

export const opsGetOffboardJob = tenants.route({
  ...operator,
  id: 'opsGetOffboardJob',
  method: 'GET',
  path: '/ops/v1/offboarding-jobs/{jobId}',
  handler: 'functions/tenants/handlers/get-offboard-job.ts',
  summary: 'An offboarding job: state, the step it is at, export pages and records so far, the count, the key deletion',
  params: offboardJobPathSchema,
  problems: [404],
  responses: { 200: { description: 'Job', schema: offboardJobSchema } },
});

export const opsDestroyDueKeys = tenants.route({
  ...operator,
  // The end of the offboarding flow, in its function: its role is the one the tenant keys' policy
  // lets schedule their deletion (shared/crypto/key-policy.ts); the operator plane cannot.
  plane: 'export',
  id: 'opsDestroyDueKeys',
  method: 'POST',
  path: '/ops/v1/key-deletions/run',
  handler: 'functions/tenants/handlers/destroy-due-keys.ts',
  summary: 'Destroy the keys of offboarded municipalities whose retention period has ended',
  responses: {
    200: { description: 'Keys acted on', schema: z.object({ items: z.array(z.object({ tenant: z.string(), state: z.string() })) }) },
  },
});

export const tenantRoutes = [opsListTenants, opsCreateTenant, opsGetTenant, opsSuspendTenant, opsResumeTenant, opsOffboardTenant, opsGetOffboardJob, opsDestroyDueKeys];
