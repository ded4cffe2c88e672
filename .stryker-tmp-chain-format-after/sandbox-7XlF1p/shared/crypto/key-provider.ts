/** A fresh 256-bit data key, in plain and wrapped under the tenant's master key. */
// @ts-nocheck

export interface DataKey {
  plaintext: Buffer;
  wrapped: Buffer;
}

/**
 * Wraps and unwraps data keys under a tenant's master key. KMS in AWS, the local keystore locally;
 * both bind the wrapped key to the context `{ tenant }` (and `document`, for a key that seals one
 * shared document only), so one tenant's data key cannot be unwrapped as another's, and a
 * document's key only by a caller allowed that document's context (the sharing-read role).
 */
export interface TenantKeyProvider {
  generateDataKey(tenant: string, document?: string): Promise<DataKey>;
  decryptDataKey(tenant: string, wrapped: Buffer, document?: string): Promise<Buffer>;
}

/** The KMS encryption context of a data key (the same binding the local keystore makes). */
export function dataKeyContext(tenant: string, document?: string): Record<string, string> {
  return document === undefined ? { tenant } : { tenant, document };
}
