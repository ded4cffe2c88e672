// @ts-nocheck
import { defineService } from '../../shared/http/service';
import { healthSchema, meSchema, ownTenantSchema } from '../../shared/contracts/platform';

const platform = defineService({ service: 'platform' });

export const health = platform.route({
  id: 'health',
  method: 'GET',
  path: '/health',
  handler: 'functions/platform/handlers/health.ts',
  plane: 'data',
  summary: 'Liveness check',
  auth: 'public',
  tenant: 'none',
  responses: { 200: { description: 'Up', schema: healthSchema } },
});

export const openapi = platform.route({
  id: 'openapi',
  method: 'GET',
  path: '/openapi.json',
  handler: 'functions/platform/handlers/openapi.ts',
  plane: 'data',
  summary: 'This API described as OpenAPI 3.1, generated from the route table',
  auth: 'public',
  tenant: 'none',
  responses: { 200: { description: 'OpenAPI document' } },
});

export const getMe = platform.route({
  id: 'getMe',
  method: 'GET',
  path: '/v1/me',
  handler: 'functions/platform/handlers/get-me.ts',
  plane: 'data',
  summary: 'The verified identity behind the token',
  auth: 'token',
  tenant: 'none',
  scopes: [],
  responses: { 200: { description: 'Caller', schema: meSchema } },
});

export const getOwnTenant = platform.route({
  id: 'getOwnTenant',
  method: 'GET',
  path: '/v1/tenant',
  handler: 'functions/platform/handlers/get-own-tenant.ts',
  plane: 'data',
  summary: "The caller's municipality and its units",
  auth: 'token',
  roles: ['clinician', 'tenant-admin', 'auditor'],
  tenant: 'caller',
  responses: {
    200: { description: 'Tenant', schema: ownTenantSchema },
    403: { description: 'Role not allowed, or the tenant is suspended or unknown' },
  },
});

export const platformRoutes = [health, openapi, getMe, getOwnTenant];
