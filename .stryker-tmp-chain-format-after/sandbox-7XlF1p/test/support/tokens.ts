// @ts-nocheck
import { createHash } from 'node:crypto';
import { tenantDb } from './tables';
import { expect } from 'vitest';
import type { LocalTokenIssuer, TokenOverrides } from '../../local/token-issuer';
import { syntheticNationalId } from '../../shared/contracts/identifiers';
import { controlKeys } from '../../shared/tenancy/control-keys';

/**
 * Tokens for tests, all HelseID-shaped (pid, hpr_number, security level, audience; no municipality
 * or roles: the services read those from the registry). A demo user (person, citizen, operator)
 * logs in at the local issuer's token endpoint, as the web client does; a vendor client uses
 * client credentials or, with its grant written straight into the control table, a token from
 * the issuer itself.
 */

/**
 * A synthetic fødselsnummer (Test-Norge style, month + 80) that is the same for the same `seed`:
 * the pid of a test user, so their token finds them in the registry.
 */
export function syntheticPidFor(seed: string): string {
  const h = createHash('sha256').update(seed).digest();
  return syntheticNationalId({ day: 1 + ((h[0] ?? 0) % 28), month: 1 + ((h[1] ?? 0) % 12), year: 1940 + ((h[2] ?? 0) % 60) }, ((h[3] ?? 0) * 256 + (h[4] ?? 0)) % 1000);
}

/** A HelseID-shaped token for a person known by `pid` (in the registry or not), signed by the local issuer. */
export async function personToken(issuer: LocalTokenIssuer, person: { pid: string; name?: string; hpr?: string; securityLevel?: string }, overrides: TokenOverrides = {}): Promise<string> {
  return (await issuer.issueForPerson({ name: 'Test Testesen', ...person }, 600, overrides)).access_token;
}

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

/** A demo user's login through vendor client `clientId` (client authenticated): the token endpoint's answer. */
export function onBehalfLogin(baseUrl: string, username: string, clientId: string, secret: string, scope: string): Promise<Response> {
  const form = new URLSearchParams({ grant_type: 'urn:fellesjournal:demo-login', username, client_id: clientId, client_secret: secret, scope });
  return fetch(`${baseUrl}/local-auth/token`, { method: 'POST', body: form });
}

/** A user token issued to vendor client `clientId` for demo user `username` (the vendor on behalf of them); must succeed. */
export async function onBehalfToken(baseUrl: string, username: string, clientId: string, secret: string, scope: string): Promise<string> {
  const res = await onBehalfLogin(baseUrl, username, clientId, secret, scope);
  expect(res.status).toBe(200);
  return ((await res.json()) as { access_token: string }).access_token;
}
