// @ts-nocheck
import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { describe, expect, it } from 'vitest';
import { JWT_BEARER_ASSERTION } from '../../local/client-assertion';
import { useTestStack } from '../support/local-stack';
import { readJson } from '../support/requests';

/** private_key_jwt client authentication (RFC 7523) at the local issuer, as HelseID requires (issue 13.2). */
const stack = useTestStack();

let clientId: string;
let privateKey: CryptoKey;

function assertion(key: CryptoKey, claims: { iss?: string; aud?: string; jti?: string } = {}): Promise<string> {
  return new SignJWT({})
    .setProtectedHeader({ alg: 'ES256' })
    .setIssuer(claims.iss ?? clientId)
    .setSubject(claims.iss ?? clientId)
    .setAudience(claims.aud ?? `${stack.issuer.issuer}/token`)
    .setJti(claims.jti ?? randomUUID())
    .setIssuedAt()
    .setExpirationTime('60s')
    .sign(key);
}

function tokenRequest(grant: Record<string, string>, clientAssertion: string): Promise<Response> {
  const form = new URLSearchParams({ ...grant, client_assertion_type: JWT_BEARER_ASSERTION, client_assertion: clientAssertion });
  return fetch(`${stack.url}/local-auth/token`, { method: 'POST', body: form });
}

describe('private_key_jwt at the local token endpoint', () => {
  it('issues a client-credentials token for an assertion signed with the registered key, once per jti', async () => {
    const pair = await generateKeyPair('ES256', { extractable: true });
    privateKey = pair.privateKey;
    const publicKeyJwk = { ...(await exportJWK(pair.publicKey)), alg: 'ES256', use: 'sig' };
    const res = await stack.call('/ops/v1/vendors', { method: 'POST', as: 'drift', json: { name: 'Nøkkelsystem AS', orgNumber: '971524960', contact: { name: 'Kari Key', email: 'kari@nokkel.example' }, publicKeyJwk } });
    expect(res.status).toBe(201);
    ({ clientId } = await readJson<{ clientId: string }>(res));
    expect((await stack.call(`/v1/admin/vendor-grants/${clientId}`, { method: 'PUT', as: 'oslo.admin', json: { scopes: ['journal.read'] } })).status).toBe(200);

    const signed = await assertion(privateKey, { jti: 'assertion-1' });
    const ok = await tokenRequest({ grant_type: 'client_credentials', scope: 'journal.read' }, signed);
    expect(ok.status).toBe(200);
    const token = (await readJson<{ access_token: string }>(ok)).access_token;
    expect((await stack.call('/v1/units', { token, tenant: '0301' })).status).toBe(200);
    // Replayed: refused.
    expect((await tokenRequest({ grant_type: 'client_credentials' }, signed)).status).toBe(401);
  });

  it('refuses an assertion for another audience, signed with another key, or naming another client', async () => {
    expect((await tokenRequest({ grant_type: 'client_credentials' }, await assertion(privateKey, { aud: 'https://elsewhere.example/token' }))).status).toBe(401);
    const stranger = await generateKeyPair('ES256');
    expect((await tokenRequest({ grant_type: 'client_credentials' }, await assertion(stranger.privateKey))).status).toBe(401);
    expect((await tokenRequest({ grant_type: 'client_credentials', client_id: 'vnd-0000000000000000' }, await assertion(privateKey))).status).toBe(401);
    expect((await tokenRequest({ grant_type: 'client_credentials' }, 'not-a-jwt')).status).toBe(401);
  });

  it('authenticates the vendor for a clinician login on her behalf', async () => {
    const res = await tokenRequest({ grant_type: 'urn:fellesjournal:demo-login', username: 'oslo.lege', scope: 'journal.read' }, await assertion(privateKey));
    expect(res.status).toBe(200);
    const token = (await readJson<{ access_token: string }>(res)).access_token;
    expect((await stack.call('/v1/units', { token })).status).toBe(200);
  });
});
