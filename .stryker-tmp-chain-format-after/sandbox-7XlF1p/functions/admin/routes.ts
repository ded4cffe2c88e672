// @ts-nocheck
import * as z from '../../shared/contracts/zod';
import {
  adminUnitListSchema,
  adminUnitSchema,
  adminUserListSchema,
  adminUserSchema,
  createUnitBodySchema,
  createUserBodySchema,
  listUsersQuerySchema,
  unitPathSchema,
  updateUnitBodySchema,
  updateUserBodySchema,
  userPathSchema,
} from '../../shared/contracts/admin';
import { defineService } from '../../shared/http/service';

// Tenant admins manage the people and units of their own municipality (the tenant comes from their token).
const adminService = defineService({ service: 'admin', problems: { 403: 'Not a tenant admin, or the municipality is suspended', 404: 'No such user here' } });
const admin = { plane: 'admin', auth: 'token', roles: ['tenant-admin'], tenant: 'caller' } as const;

export const adminListUsers = adminService.route({
  ...admin,
  id: 'adminListUsers',
  method: 'GET',
  path: '/v1/admin/users',
  handler: 'functions/admin/handlers/list-users.ts',
  summary: "The municipality's users",
  query: listUsersQuerySchema,
  responses: { 200: { description: 'Users', schema: adminUserListSchema } },
});

export const adminCreateUser = adminService.route({
  ...admin,
  id: 'adminCreateUser',
  method: 'POST',
  path: '/v1/admin/users',
  handler: 'functions/admin/handlers/create-user.ts',
  summary: 'Add a user (roles clinician, tenant-admin, auditor)',
  body: createUserBodySchema,
  responses: {
    201: { description: 'Created', schema: adminUserSchema },
    409: { description: 'Username taken' },
  },
});

export const adminGetUser = adminService.route({
  ...admin,
  id: 'adminGetUser',
  method: 'GET',
  path: '/v1/admin/users/{userId}',
  handler: 'functions/admin/handlers/get-user.ts',
  summary: 'One user of the municipality',
  params: userPathSchema,
  problems: [404],
  responses: { 200: { description: 'User', schema: adminUserSchema } },
});

export const adminUpdateUser = adminService.route({
  ...admin,
  id: 'adminUpdateUser',
  method: 'PATCH',
  path: '/v1/admin/users/{userId}',
  handler: 'functions/admin/handlers/update-user.ts',
  summary: 'Change roles, unit or name; disable or enable the user',
  params: userPathSchema,
  body: updateUserBodySchema,
  problems: [404],
  responses: {
    200: { description: 'Changed', schema: adminUserSchema },
    409: { description: 'Changed concurrently, or would lock the admin out' },
  },
});

export const adminListUnits = adminService.route({
  ...admin,
  id: 'adminListUnits',
  method: 'GET',
  path: '/v1/admin/units',
  handler: 'functions/admin/handlers/list-units.ts',
  summary: "The municipality's units (enheter)",
  responses: { 200: { description: 'Units', schema: adminUnitListSchema } },
});

export const adminCreateUnit = adminService.route({
  ...admin,
  id: 'adminCreateUnit',
  method: 'POST',
  path: '/v1/admin/units',
  handler: 'functions/admin/handlers/create-unit.ts',
  summary: 'Add a unit',
  body: createUnitBodySchema,
  responses: { 201: { description: 'Created', schema: adminUnitSchema }, 409: { description: 'Id taken' } },
});

export const adminUpdateUnit = adminService.route({
  ...admin,
  id: 'adminUpdateUnit',
  method: 'PATCH',
  path: '/v1/admin/units/{unitId}',
  handler: 'functions/admin/handlers/update-unit.ts',
  summary: 'Rename, re-kind, close or reopen a unit',
  params: unitPathSchema,
  body: updateUnitBodySchema,
  responses: { 200: { description: 'Changed', schema: adminUnitSchema }, 404: { description: 'No such unit' } },
});

export const listOwnUnits = adminService.route({
  id: 'listOwnUnits',
  method: 'GET',
  path: '/v1/units',
  handler: 'functions/admin/handlers/list-own-units.ts',
  // Read by personnel and vendor systems in their work: the data plane, not the admins' control plane.
  plane: 'data',
  summary: "The municipality's units, for personnel and for vendor systems that record which unit acted",
  auth: 'token',
  roles: ['clinician', 'tenant-admin', 'auditor', 'vendor'],
  scopes: ['journal.read'],
  tenant: 'caller',
  responses: { 200: { description: 'Units', schema: z.object({ items: z.array(adminUnitSchema) }) }, 403: { description: 'Role not allowed, or the municipality is suspended' } },
});

export const adminRoutes = [adminListUsers, adminCreateUser, adminGetUser, adminUpdateUser, adminListUnits, adminCreateUnit, adminUpdateUnit, listOwnUnits];
