// @ts-nocheck
import { randomBytes } from 'node:crypto';
import type { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { ValidationError } from '../../shared/errors';

/** The API Gateway client is loaded on first use: only vendor key changes in AWS need it (~90 ms of init). */
export const apiGatewayModule = () => import('@aws-sdk/client-api-gateway');

export interface IssuedApiKey {
  apiKeyId: string;
  /** The key itself; handed to the vendor once and not stored by us (only its SHA-256). */
  value: string;
  /** The usage plan's name (e.g. `standard`) and, in AWS, its id. */
  plan: string;
  usagePlanId?: string;
}

/**
 * API Gateway API keys for vendor clients, each bound to the vendors' usage plan (throttling and
 * quota). AWS: API Gateway; locally: a generated key id, since the local gateway meters nothing.
 */
export interface ApiKeyAdmin {
  /** Refuses (ValidationError) a plan that does not exist. */
  createKey(clientId: string, vendorName: string, plan: string): Promise<IssuedApiKey>;
  setEnabled(apiKeyId: string, enabled: boolean): Promise<void>;
  /** Removes a key made for a registration that then failed. */
  deleteKey(apiKeyId: string): Promise<void>;
}

export class LocalApiKeyAdmin implements ApiKeyAdmin {
  async createKey(_clientId: string, _vendorName: string, plan: string): Promise<IssuedApiKey> {
    return { apiKeyId: `local-${randomBytes(6).toString('hex')}`, value: randomBytes(30).toString('base64url'), plan, usagePlanId: `local-${plan}` };
  }
  async setEnabled(): Promise<void> {}
  async deleteKey(): Promise<void> {}
}

export class AwsApiKeyAdmin implements ApiKeyAdmin {
  private readonly planIds = new Map<string, string>();

  /** `plans`: plan name -> usage plan name, as infra publishes them (FJ_VENDOR_USAGE_PLANS). */
  constructor(
    private readonly client: APIGatewayClient,
    private readonly plans: Record<string, string>,
  ) {}

  private async usagePlanId(plan: string): Promise<string> {
    const usagePlanName = this.plans[plan];
    if (!usagePlanName) throw new ValidationError(`Ukjent bruksplan ${plan}.`, [{ field: 'body.plan', message: `Kjente planer: ${Object.keys(this.plans).join(', ')}` }]);
    const cached = this.planIds.get(plan);
    if (cached) return cached;
    let position: string | undefined;
    do {
      const page = await this.client.send(new (await apiGatewayModule()).GetUsagePlansCommand({ position, limit: 500 }));
      const found = page.items?.find((p) => p.name === usagePlanName);
      if (found?.id) {
        this.planIds.set(plan, found.id);
        return found.id;
      }
      position = page.position;
    } while (position);
    throw new Error(`usage plan ${usagePlanName} not found`);
  }

  async createKey(clientId: string, vendorName: string, plan: string): Promise<IssuedApiKey> {
    const usagePlanId = await this.usagePlanId(plan);
    // We choose the value (API Gateway needs at least 20 characters) so the response can show it once.
    const value = randomBytes(30).toString('base64url');
    const key = await this.client.send(
      new (await apiGatewayModule()).CreateApiKeyCommand({ name: `vendor-${clientId}`, description: vendorName.slice(0, 120), enabled: true, value, tags: { clientId } }),
    );
    if (!key.id) throw new Error('API Gateway returned no key id');
    try {
      await this.client.send(new (await apiGatewayModule()).CreateUsagePlanKeyCommand({ usagePlanId, keyId: key.id, keyType: 'API_KEY' }));
    } catch (error) {
      await this.deleteKey(key.id).catch(() => undefined);
      throw error;
    }
    return { apiKeyId: key.id, value, plan, usagePlanId };
  }

  async setEnabled(apiKeyId: string, enabled: boolean): Promise<void> {
    await this.client.send(new (await apiGatewayModule()).UpdateApiKeyCommand({ apiKey: apiKeyId, patchOperations: [{ op: 'replace', path: '/enabled', value: String(enabled) }] }));
  }

  async deleteKey(apiKeyId: string): Promise<void> {
    await this.client.send(new (await apiGatewayModule()).DeleteApiKeyCommand({ apiKey: apiKeyId }));
  }
}
