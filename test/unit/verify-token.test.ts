import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { CLAIMS } from '../../shared/auth/claims';
import { bearerChallenge, makeTokenVerifier, type TokenVerifier } from '../../shared/auth/verify-token';
import { UnauthenticatedError } from '../../shared/errors';

const ISSUER = 'http://127.0.0.1:9/local-auth';
const AUDIENCE = 'fellesjournal';
interface SignOptions {
  issuer?: string;
  exp?: number;
  iat?: number | null;
  nbf?: number;
  aud?: string | null;
  key?: 'good' | 'other';
}
let sign: (claims: Record<string, unknown>, opts?: SignOptions) => Promise<string>;
let verify: TokenVerifier;
const now = () => Math.floor(Date.now() / 1000);

beforeAll(async () => {
  const good = await generateKeyPair('ES256');
  const other = await generateKeyPair('ES256');
  const jwk = { ...(await exportJWK(good.publicKey)), kid: 'k1', alg: 'ES256' };
  verify = makeTokenVerifier({ issuer: ISSUER, jwks: createLocalJWKSet({ keys: [jwk] }), audience: AUDIENCE });
  sign = (claims, opts = {}) => {
    const jwt = new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .setIssuer(opts.issuer ?? ISSUER)
      .setSubject('helseid-subject-1')
      .setExpirationTime(opts.exp ?? now() + 600);
    if (opts.iat !== null) jwt.setIssuedAt(opts.iat ?? now());
    if (opts.aud !== null) jwt.setAudience(opts.aud ?? AUDIENCE);
    if (opts.nbf !== undefined) jwt.setNotBefore(opts.nbf);
    return jwt.sign(opts.key === 'other' ? other.privateKey : good.privateKey);
  };
});

const person = { [CLAIMS.hpr]: '9100001', [CLAIMS.pid]: '15838512329', [CLAIMS.securityLevel]: '4', name: 'Sara Sykepleier' };

describe('token verification', () => {
  it('turns a valid HelseID token into the verified identity, and nothing more', async () => {
    const identity = await verify(`Bearer ${await sign(person)}`);
    expect(identity).toMatchObject({ sub: 'helseid-subject-1', kind: 'person', pid: '15838512329', hpr: '9100001', securityLevel: '4', name: 'Sara Sykepleier' });
    expect(identity).not.toHaveProperty('roles');
    expect(identity).not.toHaveProperty('tenant');
  });

  it('ignores claims of our own: a token cannot name its municipality, unit or roles', async () => {
    const identity = await verify(`Bearer ${await sign({ ...person, 'fellesjournal:tenant': '4601', 'fellesjournal:roles': ['tenant-admin'], 'fellesjournal:unit': 'x' })}`);
    expect(JSON.stringify(identity)).not.toMatch(/4601|tenant-admin/);
  });

  it.each([
    ['a bad signature', { key: 'other' as const }, /signatur|ukjent nøkkel/i],
    ['a wrong issuer', { issuer: 'https://evil.example/' }, /iss/],
    ['an expired token', { exp: now() - 3600 }, /utløpt/],
    ['a token for another audience', { aud: 'another-api' }, /aud/],
    ['a token without an audience', { aud: null }, /aud/],
    ['a token without iat', { iat: null }, /iat/],
    ['a token issued more than 60 s ahead', { iat: now() + 120 }, /iat/],
    ['a token not valid until more than 60 s ahead', { nbf: now() + 120 }, /nbf/],
  ])('refuses %s', async (_why, opts, message) => {
    const token = await sign(person, opts);
    await expect(verify(`Bearer ${token}`)).rejects.toThrow(message);
    await expect(verify(`Bearer ${token}`)).rejects.toBeInstanceOf(UnauthenticatedError);
  });

  it('allows a clock up to a minute ahead of ours', async () => {
    await expect(verify(`Bearer ${await sign(person, { iat: now() + 30, nbf: now() + 30 })}`)).resolves.toMatchObject({ kind: 'person' });
  });

  it('refuses a missing or malformed header', async () => {
    await expect(verify(undefined)).rejects.toBeInstanceOf(UnauthenticatedError);
    await expect(verify('Basic abc')).rejects.toBeInstanceOf(UnauthenticatedError);
  });

  it('refuses a token that names neither a person (pid) nor a client', async () => {
    await expect(verify(`Bearer ${await sign({ name: 'Nobody' })}`)).rejects.toBeInstanceOf(UnauthenticatedError);
    await expect(verify(`Bearer ${await sign({ ...person, [CLAIMS.pid]: 'not-a-pid' })}`)).rejects.toBeInstanceOf(UnauthenticatedError);
  });

  it('marks a client-credentials token as a client', async () => {
    const identity = await verify(`Bearer ${await sign({ client_id: 'vendor-1', scope: 'journal.read' })}`);
    expect(identity).toMatchObject({ kind: 'client', scopes: ['journal.read'], clientId: 'vendor-1' });
  });

  it('cannot be built without an audience', () => {
    expect(() => makeTokenVerifier({ issuer: ISSUER, jwks: 'https://issuer.example/jwks', audience: '' })).toThrow(/audience/);
  });

  it('names the Bearer scheme in a 401 challenge, with invalid_token only when a token was sent', () => {
    expect(bearerChallenge(undefined)).toBe('Bearer realm="fellesjournal"');
    expect(bearerChallenge('Bearer abc')).toBe('Bearer realm="fellesjournal", error="invalid_token"');
  });
});

describe('a token verified once', () => {
  it('is still refused once it expires, within the minute its signature check is remembered', async () => {
    const token = `Bearer ${await sign(person, { exp: now() + 5 })}`;
    expect(await verify(token)).toMatchObject({ pid: '15838512329' });
    vi.useFakeTimers({ now: Date.now() + 40_000, toFake: ['Date'] });
    try {
      await expect(verify(token)).rejects.toThrow(/utløpt/);
    } finally {
      vi.useRealTimers();
    }
  });
});
