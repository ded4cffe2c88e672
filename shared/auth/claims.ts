import * as z from '../contracts/zod';
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
  sub: z.string().check(z.minLength(1)),
  exp: z.number(),
  name: z.optional(z.string()),
  scope: z.optional(z.string()),
  client_id: z.optional(z.string()),
  [CLAIMS.pid]: z.optional(z.string()),
  [CLAIMS.hpr]: z.optional(z.string()),
  [CLAIMS.tenant]: z.optional(z.string().check(z.regex(/^\d{4}$/))),
  [CLAIMS.roles]: z._default(z.array(z.enum(ROLES)), []),
  [CLAIMS.unit]: z.optional(z.string()),
  [CLAIMS.profession]: z.optional(z.string()),
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
