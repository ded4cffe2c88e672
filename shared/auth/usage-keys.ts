import { createHash } from 'node:crypto';
import type { UsageBucket } from './usage-plans';

/**
 * API key values of usage buckets (shared/auth/usage-plans.ts): derived, so the authorizer names a
 * municipality's or a vendor's bucket without a look-up, and stable across deploys. Not secrets:
 * with API key source AUTHORIZER, API Gateway never takes a key value from a request.
 */

/** What keeps key values apart between accounts, stages and regions (not a secret). */
export function usageKeySeed(account: string, stage: string, region: string): string {
  return `${account}|${stage}|${region}`;
}

function digest(...parts: string[]): string {
  return createHash('sha256').update(['fellesjournal', ...parts].join('|')).digest('hex').slice(0, 32);
}

/** The API key value of a municipality's bucket (made at provisioning, named by the authorizer). */
export function tenantUsageKeyValue(seed: string, tenant: string): string {
  return `fj-t-${tenant}-${digest('tenant-usage', seed, tenant)}`;
}

/** The API key value of a vendor system's bucket in one municipality (made when the municipality grants it). */
export function vendorUsageKeyValue(seed: string, clientId: string, tenant: string): string {
  return `fj-v-${tenant}-${digest('vendor-usage', seed, clientId, tenant)}`;
}

/** The API key name of a bucket (names are for operators; the value is what meters). */
export function usageKeyName(bucket: Exclude<UsageBucket, { kind: 'web' }>): string {
  return bucket.kind === 'tenant' ? `tenant-${bucket.tenant}` : `vendor-${bucket.clientId}-${bucket.tenant}`;
}
