// @ts-nocheck
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
  return async (authorizationHeader) => {
    const match = /^Bearer\s+([A-Za-z0-9_.-]+)$/i.exec(authorizationHeader?.trim() ?? '');
    if (!match?.[1]) throw new UnauthenticatedError('Mangler Authorization: Bearer-token.');
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(match[1], keys, {
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
    const now = Math.floor(Date.now() / 1000);
    if (typeof payload.exp === 'number' && payload.exp <= now - EXPIRY_LEEWAY_SECONDS) throw new UnauthenticatedError('Tokenet er utløpt.');
    // jose checks iat only with maxTokenAge; a token dated in the future is refused here.
    if (typeof payload.iat === 'number' && payload.iat > now + FUTURE_LEEWAY_SECONDS) throw invalidClaim('iat');
    const identity = identityFromClaims(payload);
    if (!identity) throw new UnauthenticatedError('Tokenet mangler påkrevde claims.');
    return identity;
  };
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
