/** A fresh 256-bit data key, in plain and wrapped under the tenant's master key. */
export interface DataKey {
  plaintext: Buffer;
  wrapped: Buffer;
}

/**
 * Wraps and unwraps data keys under a tenant's master key. KMS in AWS, the local keystore locally;
 * both bind the wrapped key to the context `{ tenant }`, so one tenant's data key cannot be
 * unwrapped as another's.
 */
export interface TenantKeyProvider {
  generateDataKey(tenant: string): Promise<DataKey>;
  decryptDataKey(tenant: string, wrapped: Buffer): Promise<Buffer>;
}
