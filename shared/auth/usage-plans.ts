import { isVendorClientId, type VerifiedIdentity } from './caller';

/**
 * Per-municipality throttling (issue 19 point 2). Every call with a token is metered in one usage
 * bucket: a person's in their municipality's (its size tier's plan), a vendor system's in its own
 * bucket per municipality, everyone else (citizens, operators) in the shared web bucket. In AWS a
 * bucket is an API Gateway API key in a usage plan, named by the authorizer (API key source
 * AUTHORIZER: a key value is the name of a bucket, never a credential); locally the gateway keeps
 * the same buckets with the same limits. docs/operations/capacity.md derives the numbers.
 */

/** Size tiers of municipalities, by inhabitants. */
export const TENANT_TIERS = ['small', 'medium', 'large', 'xlarge'] as const;
export type TenantTier = (typeof TENANT_TIERS)[number];

/** The largest population of each tier (inclusive); above `large` is `xlarge`. */
export const TIER_MAX_POPULATION: Record<Exclude<TenantTier, 'xlarge'>, number> = { small: 10_000, medium: 50_000, large: 200_000 };

/** The tier of a municipality of `population` inhabitants; `medium` when the operator gave none. */
export function tierForPopulation(population: number | undefined): TenantTier {
  if (population === undefined) return 'medium';
  if (population <= TIER_MAX_POPULATION.small) return 'small';
  if (population <= TIER_MAX_POPULATION.medium) return 'medium';
  if (population <= TIER_MAX_POPULATION.large) return 'large';
  return 'xlarge';
}

export interface Throttle {
  /** Steady-state requests per second. */
  rateLimit: number;
  burstLimit: number;
}

/**
 * Default limits per tier: about 1.5× the peak of the tier's largest municipality in the load model
 * (docs/operations/capacity.md), so a municipality at its own peak is never throttled and a runaway
 * client of one municipality cannot take the region's capacity from the others.
 */
export const DEFAULT_TENANT_PLANS: Record<TenantTier, Throttle> = {
  small: { rateLimit: 6, burstLimit: 20 },
  medium: { rateLimit: 30, burstLimit: 60 },
  large: { rateLimit: 110, burstLimit: 220 },
  xlarge: { rateLimit: 400, burstLimit: 800 },
};

/** Default limits of the shared web bucket: citizens and operators, who belong to no municipality's bucket. */
export const DEFAULT_WEB_PLAN: Throttle = { rateLimit: 100, burstLimit: 200 };

/** Default limits of one vendor system in one municipality (the `standard` vendor plan). */
export const DEFAULT_VENDOR_PLAN: Throttle = { rateLimit: 10, burstLimit: 20 };

/** The bucket a call is metered in. */
export type UsageBucket = { kind: 'tenant'; tenant: string } | { kind: 'vendor'; clientId: string; tenant: string } | { kind: 'web' };

/** Registry look-ups the bucket needs (the authorizer and the local gateway each bring theirs). */
export interface UsageLookups {
  /** The municipality of the registered person with this pid, if any. */
  tenantOfPid(pid: string): Promise<string | undefined>;
  /** The municipality registered with this organisasjonsnummer, if any. */
  tenantOfOrgnr(orgnr: string): Promise<string | undefined>;
}

/**
 * The bucket of a verified caller: a vendor system as itself, in the municipality its token's orgnr
 * names; a person through a vendor system, the vendor's bucket in the person's municipality; a
 * registered person, their municipality's; anyone else (citizens, operators), the web bucket. A
 * vendor call whose municipality is unknown goes to the web bucket: the handlers refuse it anyway.
 */
export async function usageBucket(identity: VerifiedIdentity, lookups: UsageLookups): Promise<UsageBucket> {
  if (identity.kind === 'client') {
    const tenant = identity.orgnr ? await lookups.tenantOfOrgnr(identity.orgnr) : undefined;
    return tenant && identity.clientId ? { kind: 'vendor', clientId: identity.clientId, tenant } : { kind: 'web' };
  }
  const tenant = identity.pid ? await lookups.tenantOfPid(identity.pid) : undefined;
  if (!tenant) return { kind: 'web' };
  return isVendorClientId(identity.clientId) ? { kind: 'vendor', clientId: identity.clientId, tenant } : { kind: 'tenant', tenant };
}
