// @ts-nocheck
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { useBrowser, withActor, type Actor } from './browser';

/**
 * The AWS login path: the OIDC authorization-code flow with PKCE, against a small stand-in
 * issuer on its own port. The stand-in checks what a real one would (S256 challenge against the
 * verifier, redirect URI, client id, single-use codes) and hands out a token the local stack
 * trusts, so the client goes on to work normally afterwards.
 */
const baseUrl = inject('baseUrl');
const b64url = (b: Buffer | string) => Buffer.from(b).toString('base64url');

interface Pending {
  challenge: string;
  redirectUri: string;
  nonce: string;
}

const browser = useBrowser();
let server: Server;
let issuer = '';
const codes = new Map<string, Pending>();
const seen: { verifierChecked: number; authorizeParams?: URLSearchParams } = { verifierChecked: 0 };

async function demoToken(user: string): Promise<{ access_token: string; expires_in: number }> {
  const res = await fetch(`${baseUrl}/local-auth/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'urn:fellesjournal:demo-login', username: user }) });
  return (await res.json()) as { access_token: string; expires_in: number };
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', issuer);
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json', 'access-control-allow-origin': '*', 'cache-control': 'no-store' });
      res.end(JSON.stringify(body));
    };
    if (url.pathname === '/.well-known/openid-configuration') {
      return json(200, { issuer, authorization_endpoint: `${issuer}/authorize`, token_endpoint: `${issuer}/token`, end_session_endpoint: `${issuer}/logout` });
    }
    if (url.pathname === '/authorize') {
      const p = url.searchParams;
      seen.authorizeParams = p;
      if (p.get('response_type') !== 'code' || p.get('client_id') !== 'fj-web' || p.get('code_challenge_method') !== 'S256' || !p.get('code_challenge') || !p.get('state')) {
        return json(400, { error: 'invalid_request' });
      }
      const code = b64url(randomBytes(16));
      codes.set(code, { challenge: p.get('code_challenge') ?? '', redirectUri: p.get('redirect_uri') ?? '', nonce: p.get('nonce') ?? '' });
      const back = new URL(p.get('redirect_uri') ?? '');
      back.search = new URLSearchParams({ code, state: p.get('state') ?? '', iss: issuer }).toString();
      res.writeHead(302, { location: back.href });
      return res.end();
    }
    if (url.pathname === '/token' && req.method === 'POST') {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        void (async () => {
          const form = new URLSearchParams(body);
          const pending = codes.get(form.get('code') ?? '');
          codes.delete(form.get('code') ?? '');
          if (!pending || form.get('grant_type') !== 'authorization_code' || form.get('client_id') !== 'fj-web' || form.get('redirect_uri') !== pending.redirectUri) {
            return json(400, { error: 'invalid_grant' });
          }
          // PKCE (RFC 7636 §4.6): BASE64URL(SHA256(verifier)) must equal the challenge.
          if (b64url(createHash('sha256').update(form.get('code_verifier') ?? '').digest()) !== pending.challenge) {
            return json(400, { error: 'invalid_grant', error_description: 'PKCE verification failed' });
          }
          seen.verifierChecked++;
          const token = await demoToken('oslo.lege');
          const idToken = `${b64url(JSON.stringify({ alg: 'none' }))}.${b64url(JSON.stringify({ iss: issuer, aud: 'fj-web', nonce: pending.nonce, sub: 'oslo.lege' }))}.`;
          json(200, { access_token: token.access_token, token_type: 'Bearer', expires_in: token.expires_in, id_token: idToken });
        })();
      });
      return;
    }
    json(404, { error: 'not_found' });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const addr = server.address();
  issuer = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
});

afterAll(async () => {
  await new Promise<void>((r) => server?.close(() => r()));
});

async function oidcPage(): Promise<Actor> {
  // The gateway's CSP allows connections to its own origin only; in AWS the CloudFront policy
  // must name the issuer in connect-src. Here the stand-in issuer lives on another port.
  const context = await browser().newContext({ bypassCSP: true, viewport: { width: 1280, height: 860 } });
  await context.route('**/config.json', (route) => route.fulfill({ json: { auth: { mode: 'oidc', issuer, clientId: 'fj-web', scope: 'openid profile' } } }));
  return { context, page: await context.newPage() };
}

describe('OIDC authorization-code flow with PKCE', () => {
  it('logs in through the issuer and returns to the page the user asked for', async () => {
    await withActor(oidcPage, 'oidc-login', async (page) => {
      await page.goto(`${baseUrl}/patients`);
      await page.getByRole('button', { name: 'Logg inn' }).click();
      await page.getByRole('heading', { level: 1, name: 'Finn pasient' }).waitFor();
      await page.getByTestId('who').getByText('Lars Lege (oslo)').waitFor();
      expect(seen.verifierChecked).toBe(1);
      expect(seen.authorizeParams?.get('redirect_uri')).toBe(`${baseUrl}/auth/callback`);
      // The code and state are gone from the address bar; the verifier is gone from storage.
      expect(page.url()).toBe(`${baseUrl}/patients`);
      const storage = await page.evaluate(() => Object.keys(sessionStorage));
      expect(storage).toEqual(['fj.session']);
    });
  });

  it('refuses an answer that does not belong to a login started here (state), with a message', async () => {
    await withActor(oidcPage, 'oidc-forged-state', async (page) => {
      await page.goto(`${baseUrl}/auth/callback?code=forged&state=forged`);
      await page.locator('[data-testid="login-reason"]', { hasText: 'Innloggingen mislyktes.' }).waitFor();
      expect(await page.evaluate(() => sessionStorage.getItem('fj.session'))).toBeNull();
    });
  });
});
