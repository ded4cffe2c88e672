import { createLocalJWKSet } from 'jose';
import { TENANT_TIERS, tierForPopulation, usageBucket, type TenantTier } from '../shared/auth/usage-plans';
import { makeTokenVerifier } from '../shared/auth/verify-token';
import { readTenantProfile } from '../shared/tenancy/tenant-profile';
import { tenantOfOrgnr } from '../shared/tenancy/tenant-store';
import { getPidIndexEntry } from '../shared/tenancy/user-store';
import type { LocalUsagePlans, MeteredBucket } from './throttle';
import type { LocalTokenIssuer } from './token-issuer';

/** How long the meter keeps a municipality's tier (it changes only when the operator changes it). */
const TIER_TTL_MS = 10_000;

/** The tier the registry records for a municipality (from its population when none is stored). */
function tierOf(profile: Record<string, unknown> | undefined): TenantTier {
  const tier = profile?.tier;
  if (typeof tier === 'string' && (TENANT_TIERS as readonly string[]).includes(tier)) return tier as TenantTier;
  return tierForPopulation(typeof profile?.population === 'number' ? profile.population : undefined);
}

/**
 * The local stand-in for the authorizer's usage-key choice: verifies the token as the authorizer
 * does and puts the call in the same bucket (shared/auth/usage-plans.ts), with the limits of the
 * municipality's tier or the vendor plan. Undefined for a call without a valid token: the handler
 * refuses that one, and API Gateway meters no unauthenticated call either.
 */
export function localUsageMeter(issuer: LocalTokenIssuer, plans: LocalUsagePlans): (authorization: string | undefined) => Promise<MeteredBucket | undefined> {
  const verify = makeTokenVerifier({ issuer: issuer.issuer, jwks: createLocalJWKSet(issuer.jwks()), audience: issuer.audience });
  const tiers = new Map<string, { tier: TenantTier; until: number }>();
  const tenantTier = async (tenant: string): Promise<TenantTier> => {
    const hit = tiers.get(tenant);
    if (hit && hit.until > Date.now()) return hit.tier;
    const tier = tierOf(await readTenantProfile(tenant));
    tiers.set(tenant, { tier, until: Date.now() + TIER_TTL_MS });
    return tier;
  };
  return async (authorization) => {
    let identity;
    try {
      identity = await verify(authorization);
    } catch {
      return undefined;
    }
    const bucket = await usageBucket(identity, { tenantOfPid: async (pid) => (await getPidIndexEntry(pid))?.tenant, tenantOfOrgnr });
    if (bucket.kind === 'web') return { bucket, policy: 'web', throttle: plans.web };
    if (bucket.kind === 'vendor') return { bucket, policy: 'vendor', throttle: plans.vendorPlan };
    const tier = await tenantTier(bucket.tenant);
    return { bucket, policy: `tenant-${tier}`, throttle: plans.tenantPlans[tier] };
  };
}
