import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLAIMS } from '../../shared/auth/claims';
import { makeTokenVerifier, type TokenVerifier } from '../../shared/auth/verify-token';
import { UnauthenticatedError } from '../../shared/errors';

const ISSUER = 'http://127.0.0.1:9/local-auth';
let sign: (claims: Record<string, unknown>, opts?: { issuer?: string; exp?: number; key?: 'good' | 'other' }) => Promise<string>;
let verify: TokenVerifier;

beforeAll(async () => {
  const good = await generateKeyPair('ES256');
  const other = await generateKeyPair('ES256');
  const jwk = { ...(await exportJWK(good.publicKey)), kid: 'k1', alg: 'ES256' };
  verify = makeTokenVerifier({ issuer: ISSUER, jwks: createLocalJWKSet({ keys: [jwk] }) });
  sign = (claims, opts = {}) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .setIssuer(opts.issuer ?? ISSUER)
      .setSubject('oslo.sykepleier')
      .setExpirationTime(opts.exp ?? Math.floor(Date.now() / 1000) + 600)
      .sign(opts.key === 'other' ? other.privateKey : good.privateKey);
});

const person = { [CLAIMS.tenant]: '0301', [CLAIMS.roles]: ['clinician'], [CLAIMS.hpr]: '9100001', [CLAIMS.pid]: '15838512329' };

describe('token verification', () => {
  it('turns a valid token into a caller', async () => {
    const caller = await verify(`Bearer ${await sign(person)}`);
    expect(caller).toMatchObject({ sub: 'oslo.sykepleier', kind: 'person', tenant: '0301', roles: ['clinician'], hpr: '9100001' });
  });

  it.each([
    ['a bad signature', { key: 'other' as const }, /signatur|ukjent nøkkel/i],
    ['a wrong issuer', { issuer: 'https://evil.example/' }, /iss/],
    ['an expired token', { exp: Math.floor(Date.now() / 1000) - 3600 }, /utløpt/],
  ])('refuses %s', async (_why, opts, message) => {
    const token = await sign(person, opts);
    await expect(verify(`Bearer ${token}`)).rejects.toThrow(message);
    await expect(verify(`Bearer ${token}`)).rejects.toBeInstanceOf(UnauthenticatedError);
  });

  it('refuses a missing or malformed header', async () => {
    await expect(verify(undefined)).rejects.toBeInstanceOf(UnauthenticatedError);
    await expect(verify('Basic abc')).rejects.toBeInstanceOf(UnauthenticatedError);
  });

  it('refuses a token whose roles are not ours', async () => {
    await expect(verify(`Bearer ${await sign({ ...person, [CLAIMS.roles]: ['superuser'] })}`)).rejects.toBeInstanceOf(UnauthenticatedError);
  });

  it('marks a client-credentials token as a vendor client', async () => {
    const caller = await verify(`Bearer ${await sign({ client_id: 'vendor-1', scope: 'journal.read' })}`);
    expect(caller).toMatchObject({ kind: 'client', roles: ['vendor'], scopes: ['journal.read'], clientId: 'vendor-1' });
  });
});
