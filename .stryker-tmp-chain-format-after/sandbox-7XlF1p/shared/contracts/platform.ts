// @ts-nocheck
import * as z from './zod';
import { ROLES } from '../auth/caller';

export const healthSchema = z.object({ status: z.literal('ok'), time: z.string() });

export const meSchema = z.object({
  sub: z.string(),
  kind: z.enum(['person', 'client']),
  name: z.optional(z.string()),
  hpr: z.optional(z.string()),
  profession: z.optional(z.string()),
  tenant: z.optional(z.string()),
  unit: z.optional(z.string()),
  roles: z.array(z.enum(ROLES)),
  scopes: z.array(z.string()),
  expiresAt: z.number(),
});

export const unitSchema = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(['hjemmetjeneste', 'sykehjem', 'helsestasjon', 'legekontor', 'legevakt', 'fysioterapi', 'annet']),
});

export const ownTenantSchema = z.object({
  id: z.string(),
  name: z.string(),
  status: z.string(),
  units: z.array(unitSchema),
});
