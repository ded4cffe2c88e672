// @ts-nocheck
import { tenantDb } from '../support/tables';
import { describe, expect, it } from 'vitest';
import { controlKeys } from '../../shared/tenancy/control-keys';
import { crashRoute, echoRoute } from '../fixtures/echo-route';
import { useTestStack } from '../support/local-stack';
import { DEMO_USERS } from '../../local/demo-data';
import { demoLogin } from '../support/tokens';

const stack = useTestStack({ extraRoutes: [echoRoute, crashRoute] });

async function problemOf(res: Response) {
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  return (await res.json()) as { status: number; title: string; detail?: string; requestId?: string; errors?: { field: string; message: string }[] };
}

async function setTenantStatus(tenant: string, status: string) {
  const key = controlKeys.tenant(tenant);
  await tenantDb(tenant).update('control', key, { expression: 'SET #s = :s', names: { '#s': 'status' }, values: { ':s': status } });
}

describe('the local gateway and the one middleware stack', () => {
  it('answers /health without a token', async () => {
    const res = await stack.call('/health');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok' });
  });

  it('accepts a demo token from the local issuer on an authenticated route', async () => {
    const tokenRes = await fetch(`${stack.url}/local-auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=urn:fellesjournal:demo-login&username=bergen.lege',
    });
    expect(tokenRes.status).toBe(200);
    const { access_token } = (await tokenRes.json()) as { access_token: string };
    const res = await stack.call('/v1/me', { token: access_token });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ sub: 'bergen.lege', tenant: '4601', roles: ['clinician'], profession: 'lege' });
  });

  it('publishes the issuer discovery document and JWKS', async () => {
    const discovery = (await (await stack.call('/local-auth/.well-known/openid-configuration')).json()) as { jwks_uri: string; issuer: string };
    expect(discovery.issuer).toBe(`${stack.url}/local-auth`);
    const jwks = (await (await fetch(discovery.jwks_uri)).json()) as { keys: unknown[] };
    expect(jwks.keys).toHaveLength(1);
  });

  it('refuses an unknown demo user at the token endpoint', async () => {
    const res = await demoLogin(stack.url, 'nobody');
    expect(res.status).toBe(400);
  });

  it.each([
    ['no token', undefined],
    ['a malformed token', 'Bearer not.a.jwt'],
  ])('gives 401 problem+json for %s', async (_why, authorization) => {
    const res = await stack.call('/v1/me', { headers: authorization ? { authorization } : {} });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer realm="fellesjournal"/);
    expect((await problemOf(res)).status).toBe(401);
  });

  it('gives 401 for a token with a bad signature, a wrong issuer or that has expired', async () => {
    const user = DEMO_USERS.find((u) => u.id === 'oslo.sykepleier')!;
    const valid = (await stack.issuer.issueForUser(user)).access_token;
    const [h, p, s] = valid.split('.');
    const badSignature = `${h}.${p}.${s?.startsWith('A') ? 'B' : 'A'}${s?.slice(1)}`;
    const wrongIssuer = (await stack.issuer.issueForUser(user, 600, { issuer: 'https://someone-else.example/' })).access_token;
    const expired = (await stack.issuer.issueForUser(user, 600, { expiresAt: Math.floor(Date.now() / 1000) - 60 })).access_token;
    const otherAudience = (await stack.issuer.issueForUser(user, 600, { audience: 'another-api' })).access_token;
    for (const token of [badSignature, wrongIssuer, expired, otherAudience]) {
      const res = await stack.call('/v1/me', { token });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="fellesjournal", error="invalid_token"');
      await problemOf(res);
    }
    expect((await stack.call('/v1/me', { token: valid })).status).toBe(200);
  });

  it('gives 400 problem+json for malformed JSON', async () => {
    const res = await stack.call('/v1/test-echo/abc', { method: 'POST', as: 'oslo.sykepleier', headers: { 'content-type': 'application/json' }, body: '{"name": "x",' });
    expect(res.status).toBe(400);
    const problem = await problemOf(res);
    expect(problem.errors).toEqual([{ field: 'body', message: 'Ugyldig JSON' }]);
  });

  it('gives 400 problem+json naming every invalid field in body, path and query', async () => {
    const res = await stack.call('/v1/test-echo/ABC?mode=z', { method: 'POST', as: 'oslo.sykepleier', json: { name: '', count: -1 } });
    expect(res.status).toBe(400);
    const fields = (await problemOf(res)).errors?.map((e) => e.field).sort();
    expect(fields).toEqual(['body.count', 'body.name', 'path.thing', 'query.mode']);
  });

  it('passes valid input through to the handler, with the caller and tenant', async () => {
    const res = await stack.call('/v1/test-echo/abc?mode=b', { method: 'POST', as: 'oslo.sykepleier', json: { name: 'x', count: 2 } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ body: { name: 'x', count: 2 }, params: { thing: 'abc' }, query: { mode: 'b' }, tenant: '0301', sub: 'oslo.sykepleier' });
  });

  it('gives 415 for a body that is not JSON', async () => {
    const res = await stack.call('/v1/test-echo/abc', { method: 'POST', as: 'oslo.sykepleier', headers: { 'content-type': 'text/plain' }, body: 'hei' });
    expect(res.status).toBe(415);
  });

  it('gives 403 when the role does not fit the route', async () => {
    const res = await stack.call('/v1/test-echo/abc', { method: 'POST', as: 'oslo.revisor', json: { name: 'x', count: 1 } });
    expect(res.status).toBe(403);
  });

  it('gives 404 problem+json for an unknown route and 405 for a wrong method', async () => {
    const notFound = await stack.call('/v1/no-such-thing');
    expect(notFound.status).toBe(404);
    await problemOf(notFound);
    const wrongMethod = await stack.call('/health', { method: 'DELETE' });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('GET');
  });

  it('answers an unexpected error with a bare 500 naming the request id, never the error', async () => {
    const res = await stack.call('/v1/test-crash');
    expect(res.status).toBe(500);
    const problem = await problemOf(res);
    expect(problem.requestId).toBe(res.headers.get('x-request-id'));
    expect(JSON.stringify(problem)).not.toMatch(/secret|var\/task|stack/i);
  });

  it('refuses every request of a suspended tenant with 403, and serves it again once active', async () => {
    expect((await stack.call('/v1/tenant', { as: 'bodo.sykepleier' })).status).toBe(200);
    await setTenantStatus('1804', 'suspended');
    try {
      const res = await stack.call('/v1/tenant', { as: 'bodo.sykepleier' });
      expect(res.status).toBe(403);
      expect((await problemOf(res)).title).toBe('Kommunen er suspendert');
      expect((await stack.call('/v1/test-echo/abc', { method: 'POST', as: 'bodo.sykepleier', json: { name: 'x', count: 1 } })).status).toBe(403);
      // Other municipalities are unaffected.
      expect((await stack.call('/v1/tenant', { as: 'oslo.sykepleier' })).status).toBe(200);
    } finally {
      await setTenantStatus('1804', 'active');
    }
    expect((await stack.call('/v1/tenant', { as: 'bodo.sykepleier' })).status).toBe(200);
  });

  it('passes a caller-given correlation id through', async () => {
    const res = await stack.call('/health', { headers: { 'x-correlation-id': 'abc-123' } });
    expect(res.headers.get('x-correlation-id')).toBe('abc-123');
  });

  it('serves the web client at /', async () => {
    const res = await stack.call('/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  });

  it('publishes OpenAPI generated from the route table', async () => {
    const doc = (await (await stack.call('/openapi.json')).json()) as { openapi: string; paths: Record<string, Record<string, { operationId: string }>> };
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.paths['/v1/me']?.get?.operationId).toBe('getMe');
    expect(doc.paths['/v1/tenant']?.get?.operationId).toBe('getOwnTenant');
  });
});
