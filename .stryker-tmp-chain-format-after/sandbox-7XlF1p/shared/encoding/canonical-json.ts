// @ts-nocheck
import canonicalize from 'canonicalize';

/**
 * The platform's one canonical JSON: RFC 8785 (JSON Canonicalization Scheme) by the npm package
 * `canonicalize`, written by the RFC's author. Used for the audit chain's hashes, the tree heads'
 * signed bytes and the idempotency fingerprints.
 *
 * Before canonicalizing, byte arrays become base64 strings (DynamoDB returns binary attributes as
 * Uint8Array; JSON has no bytes). Everything else goes through unchanged: `undefined` members are
 * dropped, keys are sorted by UTF-16 code units, numbers use ECMAScript's shortest form.
 */
export function canonicalJson(value: unknown): string {
  const out = canonicalize(bytesAsBase64(value));
  // Only `undefined` (or a function/symbol) at the top has no JSON form.
  return out ?? 'null';
}

function bytesAsBase64(value: unknown): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (Array.isArray(value)) return value.map(bytesAsBase64);
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = bytesAsBase64(v);
    return out;
  }
  return value;
}
