// @ts-nocheck
import { importJWK, jwtVerify, type JWK } from 'jose';
import { VENDOR_SCOPES } from '../shared/auth/caller';
import { clientIdSchema } from '../shared/contracts/vendors';
import { getVendor, listVendorGrants } from '../functions/vendors/vendor-store';

/** RFC 7523 §2.2: the client authenticates with a JWT it signed (HelseID's `private_key_jwt`). */
export const JWT_BEARER_ASSERTION = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** Assertions seen, by jti until they expire: each may be used once (RFC 7523 §3 item 7). */
const seen = new Map<string, number>();

/**
 * The client an assertion authenticates and the scopes it gets, or undefined to refuse. The JWT
 * must be signed with the public key the operator registered for the client; `iss` and `sub` are
 * the client id, `aud` the token endpoint, `exp` present and `jti` never seen before.
 */
export async function verifyClientAssertion(assertion: string, tokenEndpoint: string, requestedScopes: string[]): Promise<{ clientId: string; scopes: string[] } | undefined> {
  const [, body] = assertion.split('.');
  let clientId: unknown;
  try {
    clientId = (JSON.parse(Buffer.from(body ?? '', 'base64url').toString('utf8')) as { iss?: unknown }).iss;
  } catch {
    return undefined;
  }
  if (typeof clientId !== 'string' || !clientIdSchema.safeParse(clientId).success) return undefined;
  const vendor = await getVendor(clientId);
  if (!vendor || vendor.status !== 'active' || !vendor.publicKeyJwk) return undefined;
  const jwk = vendor.publicKeyJwk as JWK;
  try {
    const key = await importJWK(jwk, jwk.alg ?? (jwk.kty === 'RSA' ? 'RS256' : 'ES256'));
    const { payload } = await jwtVerify(assertion, key, { issuer: clientId, subject: clientId, audience: tokenEndpoint, requiredClaims: ['exp', 'jti'], clockTolerance: 60 });
    const now = Date.now() / 1000;
    for (const [jti, exp] of seen) if (exp < now) seen.delete(jti);
    const jti = `${clientId}\u0000${String(payload.jti)}`;
    if (seen.has(jti)) return undefined;
    seen.set(jti, Number(payload.exp));
  } catch {
    return undefined;
  }
  const known = new Set<string>(VENDOR_SCOPES);
  if (requestedScopes.length > 0) return { clientId, scopes: [...new Set(requestedScopes.filter((s) => known.has(s)))] };
  const granted = (await listVendorGrants(clientId)).filter((g) => g.status === 'active').flatMap((g) => g.scopes);
  return { clientId, scopes: [...new Set(granted)].sort() };
}
