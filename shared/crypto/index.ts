import type { KMSClient } from '@aws-sdk/client-kms';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { config } from '../config';
import { Envelope } from './envelope';
import { KmsKeyProvider } from './kms-key-provider';
import { kmsModule } from './kms-module';
import { LocalKeystore } from './local-keystore';
import type { TenantKeyProvider } from './key-provider';

let provider: TenantKeyProvider | undefined;
let envelope: Envelope | undefined;

function kmsProvider(credentials?: AwsCredentialIdentityProvider): TenantKeyProvider {
  const cfg = config();
  let client: Promise<KMSClient> | undefined;
  return new KmsKeyProvider(
    // Short socket timeouts: a KMS that hangs fails the call (and the request, closed) within the
    // envelope's key timeout instead of holding the function until its own timeout.
    () => (client ??= kmsModule().then(({ KMSClient }) => new KMSClient({ region: cfg.region, maxAttempts: 3, requestHandler: { connectionTimeout: 1_000, requestTimeout: 2_000 }, ...(credentials ? { credentials } : {}) }))),
    cfg.keys.tenantKeyAliasPrefix,
  );
}

/**
 * The container's key provider under the function's own credentials: the local keystore locally;
 * in AWS KMS under the function's own role, which reaches tenant keys only where its policy says
 * so (the offboarding export); the data plane's own role is denied tenant key material, so it uses
 * its sessions' keys (envelopeWith) instead.
 */
export function tenantKeys(): TenantKeyProvider {
  if (provider) return provider;
  const cfg = config();
  provider = cfg.keys.provider === 'local' ? new LocalKeystore(cfg.keys.keystoreDir ?? '.data/keys') : kmsProvider();
  return provider;
}

const sessionEnvelopes = new Map<string, Envelope>();
const MAX_SESSION_ENVELOPES = 500;

/**
 * The envelope of a vended session (shared/db/sessions.ts): KMS under that session's credentials,
 * one per session key and container, so its data-key cache lives as long as the session's client.
 */
export function envelopeWith(cacheKey: string, credentials: AwsCredentialIdentityProvider): Envelope {
  if (config().keys.provider === 'local') return envelopeCrypto();
  let found = sessionEnvelopes.get(cacheKey);
  if (!found) {
    if (sessionEnvelopes.size >= MAX_SESSION_ENVELOPES) sessionEnvelopes.clear();
    found = new Envelope(kmsProvider(credentials));
    sessionEnvelopes.set(cacheKey, found);
  }
  return found;
}

/** The container's envelope (one data-key cache per container). */
export function envelopeCrypto(): Envelope {
  envelope ??= new Envelope(tenantKeys());
  return envelope;
}

export { Envelope, DecryptionFailedError, KeyServiceUnavailableError, type EncryptionContext } from './envelope';
