import type { KMSClient } from '@aws-sdk/client-kms';
import type { DataKey, TenantKeyProvider } from './key-provider';
import { kmsModule } from './kms-module';

/** Data keys from the tenant's customer-managed KMS key (found by alias), bound to `{ tenant }`. */
export class KmsKeyProvider implements TenantKeyProvider {
  constructor(
    private readonly clientFor: (tenant: string) => Promise<KMSClient>,
    private readonly aliasPrefix: string,
  ) {}

  async generateDataKey(tenant: string): Promise<DataKey> {
    const kms = await this.clientFor(tenant);
    const out = await kms.send(
      new (await kmsModule()).GenerateDataKeyCommand({ KeyId: `${this.aliasPrefix}${tenant}`, KeySpec: 'AES_256', EncryptionContext: { tenant } }),
    );
    if (!out.Plaintext || !out.CiphertextBlob) throw new Error('KMS returned no data key');
    return { plaintext: Buffer.from(out.Plaintext), wrapped: Buffer.from(out.CiphertextBlob) };
  }

  async decryptDataKey(tenant: string, wrapped: Buffer): Promise<Buffer> {
    const kms = await this.clientFor(tenant);
    const out = await kms.send(
      new (await kmsModule()).DecryptCommand({ CiphertextBlob: wrapped, KeyId: `${this.aliasPrefix}${tenant}`, EncryptionContext: { tenant } }),
    );
    if (!out.Plaintext) throw new Error('KMS returned no plaintext');
    return Buffer.from(out.Plaintext);
  }
}
