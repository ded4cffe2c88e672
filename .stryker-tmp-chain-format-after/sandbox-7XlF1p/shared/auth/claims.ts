// @ts-nocheck
import * as z from '../contracts/zod';
import type { VerifiedIdentity } from './caller';

/**
 * Claim names, as HelseID issues them. There are no claims of our own: what a person may do
 * (municipality, unit, roles, profession, status) comes from the registry (shared/tenancy/tenant-access.ts),
 * never from the token.
 */
export const CLAIMS = {
  pid: 'helseid://claims/identity/pid',
  hpr: 'helseid://claims/hpr/hpr_number',
  securityLevel: 'helseid://claims/identity/security_level',
  assuranceLevel: 'helseid://claims/identity/assurance_level',
  orgnrParent: 'helseid://claims/client/claims/orgnr_parent',
  orgnrChild: 'helseid://claims/client/claims/orgnr_child',
} as const;

const claimsSchema = z.object({
  sub: z.string().check(z.minLength(1)),
  exp: z.number(),
  name: z.optional(z.string()),
  scope: z.optional(z.string()),
  client_id: z.optional(z.string()),
  [CLAIMS.pid]: z.optional(z.string().check(z.regex(/^\d{11}$/))),
  [CLAIMS.hpr]: z.optional(z.string()),
  [CLAIMS.securityLevel]: z.optional(z.string()),
  [CLAIMS.assuranceLevel]: z.optional(z.string()),
  [CLAIMS.orgnrParent]: z.optional(z.string()),
  [CLAIMS.orgnrChild]: z.optional(z.string()),
});

/**
 * The verified identity in a token's claims, or undefined when they are not a HelseID shape. A
 * token with a `pid` is a person (whatever client it came through); one with only `client_id` is
 * a client acting as itself. Any other claim (including a `fellesjournal:*` one) is ignored.
 */
export function identityFromClaims(claims: Record<string, unknown>): VerifiedIdentity | undefined {
  const parsed = claimsSchema.safeParse(claims);
  if (!parsed.success) return undefined;
  const c = parsed.data;
  const pid = c[CLAIMS.pid];
  if (pid === undefined && c.client_id === undefined) return undefined;
  return {
    sub: c.sub,
    kind: pid === undefined ? 'client' : 'person',
    scopes: (c.scope ?? '').split(' ').filter(Boolean),
    name: c.name,
    pid,
    hpr: c[CLAIMS.hpr],
    securityLevel: c[CLAIMS.securityLevel],
    assuranceLevel: c[CLAIMS.assuranceLevel],
    orgnr: c[CLAIMS.orgnrChild] ?? c[CLAIMS.orgnrParent],
    clientId: c.client_id,
    expiresAt: c.exp,
  };
}
