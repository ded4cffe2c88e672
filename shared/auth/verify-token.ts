import { createRemoteJWKSet, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { UnauthenticatedError } from '../errors';
import type { VerifiedIdentity } from './caller';
import { identityFromClaims } from './claims';

export interface TokenVerifierOptions {
  issuer: string;
  /** A JWKS URL, or a key resolver (tests pass a local key set). */
  jwks: string | JWTVerifyGetKey;
  /** Required: a token issued for another API (another audience) is refused. */
  audience: string;
}

export type TokenVerifier = (authorizationHeader: string | undefined) => Promise<VerifiedIdentity>;

/** Clock skew allowed for `iat` and `nbf`: a token dated further ahead than this is refused. */
export const FUTURE_LEEWAY_SECONDS = 60;
/** Clock skew allowed after `exp`. */
const EXPIRY_LEEWAY_SECONDS = 5;

/**
 * Verifies a bearer token against the configured OIDC issuer and fails closed: signature from its
 * JWKS, issuer, audience (always), expiry, and `iat`/`nbf` no more than a minute ahead. Yields the
 * verified identity only; the same code runs locally, in the handlers and in the authorizer.
 */
export function makeTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  if (!options.audience) throw new Error('The token verifier needs an audience');
  const keys = typeof options.jwks === 'string' ? createRemoteJWKSet(new URL(options.jwks), { cooldownDuration: 30_000 }) : options.jwks;
  const verified = new VerifiedTokens();
  return async (authorizationHeader) => {
    const match = /^Bearer\s+([A-Za-z0-9_.-]+)$/i.exec(authorizationHeader?.trim() ?? '');
    if (!match?.[1]) throw new UnauthenticatedError('Mangler Authorization: Bearer-token.');
    const token = match[1];
    let payload = verified.get(token);
    if (!payload) {
      try {
        ({ payload } = await jwtVerify(token, keys, {
          issuer: options.issuer,
          audience: options.audience,
          algorithms: ['ES256', 'RS256'],
          // jose applies this to nbf and exp alike; exp gets its tighter check below.
          clockTolerance: FUTURE_LEEWAY_SECONDS,
          requiredClaims: ['exp', 'sub', 'aud', 'iat'],
        }));
      } catch (error) {
        throw new UnauthenticatedError(describeJwtFailure(error));
      }
      verified.set(token, payload);
    }
    const now = Math.floor(Date.now() / 1000);
    if (typeof payload.exp === 'number' && payload.exp <= now - EXPIRY_LEEWAY_SECONDS) throw new UnauthenticatedError('Tokenet er utløpt.');
    // jose checks iat only with maxTokenAge; a token dated in the future is refused here.
    if (typeof payload.iat === 'number' && payload.iat > now + FUTURE_LEEWAY_SECONDS) throw invalidClaim('iat');
    const identity = identityFromClaims(payload);
    if (!identity) throw new UnauthenticatedError('Tokenet mangler påkrevde claims.');
    return identity;
  };
}

/**
 * Tokens this verifier checked (signature, issuer, audience) in the last TTL_MS, by the exact
 * token string: the next request with the same bearer token costs no second signature check (an
 * ECDSA or RSA verify and its parsing, the largest CPU item of a light request). Only that check
 * is remembered: expiry and `iat` are checked against the clock on every request, and the
 * caller's registry entry (disabled, suspended) is still read on every request. Signing keys are
 * retired through the JWKS, which jose itself caches for longer than this.
 */
class VerifiedTokens {
  private static readonly TTL_MS = 60_000;
  private static readonly MAX = 5_000;
  private readonly byToken = new Map<string, { at: number; payload: Record<string, unknown> }>();

  get(token: string): Record<string, unknown> | undefined {
    const hit = this.byToken.get(token);
    if (!hit) return undefined;
    if (Date.now() - hit.at <= VerifiedTokens.TTL_MS) return hit.payload;
    this.byToken.delete(token);
    return undefined;
  }

  set(token: string, payload: Record<string, unknown>): void {
    if (this.byToken.size >= VerifiedTokens.MAX) this.byToken.clear();
    this.byToken.set(token, { at: Date.now(), payload });
  }
}

function invalidClaim(claim: string): UnauthenticatedError {
  return new UnauthenticatedError(`Tokenet er ikke gyldig (${claim}).`);
}

function describeJwtFailure(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'Tokenet er utløpt.';
  if (error instanceof errors.JWTClaimValidationFailed) return `Tokenet er ikke gyldig (${error.claim}).`;
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'Tokenets signatur er ugyldig.';
  if (error instanceof errors.JWKSNoMatchingKey) return 'Tokenet er signert med en ukjent nøkkel.';
  return 'Tokenet er ugyldig.';
}

/** Bearer challenge for a 401 (RFC 6750 §3): no error code when no token was sent, else invalid_token. */
export function bearerChallenge(authorizationHeader: string | undefined): string {
  const realm = 'realm="fellesjournal"';
  return authorizationHeader?.trim() ? `Bearer ${realm}, error="invalid_token"` : `Bearer ${realm}`;
}
