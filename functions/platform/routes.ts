import { defineRoute } from '../../shared/http/route';
import { problemSchema } from '../../shared/contracts/common';
import { healthSchema, meSchema, ownTenantSchema } from '../../shared/contracts/platform';

export const health = defineRoute({
  id: 'health',
  method: 'GET',
  path: '/health',
  handler: 'functions/platform/handlers/health.ts',
  service: 'platform',
  plane: 'data',
  summary: 'Liveness check',
  auth: 'public',
  tenant: 'none',
  responses: { 200: { description: 'Up', schema: healthSchema } },
});

export const openapi = defineRoute({
  id: 'openapi',
  method: 'GET',
  path: '/openapi.json',
  handler: 'functions/platform/handlers/openapi.ts',
  service: 'platform',
  plane: 'data',
  summary: 'This API described as OpenAPI 3.1, generated from the route table',
  auth: 'public',
  tenant: 'none',
  responses: { 200: { description: 'OpenAPI document' } },
});

export const getMe = defineRoute({
  id: 'getMe',
  method: 'GET',
  path: '/v1/me',
  handler: 'functions/platform/handlers/get-me.ts',
  service: 'platform',
  plane: 'data',
  summary: 'The verified identity behind the token',
  auth: 'token',
  tenant: 'none',
  scopes: [],
  responses: { 200: { description: 'Caller', schema: meSchema }, 401: { description: 'No valid token', schema: problemSchema } },
});

export const getOwnTenant = defineRoute({
  id: 'getOwnTenant',
  method: 'GET',
  path: '/v1/tenant',
  handler: 'functions/platform/handlers/get-own-tenant.ts',
  service: 'platform',
  plane: 'data',
  summary: "The caller's municipality and its units",
  auth: 'token',
  roles: ['clinician', 'tenant-admin', 'auditor'],
  tenant: 'caller',
  responses: {
    200: { description: 'Tenant', schema: ownTenantSchema },
    403: { description: 'Suspended or unknown tenant', schema: problemSchema },
  },
});

export const platformRoutes = [health, openapi, getMe, getOwnTenant];
