import { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { config } from '../../shared/config';
import { AwsApiKeyAdmin, LocalApiKeyAdmin, type ApiKeyAdmin } from './api-key-admin';
import type { VendorServiceDeps } from './vendor-service';

/** The usage plan vendor API keys join; set by infra. (To move into shared/config ENV.) */
export const VENDOR_USAGE_PLAN_ENV = 'FJ_VENDOR_USAGE_PLAN_ID';

let apiKeys: ApiKeyAdmin | undefined;

function apiKeyAdmin(): ApiKeyAdmin {
  if (apiKeys) return apiKeys;
  const cfg = config();
  if (cfg.runtime === 'aws') {
    const plan = process.env[VENDOR_USAGE_PLAN_ENV];
    if (!plan) throw new Error(`${VENDOR_USAGE_PLAN_ENV} is required in AWS`);
    apiKeys = new AwsApiKeyAdmin(new APIGatewayClient({ region: cfg.region }), plan);
  } else {
    apiKeys = new LocalApiKeyAdmin();
  }
  return apiKeys;
}

/** The container's vendor-service dependencies, resolved on first use. */
export function defaultVendorDeps(): VendorServiceDeps {
  return {
    apiKeys: {
      createKey: (id, name) => apiKeyAdmin().createKey(id, name),
      setEnabled: (id, enabled) => apiKeyAdmin().setEnabled(id, enabled),
      deleteKey: (id) => apiKeyAdmin().deleteKey(id),
    },
    now: () => new Date(),
  };
}
