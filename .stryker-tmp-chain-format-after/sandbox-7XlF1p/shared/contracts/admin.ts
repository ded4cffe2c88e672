// @ts-nocheck
import * as z from './zod';
import { nationalIdSchema } from './identifiers';
import { paginationQuerySchema, trimmedString } from './common';
import { newUnitSchema, unitIdSchema, unitKindSchema, usernameSchema } from './tenants';

/** The roles a tenant admin may give; operator, citizen and vendor are never assignable here. */
export const ADMIN_ASSIGNABLE_ROLES = ['clinician', 'tenant-admin', 'auditor', 'journal-responsible'] as const;
export const assignableRoleSchema = z.enum(ADMIN_ASSIGNABLE_ROLES);

export const adminUserSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    roles: z.array(z.string()),
    tenant: z.string(),
    unit: z.optional(z.string()),
    hpr: z.optional(z.string()),
    profession: z.optional(z.string()),
    status: z.enum(['active', 'disabled']),
  })
  .register(z.globalRegistry, { id: 'TenantUser' });
export type AdminUserView = z.infer<typeof adminUserSchema>;

export const adminUserListSchema = z.object({ items: z.array(adminUserSchema), nextCursor: z.optional(z.string()) });

export const createUserBodySchema = z.object({
  id: usernameSchema,
  name: trimmedString(2, 200),
  roles: z.array(assignableRoleSchema).check(z.minLength(1), z.maxLength(3)),
  unit: z.optional(unitIdSchema),
  hpr: z.optional(z.string().check(z.regex(/^\d{6,9}$/, 'HPR-nummer: 6–9 sifre'))),
  profession: z.optional(trimmedString(2, 80)),
  pid: z.optional(nationalIdSchema),
});
export type CreateUserBody = z.infer<typeof createUserBodySchema>;

export const updateUserBodySchema = z
  .object({
    name: z.optional(trimmedString(2, 200)),
    roles: z.optional(z.array(assignableRoleSchema).check(z.minLength(1), z.maxLength(3))),
    unit: z.optional(z.nullable(unitIdSchema)),
    hpr: z.optional(z.string().check(z.regex(/^\d{6,9}$/))),
    profession: z.optional(trimmedString(2, 80)),
    status: z.optional(z.enum(['active', 'disabled'])),
    /** The person's fødselsnummer, for a user registered without one (it cannot be changed). */
    pid: z.optional(nationalIdSchema),
  })
  .check(z.refine((b) => Object.values(b).some((v) => v !== undefined), { message: 'Ingen endringer' }));
export type UpdateUserBody = z.infer<typeof updateUserBodySchema>;

export const userPathSchema = z.object({ userId: usernameSchema });
export const listUsersQuerySchema = paginationQuerySchema;

export const adminUnitSchema = z.object({
  id: z.string(),
  name: z.string(),
  kind: unitKindSchema,
  status: z.optional(z.enum(['active', 'closed'])),
});
export const adminUnitListSchema = z.object({ items: z.array(adminUnitSchema) });

export const createUnitBodySchema = newUnitSchema;
export const updateUnitBodySchema = z
  .object({
    name: z.optional(trimmedString(2, 120)),
    kind: z.optional(unitKindSchema),
    status: z.optional(z.enum(['active', 'closed'])),
  })
  .check(z.refine((b) => Object.values(b).some((v) => v !== undefined), { message: 'Ingen endringer' }));
export const unitPathSchema = z.object({ unitId: unitIdSchema });
