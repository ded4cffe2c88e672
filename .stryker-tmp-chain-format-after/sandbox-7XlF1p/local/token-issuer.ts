// @ts-nocheck
import { createHash, randomUUID } from 'node:crypto';
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

/** The audience the local issuer issues for and the local runtime requires (HelseID: the API's resource name). */
export const LOCAL_AUDIENCE = 'fellesjournal';

/** A person as the local issuer knows them: who HelseID says they are. */
export interface LocalPerson {
  pid: string;
  name: string;
  hpr?: string;
  securityLevel?: string;
}

/** The scopes of a person's login (HelseID's identity scopes). */
const PERSON_SCOPES = 'openid profile helseid://scopes/identity/pid helseid://scopes/identity/security_level';

/** Overrides of a token's standard claims, for tests of the verifier's checks. */
export interface TokenOverrides {
  issuer?: string;
  audience?: string;
  expiresAt?: number;
  issuedAt?: number;
  notBefore?: number;
  /** Claims beyond HelseID's, for tests that show the services ignore them. */
  extraClaims?: Record<string, unknown>;
}

/**
 * The local stand-in for HelseID: signs ES256 JWTs with HelseID's claims only (pid, hpr_number,
 * security_level, name, aud; no municipality and no roles, which the services read from the
 * registry) and publishes the public key as a JWKS. Services verify these tokens with the same
 * code that verifies a real issuer's, found through the configured issuer and JWKS URL.
 */
export class LocalTokenIssuer {
  private constructor(
    readonly issuer: string,
    private readonly privateKey: CryptoKey,
    private readonly publicJwk: JWK,
    readonly audience: string,
  ) {}

  /** A new issuer; with `keyFile` the signing key survives restarts (used with --persist). */
  static async create(issuer: string, keyFile?: string, audience = LOCAL_AUDIENCE): Promise<LocalTokenIssuer> {
    if (keyFile && existsSync(keyFile)) {
      const stored = JSON.parse(readFileSync(keyFile, 'utf8')) as { privateJwk: JWK; publicJwk: JWK };
      return new LocalTokenIssuer(issuer, (await importJWK(stored.privateJwk, 'ES256')) as CryptoKey, stored.publicJwk, audience);
    }
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    const publicJwk = { ...(await exportJWK(publicKey)), kid: randomUUID(), alg: 'ES256', use: 'sig' };
    if (keyFile) {
      mkdirSync(dirname(keyFile), { recursive: true, mode: 0o700 });
      writeFileSync(keyFile, JSON.stringify({ privateJwk: await exportJWK(privateKey), publicJwk }), { mode: 0o600 });
    }
    return new LocalTokenIssuer(issuer, privateKey, publicJwk, audience);
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
      token_endpoint_auth_methods_supported: ['private_key_jwt', 'client_secret_basic', 'client_secret_post'],
      token_endpoint_auth_signing_alg_values_supported: ['ES256', 'RS256'],
      id_token_signing_alg_values_supported: ['ES256'],
      claims_supported: ['sub', 'aud', 'name', 'client_id', 'scope', CLAIMS.pid, CLAIMS.hpr, CLAIMS.securityLevel, CLAIMS.assuranceLevel],
    };
  }

  private async sign(claims: Record<string, unknown>, subject: string, ttlSeconds: number, overrides: TokenOverrides = {}): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const jwt = new SignJWT({ ...overrides.extraClaims, ...claims })
      .setProtectedHeader({ alg: 'ES256', kid: String(this.publicJwk.kid), typ: 'at+jwt' })
      .setIssuer(overrides.issuer ?? this.issuer)
      .setAudience(overrides.audience ?? this.audience)
      .setSubject(subject)
      .setIssuedAt(overrides.issuedAt ?? now)
      .setJti(randomUUID())
      .setExpirationTime(overrides.expiresAt ?? now + ttlSeconds);
    if (overrides.notBefore !== undefined) jwt.setNotBefore(overrides.notBefore);
    return jwt.sign(this.privateKey);
  }

  /**
   * A person's token, as HelseID would issue it after the person logged in: who they are (pid,
   * HPR number, name, security level 4), nothing of what they may do. The subject is HelseID's
   * own (here a hash of the pid), not our user id: the services find the user by pid.
   */
  async issueForPerson(person: LocalPerson, ttlSeconds = 3600, overrides: TokenOverrides = {}): Promise<IssuedToken> {
    return this.issuePerson(person, {}, ttlSeconds, overrides);
  }

  private async issuePerson(person: LocalPerson, clientClaims: Record<string, unknown>, ttlSeconds: number, overrides: TokenOverrides): Promise<IssuedToken> {
    const claims: Record<string, unknown> = {
      name: person.name,
      [CLAIMS.pid]: person.pid,
      [CLAIMS.securityLevel]: person.securityLevel ?? '4',
      [CLAIMS.assuranceLevel]: (person.securityLevel ?? '4') === '4' ? 'high' : 'substantial',
      scope: PERSON_SCOPES,
      ...clientClaims,
    };
    if (person.hpr) claims[CLAIMS.hpr] = person.hpr;
    const subject = createHash('sha256').update(`local-subject\u0000${person.pid}`).digest('base64url');
    return { access_token: await this.sign(claims, subject, ttlSeconds, overrides), token_type: 'Bearer', expires_in: ttlSeconds };
  }

  /** The token of a registered user (the demo login): their pid, HPR number and name. The user must have a pid. */
  async issueForUser(user: UserProfile, ttlSeconds = 3600, overrides: TokenOverrides = {}): Promise<IssuedToken> {
    if (!user.pid) throw new Error(`User ${user.id} has no pid; HelseID knows a person only by it`);
    return this.issueForPerson({ pid: user.pid, name: user.name, hpr: user.hpr }, ttlSeconds, overrides);
  }

  /**
   * A user token issued to a vendor client: the person logged in through the vendor's system, as
   * HelseID issues it (the person's pid, HPR number and name, and the client's `client_id` and
   * scopes). The services act on behalf of the person, within the vendor's grant.
   */
  async issueOnBehalfOf(clientId: string, person: LocalPerson, scopes: string[], ttlSeconds = 3600, overrides: TokenOverrides = {}): Promise<IssuedToken> {
    return this.issuePerson(person, { client_id: clientId, scope: [PERSON_SCOPES, ...scopes].join(' ') }, ttlSeconds, overrides);
  }

  /** A machine token for a vendor client (OAuth2 client credentials). */
  async issueForClient(clientId: string, scopes: string[], ttlSeconds = 3600, overrides: TokenOverrides = {}): Promise<IssuedToken> {
    return {
      access_token: await this.sign({ client_id: clientId, scope: scopes.join(' ') }, clientId, ttlSeconds, overrides),
      token_type: 'Bearer',
      expires_in: ttlSeconds,
    };
  }
}
