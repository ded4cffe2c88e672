// @ts-nocheck
import { createHash } from 'node:crypto';

/** Environment variables of the authorizer beyond shared/config/env-names.ts (it is infra's own function). */
export const AUTHORIZER_ENV = {
  /** The usage-plan key value every person (web client) is metered under. */
  webUsageKey: 'FJ_WEB_USAGE_KEY',
} as const;

/**
 * The API key value of the web plan. The API's key source is AUTHORIZER, so API Gateway never
 * accepts a key from a request header: a key value is only the name of a usage-plan bucket that
 * the authorizer picks, never a credential. Derived, so it is stable across synths and differs
 * per account, stage and region.
 */
export function webUsageKeyValue(account: string, stage: string, region: string): string {
  const digest = createHash('sha256').update(`fellesjournal|web-usage|${account}|${stage}|${region}`).digest('hex');
  return `fj-web-${stage}-${digest.slice(0, 32)}`;
}

/**
 * The attributes of a vendor client's registry entry (control table, `VENDOR#<clientId>` /
 * `PROFILE`) the authorizer reads. Its IAM policy allows exactly these (and the key), nothing else
 * of the registry.
 */
export const VENDOR_ATTRIBUTES = ['status', 'apiKeyHash'] as const;
