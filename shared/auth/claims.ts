import { z } from 'zod';
import { ROLES, type Caller } from './caller';

/**
 * Claim names. Person claims follow HelseID (`helseid://claims/...`); the tenant and roles are
 * ours, because a municipal tenant is chosen by the SaaS, not by HelseID.
 */
export const CLAIMS = {
  pid: 'helseid://claims/identity/pid',
  hpr: 'helseid://claims/hpr/hpr_number',
  securityLevel: 'helseid://claims/identity/security_level',
  orgnrParent: 'helseid://claims/client/claims/orgnr_parent',
  tenant: 'fellesjournal:tenant',
  roles: 'fellesjournal:roles',
  unit: 'fellesjournal:unit',
  profession: 'fellesjournal:profession',
} as const;

const claimsSchema = z.object({
  sub: z.string().min(1),
  exp: z.number(),
  name: z.string().optional(),
  scope: z.string().optional(),
  client_id: z.string().optional(),
  [CLAIMS.pid]: z.string().optional(),
  [CLAIMS.hpr]: z.string().optional(),
  [CLAIMS.tenant]: z.string().regex(/^\d{4}$/).optional(),
  [CLAIMS.roles]: z.array(z.enum(ROLES)).default([]),
  [CLAIMS.unit]: z.string().optional(),
  [CLAIMS.profession]: z.string().optional(),
});

/** Turns verified JWT claims into a Caller; returns undefined when the claims are not ours. */
export function callerFromClaims(claims: Record<string, unknown>): Caller | undefined {
  const parsed = claimsSchema.safeParse(claims);
  if (!parsed.success) return undefined;
  const c = parsed.data;
  const isClient = c.client_id !== undefined && c[CLAIMS.pid] === undefined;
  return {
    sub: c.sub,
    kind: isClient ? 'client' : 'person',
    roles: isClient && c[CLAIMS.roles].length === 0 ? ['vendor'] : c[CLAIMS.roles],
    scopes: (c.scope ?? '').split(' ').filter(Boolean),
    name: c.name,
    pid: c[CLAIMS.pid],
    hpr: c[CLAIMS.hpr],
    profession: c[CLAIMS.profession],
    tenant: c[CLAIMS.tenant],
    unit: c[CLAIMS.unit],
    clientId: c.client_id,
    expiresAt: c.exp,
  };
}
