// @ts-nocheck
import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../local/stack';
import { startTestStack, type TestStack } from '../support/local-stack';
import { syntheticPidFor } from '../support/tokens';

/** Issue 16, item 13: the operator's vendor list shows grants; a CLI-created admin can log in locally. */

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => stack?.stop());

/** Runs the operator CLI as a child process, as `npm run ops -- ...` would. */
function ops(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolvePromise) => {
    execFile(process.execPath, ['--import', 'tsx', 'local/ops-cli.ts', ...args, '--url', stack.url], { cwd: REPO_ROOT, env: { ...process.env, FJ_URL: '' }, timeout: 60_000 }, (error, stdout, stderr) => {
      resolvePromise({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

/** What the web client's local login does: the demo user list, then the demo-login grant. */
async function demoLogin(username: string): Promise<Response> {
  return fetch(`${stack.url}/local-auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'urn:fellesjournal:demo-login', username }),
  });
}

describe('a municipality created with the operator CLI', () => {
  it('has a first admin who is offered by the local login, gets a token and can call GET /v1/me', async () => {
    const created = await ops('tenants', 'create', '5501', '--name', 'Tromsø', '--region', 'eu-north-1', '--admin', 'tromso.admin', '--admin-pid', syntheticPidFor('tromso.admin'), '--unit', 'hjemmetjeneste:Hjemmetjenesten Tromsøya');
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);

    const listed = (await (await fetch(`${stack.url}/local-auth/demo-users`)).json()) as { id: string; tenant?: string; roles: string[] }[];
    expect(listed).toContainEqual(expect.objectContaining({ id: 'tromso.admin', tenant: '5501', roles: expect.arrayContaining(['tenant-admin']) as unknown }));

    const login = await demoLogin('tromso.admin');
    expect(login.status).toBe(200);
    const { access_token: token } = (await login.json()) as { access_token: string };
    const me = await fetch(`${stack.url}/v1/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ tenant: '5501' });
    const tenant = await fetch(`${stack.url}/v1/tenant`, { headers: { authorization: `Bearer ${token}` } });
    expect(tenant.status).toBe(200);
  });
});

describe("the operator's vendor list", () => {
  it('shows each vendor with the municipalities that granted it access, and their state', async () => {
    const registered = await stack.call('/ops/v1/vendors', {
      method: 'POST',
      as: 'drift',
      json: { name: 'Listesystem AS', orgNumber: '123456785', contact: { name: 'Lise Liste', email: 'lise@listesystem.example' } },
    });
    expect(registered.status).toBe(201);
    const { clientId } = (await registered.json()) as { clientId: string };
    expect((await stack.call(`/v1/admin/vendor-grants/${clientId}`, { method: 'PUT', as: 'bergen.admin', json: { scopes: ['journal.read'] } })).status).toBe(200);
    expect((await stack.call(`/v1/admin/vendor-grants/${clientId}`, { method: 'PUT', as: 'oslo.admin', json: { scopes: ['journal.read', 'sharing.read'] } })).status).toBe(200);
    expect((await stack.call(`/v1/admin/vendor-grants/${clientId}`, { method: 'DELETE', as: 'oslo.admin' })).status).toBe(200);

    const list = await stack.call('/ops/v1/vendors', { as: 'drift' });
    expect(list.status).toBe(200);
    const { items } = (await list.json()) as { items: { clientId: string; grants: { tenant: string; status: string; scopes: string[] }[] }[] };
    const vendor = items.find((v) => v.clientId === clientId);
    expect(vendor?.grants.map((g) => [g.tenant, g.status, g.scopes]).sort()).toEqual([
      ['0301', 'revoked', ['journal.read', 'sharing.read']],
      ['4601', 'active', ['journal.read']],
    ]);
    // The same grants the single-vendor view shows.
    const one = (await (await stack.call(`/ops/v1/vendors/${clientId}`, { as: 'drift' })).json()) as { grants: unknown[] };
    expect(one.grants).toHaveLength(2);
  });
});
