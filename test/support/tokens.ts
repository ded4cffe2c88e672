import { tenantDb } from './tables';
import { expect } from 'vitest';
import type { LocalTokenIssuer } from '../../local/token-issuer';
import { controlKeys } from '../../shared/tenancy/control-keys';

/**
 * Tokens for tests. A demo user (person, citizen, operator) logs in at the local issuer's token
 * endpoint, as the web client does; a vendor client uses client credentials or, with its grant
 * written straight into the control table, a token from the issuer itself.
 */

/** The demo login at the gateway `baseUrl`: the token endpoint's answer, whatever it is. */
export function demoLogin(baseUrl: string, username: string): Promise<Response> {
  return fetch(`${baseUrl}/local-auth/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'urn:fellesjournal:demo-login', username }) });
}

/** A demo user's access token; the login must succeed. */
export async function demoToken(baseUrl: string, username: string): Promise<string> {
  const res = await demoLogin(baseUrl, username);
  expect(res.status).toBe(200);
  return ((await res.json()) as { access_token: string }).access_token;
}

/** The client-credentials grant at the gateway `baseUrl`: the token endpoint's answer, whatever it is. */
export function clientCredentialsLogin(baseUrl: string, clientId: string, secret: string, scope?: string): Promise<Response> {
  const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: secret, ...(scope ? { scope } : {}) });
  return fetch(`${baseUrl}/local-auth/token`, { method: 'POST', body: form });
}

/** A vendor client's access token by client credentials; the grant must succeed. */
export async function clientCredentialsToken(baseUrl: string, clientId: string, secret: string, scope?: string): Promise<string> {
  const res = await clientCredentialsLogin(baseUrl, clientId, secret, scope);
  expect(res.status).toBe(200);
  return ((await res.json()) as { access_token: string }).access_token;
}

/** Registers vendor `clientId` (active) with a grant of `scopes` from `tenant`, directly in the control table. */
export async function grantTestVendor(clientId: string, tenant: string, scopes: string[], vendor: Record<string, unknown>): Promise<void> {
  const control = tenantDb(tenant);
  await control.put('control', { ...controlKeys.vendor(clientId), ...vendor, status: 'active' });
  await control.put('control', { ...controlKeys.vendorGrant(clientId, tenant), status: 'active', scopes });
}

/** A token the local issuer signs for vendor client `clientId`, carrying `scopes`. */
export async function vendorToken(issuer: LocalTokenIssuer, clientId: string, scopes: string[]): Promise<string> {
  return (await issuer.issueForClient(clientId, scopes)).access_token;
}
