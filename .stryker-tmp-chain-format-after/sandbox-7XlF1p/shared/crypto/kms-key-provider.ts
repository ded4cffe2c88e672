// @ts-nocheck
import type { KMSClient } from '@aws-sdk/client-kms';
import { dataKeyContext, type DataKey, type TenantKeyProvider } from './key-provider';
import { kmsModule } from './kms-module';

/** Data keys from the tenant's customer-managed KMS key (found by alias), bound to `{ tenant }` (and `document`). */
export class KmsKeyProvider implements TenantKeyProvider {
  constructor(
    private readonly clientFor: (tenant: string) => Promise<KMSClient>,
    private readonly aliasPrefix: string,
  ) {}

  async generateDataKey(tenant: string, document?: string): Promise<DataKey> {
    const kms = await this.clientFor(tenant);
    const out = await kms.send(
      new (await kmsModule()).GenerateDataKeyCommand({ KeyId: `${this.aliasPrefix}${tenant}`, KeySpec: 'AES_256', EncryptionContext: dataKeyContext(tenant, document) }),
    );
    if (!out.Plaintext || !out.CiphertextBlob) throw new Error('KMS returned no data key');
    return { plaintext: Buffer.from(out.Plaintext), wrapped: Buffer.from(out.CiphertextBlob) };
  }

  async decryptDataKey(tenant: string, wrapped: Buffer, document?: string): Promise<Buffer> {
    const kms = await this.clientFor(tenant);
    const out = await kms.send(
      new (await kmsModule()).DecryptCommand({ CiphertextBlob: wrapped, KeyId: `${this.aliasPrefix}${tenant}`, EncryptionContext: dataKeyContext(tenant, document) }),
    );
    if (!out.Plaintext) throw new Error('KMS returned no plaintext');
    return Buffer.from(out.Plaintext);
  }
}
