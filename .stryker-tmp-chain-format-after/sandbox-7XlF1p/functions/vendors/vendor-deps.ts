// @ts-nocheck
import { config } from '../../shared/config';
import { apiGatewayModule, AwsApiKeyAdmin, LocalApiKeyAdmin, type ApiKeyAdmin } from './api-key-admin';
import type { VendorServiceDeps } from './vendor-service';

/**
 * The vendor usage plans infra made, as JSON `{ "<plan>": "<usage plan name>" }`
 * (infra/stacks/region-stack.ts VENDOR_PLANS_ENV; to move into shared/config ENV).
 */
export const VENDOR_PLANS_ENV = 'FJ_VENDOR_USAGE_PLANS';

let apiKeys: ApiKeyAdmin | undefined;

async function apiKeyAdmin(): Promise<ApiKeyAdmin> {
  if (apiKeys) return apiKeys;
  const cfg = config();
  if (cfg.runtime === 'aws') {
    const plans = JSON.parse(process.env[VENDOR_PLANS_ENV] ?? '{}') as Record<string, string>;
    if (Object.keys(plans).length === 0) throw new Error(`${VENDOR_PLANS_ENV} is required in AWS`);
    apiKeys = new AwsApiKeyAdmin(new (await apiGatewayModule()).APIGatewayClient({ region: cfg.region }), plans);
  } else {
    apiKeys = new LocalApiKeyAdmin();
  }
  return apiKeys;
}

/** The container's vendor-service dependencies, resolved on first use. */
export function defaultVendorDeps(): VendorServiceDeps {
  return {
    apiKeys: {
      createKey: async (id, name, plan) => (await apiKeyAdmin()).createKey(id, name, plan),
      setEnabled: async (id, enabled) => (await apiKeyAdmin()).setEnabled(id, enabled),
      deleteKey: async (id) => (await apiKeyAdmin()).deleteKey(id),
    },
    now: () => new Date(),
  };
}
