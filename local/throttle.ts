import { DEFAULT_TENANT_PLANS, DEFAULT_VENDOR_PLAN, DEFAULT_WEB_PLAN, type TenantTier, type Throttle, type UsageBucket } from '../shared/auth/usage-plans';

/** The limits the local gateway meters with: the same tiers and vendor plan as the AWS usage plans. */
export interface LocalUsagePlans {
  tenantPlans: Record<TenantTier, Throttle>;
  vendorPlan: Throttle;
  web: Throttle;
}

/** The deployed defaults (infra/config.ts takes the same): what `npm start` meters with. */
export const LOCAL_USAGE_PLANS: LocalUsagePlans = { tenantPlans: DEFAULT_TENANT_PLANS, vendorPlan: DEFAULT_VENDOR_PLAN, web: DEFAULT_WEB_PLAN };

/** A bucket with its plan, as the gateway resolved it for one call. */
export interface MeteredBucket {
  bucket: UsageBucket;
  /** The plan's name in the RateLimit headers (`tenant-large`, `vendor`, `web`). */
  policy: string;
  throttle: Throttle;
}

export interface Decision {
  allowed: boolean;
  /** Requests left in the burst after this one. */
  remaining: number;
  /** Seconds until a request would be allowed again (0 when allowed). */
  retryAfter: number;
}

/** The key of a bucket in the limiter. */
export function bucketKey(bucket: UsageBucket): string {
  return bucket.kind === 'web' ? 'web' : bucket.kind === 'tenant' ? `t:${bucket.tenant}` : `v:${bucket.clientId}:${bucket.tenant}`;
}

/**
 * API Gateway's token bucket: `burstLimit` tokens, refilled at `rateLimit` per second; a request
 * takes one or is refused. `now` is passed in so tests need no clock.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  take(key: string, throttle: Throttle, now: number): Decision {
    const held = this.buckets.get(key) ?? { tokens: throttle.burstLimit, at: now };
    const tokens = Math.min(throttle.burstLimit, held.tokens + ((now - held.at) / 1000) * throttle.rateLimit);
    if (tokens >= 1) {
      this.buckets.set(key, { tokens: tokens - 1, at: now });
      return { allowed: true, remaining: Math.floor(tokens - 1), retryAfter: 0 };
    }
    this.buckets.set(key, { tokens, at: now });
    return { allowed: false, remaining: 0, retryAfter: Math.max(1, Math.ceil((1 - tokens) / throttle.rateLimit)) };
  }
}

/**
 * The rate-limit headers of a metered answer (draft-ietf-httpapi-ratelimit-headers): the policy as
 * the burst over the seconds it takes to refill, what is left and when, and Retry-After on a 429.
 */
export function rateLimitHeaders(metered: MeteredBucket, decision: Decision): Record<string, string> {
  const { rateLimit, burstLimit } = metered.throttle;
  const window = Math.max(1, Math.ceil(burstLimit / rateLimit));
  const reset = decision.allowed ? Math.ceil((burstLimit - decision.remaining) / rateLimit) : decision.retryAfter;
  return {
    'ratelimit-policy': `"${metered.policy}";q=${burstLimit};w=${window}`,
    ratelimit: `"${metered.policy}";r=${decision.remaining};t=${Math.max(0, reset)}`,
    ...(decision.allowed ? {} : { 'retry-after': String(decision.retryAfter) }),
  };
}
