// @ts-nocheck
import type { AuthConfig } from '../config';
import { codeChallenge, randomToken } from './pkce';

type OidcConfig = Extract<AuthConfig, { mode: 'oidc' }>;

interface Discovery {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  end_session_endpoint?: string;
}

/** What survives the round trip to the issuer: one login attempt, used once. */
interface PendingLogin {
  state: string;
  verifier: string;
  nonce: string;
  returnTo: string;
  createdAt: number;
}

export interface OidcTokens {
  accessToken: string;
  expiresIn?: number;
  idToken?: string;
  returnTo: string;
}

/** A login that failed at the issuer or on the way back; the message is shown on the login page. */
export class OidcError extends Error {
  constructor(
    readonly code: 'state' | 'expired' | 'issuer' | 'denied' | 'token' | 'nonce' | 'discovery',
    message: string,
  ) {
    super(message);
    this.name = 'OidcError';
  }
}

const PENDING_KEY = 'fj.oidc.pending';
const MAX_PENDING_AGE_MS = 10 * 60_000;

let discovered: Promise<Discovery> | undefined;

async function discover(issuer: string): Promise<Discovery> {
  discovered ??= (async () => {
    const res = await fetch(`${issuer}/.well-known/openid-configuration`, { headers: { accept: 'application/json' } });
    if (!res.ok) throw new OidcError('discovery', `Discovery failed with HTTP ${res.status}`);
    const doc = (await res.json()) as Partial<Discovery>;
    // The document must describe the issuer we trust (OpenID Connect Discovery §4.3).
    if (doc.issuer?.replace(/\/+$/, '') !== issuer || !doc.authorization_endpoint || !doc.token_endpoint) {
      throw new OidcError('discovery', 'The discovery document does not match the configured issuer');
    }
    return doc as Discovery;
  })();
  try {
    return await discovered;
  } catch (error) {
    discovered = undefined;
    throw error;
  }
}

function redirectUri(cfg: OidcConfig): string {
  return new URL(cfg.redirectPath, window.location.origin).href;
}

function decodeJwtPayload(jwt: string): Record<string, unknown> | undefined {
  const part = jwt.split('.')[1];
  if (!part) return undefined;
  try {
    const json = atob(part.replace(/-/g, '+').replace(/_/g, '/'));
    const bytes = Uint8Array.from(json, (c) => c.charCodeAt(0));
    return JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** Builds the authorization request (code flow, S256 PKCE, state, nonce) and remembers the secrets. */
export async function buildAuthorizationUrl(cfg: OidcConfig, returnTo: string): Promise<string> {
  const discovery = await discover(cfg.issuer);
  const pending: PendingLogin = { state: randomToken(16), verifier: randomToken(32), nonce: randomToken(16), returnTo, createdAt: Date.now() };
  // sessionStorage: the verifier must outlive the redirect but never the tab.
  sessionStorage.setItem(PENDING_KEY, JSON.stringify(pending));
  const url = new URL(discovery.authorization_endpoint);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: cfg.clientId,
    redirect_uri: redirectUri(cfg),
    scope: cfg.scope,
    state: pending.state,
    nonce: pending.nonce,
    code_challenge: await codeChallenge(pending.verifier),
    code_challenge_method: 'S256',
  }).toString();
  return url.href;
}

/** Starts the authorization-code flow by sending the browser to the issuer. */
export async function beginOidcLogin(cfg: OidcConfig, returnTo: string): Promise<void> {
  window.location.assign(await buildAuthorizationUrl(cfg, returnTo));
}

function takePending(): PendingLogin | undefined {
  const raw = sessionStorage.getItem(PENDING_KEY);
  sessionStorage.removeItem(PENDING_KEY);
  if (!raw) return undefined;
  try {
    return JSON.parse(raw) as PendingLogin;
  } catch {
    return undefined;
  }
}

/**
 * Handles the redirect back from the issuer: checks state (CSRF), the `iss` parameter (RFC 9207,
 * mix-up attacks) and age, then redeems the code with the PKCE verifier and checks the nonce.
 */
export async function completeOidcLogin(cfg: OidcConfig, search: string): Promise<OidcTokens> {
  const params = new URLSearchParams(search);
  const pending = takePending();
  if (!pending || params.get('state') !== pending.state) throw new OidcError('state', 'The login response does not belong to a login started here');
  if (Date.now() - pending.createdAt > MAX_PENDING_AGE_MS) throw new OidcError('expired', 'The login took too long');
  const iss = params.get('iss');
  if (iss !== null && iss.replace(/\/+$/, '') !== cfg.issuer) throw new OidcError('issuer', 'The login response came from another issuer');
  const error = params.get('error');
  if (error) throw new OidcError('denied', params.get('error_description') ?? error);
  const code = params.get('code');
  if (!code) throw new OidcError('token', 'The login response has no authorization code');

  const discovery = await discover(cfg.issuer);
  const res = await fetch(discovery.token_endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectUri(cfg),
      client_id: cfg.clientId,
      code_verifier: pending.verifier,
    }),
  });
  const body = (await res.json().catch(() => ({}))) as { access_token?: string; expires_in?: number; id_token?: string; error?: string; error_description?: string };
  if (!res.ok || !body.access_token) throw new OidcError('token', body.error_description ?? body.error ?? `Token request failed with HTTP ${res.status}`);
  if (body.id_token) {
    // The signature of the id token is not our trust anchor (the API verifies the access token);
    // the nonce binds this response to the request we sent.
    const claims = decodeJwtPayload(body.id_token);
    if (claims?.nonce !== pending.nonce) throw new OidcError('nonce', 'The id token does not carry our nonce');
  }
  return { accessToken: body.access_token, expiresIn: body.expires_in, idToken: body.id_token, returnTo: pending.returnTo };
}

/** RP-initiated logout URL when the issuer offers one. */
export async function oidcLogoutUrl(cfg: OidcConfig, idToken: string | undefined): Promise<string | undefined> {
  const discovery = await discover(cfg.issuer).catch(() => undefined);
  if (!discovery?.end_session_endpoint) return undefined;
  const url = new URL(discovery.end_session_endpoint);
  const params = new URLSearchParams({ client_id: cfg.clientId, post_logout_redirect_uri: new URL(cfg.postLogoutRedirectPath ?? '/login', window.location.origin).href });
  if (idToken) params.set('id_token_hint', idToken);
  url.search = params.toString();
  return url.href;
}

export { decodeJwtPayload };
