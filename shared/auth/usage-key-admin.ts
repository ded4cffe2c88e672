import type { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { config } from '../config';
import { tenantUsageKeyValue, usageKeyName, vendorUsageKeyValue } from './usage-keys';
import type { TenantTier, UsageBucket } from './usage-plans';

/**
 * Environment of the functions that make usage buckets (infra/stacks/region-stack.ts sets them):
 * the seed of key values, and the usage plans by name as JSON `{ "<tier or plan>": "<usage plan name>" }`.
 */
export const USAGE_ENV = {
  keySeed: 'FJ_USAGE_KEY_SEED',
  tenantPlans: 'FJ_TENANT_USAGE_PLANS',
  vendorPlans: 'FJ_VENDOR_USAGE_PLANS',
} as const;

/** A metered bucket: a municipality in its tier's plan, or a vendor in one municipality in its vendor plan. */
export type BucketSpec = { bucket: Extract<UsageBucket, { kind: 'tenant' }>; tier: TenantTier } | { bucket: Extract<UsageBucket, { kind: 'vendor' }>; plan: string };

/**
 * Makes the API Gateway API key of a usage bucket, in its plan, once: a retry finds the key it made
 * (by name) and leaves it. AWS: API Gateway; locally nothing to make (the local gateway meters from
 * the registry's tier and the vendor plan directly).
 */
export interface UsageKeyAdmin {
  ensureBucket(spec: BucketSpec): Promise<{ apiKeyId: string }>;
}

export class LocalUsageKeyAdmin implements UsageKeyAdmin {
  async ensureBucket(spec: BucketSpec): Promise<{ apiKeyId: string }> {
    return { apiKeyId: `local:${usageKeyName(spec.bucket)}` };
  }
}

const apiGatewayModule = () => import('@aws-sdk/client-api-gateway');

export class AwsUsageKeyAdmin implements UsageKeyAdmin {
  private readonly planIds = new Map<string, string>();

  constructor(
    private readonly client: APIGatewayClient,
    private readonly seed: string,
    /** Tier or vendor plan -> usage plan name. */
    private readonly plans: { tenant: Record<string, string>; vendor: Record<string, string> },
  ) {}

  private async usagePlanId(name: string): Promise<string> {
    const cached = this.planIds.get(name);
    if (cached) return cached;
    const { GetUsagePlansCommand } = await apiGatewayModule();
    let position: string | undefined;
    do {
      const page = await this.client.send(new GetUsagePlansCommand({ position, limit: 500 }));
      const found = page.items?.find((p) => p.name === name);
      if (found?.id) {
        this.planIds.set(name, found.id);
        return found.id;
      }
      position = page.position;
    } while (position);
    throw new Error(`usage plan ${name} not found`);
  }

  async ensureBucket(spec: BucketSpec): Promise<{ apiKeyId: string }> {
    const planName = 'tier' in spec ? this.plans.tenant[spec.tier] : this.plans.vendor[spec.plan];
    if (!planName) throw new Error(`no usage plan for ${'tier' in spec ? `tier ${spec.tier}` : `vendor plan ${spec.plan}`}`);
    const b = spec.bucket;
    const value = b.kind === 'tenant' ? tenantUsageKeyValue(this.seed, b.tenant) : vendorUsageKeyValue(this.seed, b.clientId, b.tenant);
    const name = usageKeyName(b);
    const { CreateApiKeyCommand, CreateUsagePlanKeyCommand, GetApiKeysCommand } = await apiGatewayModule();
    const existing = (await this.client.send(new GetApiKeysCommand({ nameQuery: name, limit: 10 }))).items?.find((k) => k.name === name);
    const keyId = existing?.id ?? (await this.client.send(new CreateApiKeyCommand({ name, enabled: true, value, tags: { bucket: b.kind } }))).id;
    if (!keyId) throw new Error('API Gateway returned no key id');
    try {
      await this.client.send(new CreateUsagePlanKeyCommand({ usagePlanId: await this.usagePlanId(planName), keyId, keyType: 'API_KEY' }));
    } catch (error) {
      // Already in the plan (a retry): that is the state wanted.
      if ((error as Error).name !== 'ConflictException') throw error;
    }
    return { apiKeyId: keyId };
  }
}

let admin: UsageKeyAdmin | undefined;

/** The container's usage-key admin (API Gateway in AWS), made on first use. */
export async function usageKeyAdmin(): Promise<UsageKeyAdmin> {
  if (admin) return admin;
  const cfg = config();
  if (cfg.runtime !== 'aws') return (admin = new LocalUsageKeyAdmin());
  const seed = process.env[USAGE_ENV.keySeed];
  if (!seed) throw new Error(`${USAGE_ENV.keySeed} is required in AWS`);
  const parse = (name: string) => JSON.parse(process.env[name] ?? '{}') as Record<string, string>;
  const { APIGatewayClient } = await apiGatewayModule();
  admin = new AwsUsageKeyAdmin(new APIGatewayClient({ region: cfg.region }), seed, { tenant: parse(USAGE_ENV.tenantPlans), vendor: parse(USAGE_ENV.vendorPlans) });
  return admin;
}
