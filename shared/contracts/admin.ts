import { z } from 'zod';
import { nationalIdSchema } from './identifiers';
import { paginationQuerySchema } from './common';
import { newUnitSchema, unitIdSchema, unitKindSchema, usernameSchema } from './tenants';

/** The roles a tenant admin may give; operator, citizen and vendor are never assignable here. */
export const ADMIN_ASSIGNABLE_ROLES = ['clinician', 'tenant-admin', 'auditor'] as const;
export const assignableRoleSchema = z.enum(ADMIN_ASSIGNABLE_ROLES);

export const adminUserSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    roles: z.array(z.string()),
    tenant: z.string(),
    unit: z.string().optional(),
    hpr: z.string().optional(),
    profession: z.string().optional(),
    status: z.enum(['active', 'disabled']),
  })
  .meta({ id: 'TenantUser' });
export type AdminUserView = z.infer<typeof adminUserSchema>;

export const adminUserListSchema = z.object({ items: z.array(adminUserSchema), nextCursor: z.string().optional() });

export const createUserBodySchema = z.object({
  id: usernameSchema,
  name: z.string().trim().min(2).max(200),
  roles: z.array(assignableRoleSchema).min(1).max(3),
  unit: unitIdSchema.optional(),
  hpr: z.string().regex(/^\d{6,9}$/, 'HPR-nummer: 6–9 sifre').optional(),
  profession: z.string().trim().min(2).max(80).optional(),
  pid: nationalIdSchema.optional(),
});
export type CreateUserBody = z.infer<typeof createUserBodySchema>;

export const updateUserBodySchema = z
  .object({
    name: z.string().trim().min(2).max(200).optional(),
    roles: z.array(assignableRoleSchema).min(1).max(3).optional(),
    unit: unitIdSchema.nullable().optional(),
    hpr: z.string().regex(/^\d{6,9}$/).optional(),
    profession: z.string().trim().min(2).max(80).optional(),
    status: z.enum(['active', 'disabled']).optional(),
  })
  .refine((b) => Object.values(b).some((v) => v !== undefined), { message: 'Ingen endringer' });
export type UpdateUserBody = z.infer<typeof updateUserBodySchema>;

export const userPathSchema = z.object({ userId: usernameSchema });
export const listUsersQuerySchema = paginationQuerySchema;

export const adminUnitSchema = z.object({
  id: z.string(),
  name: z.string(),
  kind: unitKindSchema,
  status: z.enum(['active', 'closed']).optional(),
});
export const adminUnitListSchema = z.object({ items: z.array(adminUnitSchema) });

export const createUnitBodySchema = newUnitSchema;
export const updateUnitBodySchema = z
  .object({
    name: z.string().trim().min(2).max(120).optional(),
    kind: unitKindSchema.optional(),
    status: z.enum(['active', 'closed']).optional(),
  })
  .refine((b) => Object.values(b).some((v) => v !== undefined), { message: 'Ingen endringer' });
export const unitPathSchema = z.object({ unitId: unitIdSchema });
