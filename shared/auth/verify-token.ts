import { createRemoteJWKSet, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { UnauthenticatedError } from '../errors';
import type { Caller } from './caller';
import { callerFromClaims } from './claims';

export interface TokenVerifierOptions {
  issuer: string;
  /** A JWKS URL, or a key resolver (tests pass a local key set). */
  jwks: string | JWTVerifyGetKey;
  audience?: string;
}

export type TokenVerifier = (authorizationHeader: string | undefined) => Promise<Caller>;

/**
 * Verifies a bearer token against the configured OIDC issuer: signature from its JWKS, issuer,
 * expiry and (where configured) audience. The same code runs locally and in AWS.
 */
export function makeTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
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
        clockTolerance: 5,
        requiredClaims: ['exp', 'sub'],
      }));
    } catch (error) {
      throw new UnauthenticatedError(describeJwtFailure(error));
    }
    const caller = callerFromClaims(payload);
    if (!caller) throw new UnauthenticatedError('Tokenet mangler påkrevde claims.');
    return caller;
  };
}

function describeJwtFailure(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'Tokenet er utløpt.';
  if (error instanceof errors.JWTClaimValidationFailed) return `Tokenet er ikke gyldig (${error.claim}).`;
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'Tokenets signatur er ugyldig.';
  if (error instanceof errors.JWKSNoMatchingKey) return 'Tokenet er signert med en ukjent nøkkel.';
  return 'Tokenet er ugyldig.';
}
