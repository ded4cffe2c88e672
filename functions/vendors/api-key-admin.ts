import { randomBytes } from 'node:crypto';
import { CreateApiKeyCommand, CreateUsagePlanKeyCommand, DeleteApiKeyCommand, UpdateApiKeyCommand } from '@aws-sdk/client-api-gateway';
import type { APIGatewayClient } from '@aws-sdk/client-api-gateway';

export interface IssuedApiKey {
  apiKeyId: string;
  /** The key itself; handed to the vendor once and not stored by us. */
  value: string;
  usagePlanId?: string;
}

/**
 * API Gateway API keys for vendor clients, each bound to the vendors' usage plan (throttling and
 * quota). AWS: API Gateway; locally: a generated key id, since the local gateway meters nothing.
 */
export interface ApiKeyAdmin {
  createKey(clientId: string, vendorName: string): Promise<IssuedApiKey>;
  setEnabled(apiKeyId: string, enabled: boolean): Promise<void>;
  /** Removes a key made for a registration that then failed. */
  deleteKey(apiKeyId: string): Promise<void>;
}

export class LocalApiKeyAdmin implements ApiKeyAdmin {
  async createKey(): Promise<IssuedApiKey> {
    return { apiKeyId: `local-${randomBytes(6).toString('hex')}`, value: randomBytes(30).toString('base64url'), usagePlanId: 'local-vendor-plan' };
  }
  async setEnabled(): Promise<void> {}
  async deleteKey(): Promise<void> {}
}

export class AwsApiKeyAdmin implements ApiKeyAdmin {
  constructor(
    private readonly client: APIGatewayClient,
    private readonly usagePlanId: string,
  ) {}

  async createKey(clientId: string, vendorName: string): Promise<IssuedApiKey> {
    // We choose the value (API Gateway needs at least 20 characters) so the response can show it once.
    const value = randomBytes(30).toString('base64url');
    const key = await this.client.send(
      new CreateApiKeyCommand({ name: `vendor-${clientId}`, description: vendorName.slice(0, 120), enabled: true, value, tags: { clientId } }),
    );
    if (!key.id) throw new Error('API Gateway returned no key id');
    try {
      await this.client.send(new CreateUsagePlanKeyCommand({ usagePlanId: this.usagePlanId, keyId: key.id, keyType: 'API_KEY' }));
    } catch (error) {
      await this.deleteKey(key.id).catch(() => undefined);
      throw error;
    }
    return { apiKeyId: key.id, value, usagePlanId: this.usagePlanId };
  }

  async setEnabled(apiKeyId: string, enabled: boolean): Promise<void> {
    await this.client.send(new UpdateApiKeyCommand({ apiKey: apiKeyId, patchOperations: [{ op: 'replace', path: '/enabled', value: String(enabled) }] }));
  }

  async deleteKey(apiKeyId: string): Promise<void> {
    await this.client.send(new DeleteApiKeyCommand({ apiKey: apiKeyId }));
  }
}
