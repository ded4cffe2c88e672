import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JWK, type CryptoKey } from 'jose';
import { CLAIMS } from '../shared/auth/claims';
import type { UserProfile } from '../shared/tenancy/user-profile';

export interface IssuedToken {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
}

/**
 * The local stand-in for HelseID: signs ES256 JWTs with HelseID-shaped claims and publishes the
 * public key as a JWKS. Services verify these tokens with the same code that verifies a real
 * issuer's, found through the configured issuer and JWKS URL.
 */
export class LocalTokenIssuer {
  private constructor(
    readonly issuer: string,
    private readonly privateKey: CryptoKey,
    private readonly publicJwk: JWK,
  ) {}

  /** A new issuer; with `keyFile` the signing key survives restarts (used with --persist). */
  static async create(issuer: string, keyFile?: string): Promise<LocalTokenIssuer> {
    if (keyFile && existsSync(keyFile)) {
      const stored = JSON.parse(readFileSync(keyFile, 'utf8')) as { privateJwk: JWK; publicJwk: JWK };
      return new LocalTokenIssuer(issuer, (await importJWK(stored.privateJwk, 'ES256')) as CryptoKey, stored.publicJwk);
    }
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    const publicJwk = { ...(await exportJWK(publicKey)), kid: randomUUID(), alg: 'ES256', use: 'sig' };
    if (keyFile) {
      mkdirSync(dirname(keyFile), { recursive: true, mode: 0o700 });
      writeFileSync(keyFile, JSON.stringify({ privateJwk: await exportJWK(privateKey), publicJwk }), { mode: 0o600 });
    }
    return new LocalTokenIssuer(issuer, privateKey, publicJwk);
  }

  jwks(): { keys: JWK[] } {
    return { keys: [this.publicJwk] };
  }

  discovery(): Record<string, unknown> {
    return {
      issuer: this.issuer,
      jwks_uri: `${this.issuer}/jwks.json`,
      token_endpoint: `${this.issuer}/token`,
      grant_types_supported: ['urn:fellesjournal:demo-login', 'client_credentials'],
      id_token_signing_alg_values_supported: ['ES256'],
      claims_supported: ['sub', 'name', CLAIMS.pid, CLAIMS.hpr, CLAIMS.tenant, CLAIMS.roles, CLAIMS.unit, CLAIMS.profession],
    };
  }

  private async sign(claims: Record<string, unknown>, subject: string, ttlSeconds: number, overrides: { issuer?: string; expiresAt?: number } = {}): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', kid: String(this.publicJwk.kid), typ: 'at+jwt' })
      .setIssuer(overrides.issuer ?? this.issuer)
      .setSubject(subject)
      .setIssuedAt(now)
      .setJti(randomUUID())
      .setExpirationTime(overrides.expiresAt ?? now + ttlSeconds)
      .sign(this.privateKey);
  }

  /** A personnel, operator or citizen token for a user profile. */
  async issueForUser(user: UserProfile, ttlSeconds = 3600, overrides: { issuer?: string; expiresAt?: number } = {}): Promise<IssuedToken> {
    const claims: Record<string, unknown> = {
      name: user.name,
      [CLAIMS.roles]: user.roles,
      [CLAIMS.securityLevel]: '4',
      scope: 'openid profile fellesjournal',
    };
    if (user.pid) claims[CLAIMS.pid] = user.pid;
    if (user.hpr) claims[CLAIMS.hpr] = user.hpr;
    if (user.tenant) claims[CLAIMS.tenant] = user.tenant;
    if (user.unit) claims[CLAIMS.unit] = user.unit;
    if (user.profession) claims[CLAIMS.profession] = user.profession;
    return { access_token: await this.sign(claims, user.id, ttlSeconds, overrides), token_type: 'Bearer', expires_in: ttlSeconds };
  }

  /** A machine token for a vendor client (OAuth2 client credentials). */
  async issueForClient(clientId: string, scopes: string[], ttlSeconds = 3600): Promise<IssuedToken> {
    return {
      access_token: await this.sign({ client_id: clientId, scope: scopes.join(' ') }, clientId, ttlSeconds),
      token_type: 'Bearer',
      expires_in: ttlSeconds,
    };
  }
}
