// @ts-nocheck
import type { KMSClient } from '@aws-sdk/client-kms';

/**
 * The KMS client module (~25-50 ms of init), loaded when a key is first used: routes that never
 * open a record (health, me, most control-plane reads) start without it, and locally it is never
 * loaded at all.
 */
export const kmsModule = () => import('@aws-sdk/client-kms');

/** A KMS client made on first use. */
export function lazyKmsClient(region: string | undefined): () => Promise<KMSClient> {
  let client: Promise<KMSClient> | undefined;
  return () => (client ??= kmsModule().then(({ KMSClient }) => new KMSClient({ region })));
}
