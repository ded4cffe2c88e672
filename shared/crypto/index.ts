import type { KMSClient } from '@aws-sdk/client-kms';
import { config } from '../config';
import { Envelope } from './envelope';
import { KmsKeyProvider } from './kms-key-provider';
import { kmsModule } from './kms-module';
import { LocalKeystore } from './local-keystore';
import type { TenantKeyProvider } from './key-provider';

let provider: TenantKeyProvider | undefined;
let envelope: Envelope | undefined;
const kmsClients = new Map<string, KMSClient>();

/** The container's key provider: KMS (under the tenant-scoped role) in AWS, the local keystore locally. */
export function tenantKeys(): TenantKeyProvider {
  if (provider) return provider;
  const cfg = config();
  if (cfg.keys.provider === 'local') {
    provider = new LocalKeystore(cfg.keys.keystoreDir ?? '.data/keys');
  } else {
    provider = new KmsKeyProvider(async (tenant) => {
      let client = kmsClients.get(tenant);
      if (!client) {
        const roleArn = cfg.tenantRoleArn;
        const credentials = roleArn ? (await import('../auth/tenant-credentials')).tenantCredentials(roleArn, tenant) : undefined;
        client = new (await kmsModule()).KMSClient({ region: cfg.region, ...(credentials ? { credentials } : {}) });
        kmsClients.set(tenant, client);
      }
      return client;
    }, cfg.keys.tenantKeyAliasPrefix);
  }
  return provider;
}

/** The container's envelope (one data-key cache per container). */
export function envelopeCrypto(): Envelope {
  envelope ??= new Envelope(tenantKeys());
  return envelope;
}

export { Envelope, DecryptionFailedError, type EncryptionContext } from './envelope';
