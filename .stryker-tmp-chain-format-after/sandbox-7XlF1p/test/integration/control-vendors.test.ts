// @ts-nocheck
import { platformDb } from '../../shared/db/sessions';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PLATFORM_AUDIT_TENANT } from '../../functions/vendors/vendor-service';
import { syntheticNationalId } from '../../shared/contracts/identifiers';
import { controlKeys } from '../../shared/tenancy/control-keys';
import { useTestStack } from '../support/local-stack';
import { readJson } from '../support/requests';
import { auditEvents } from '../support/tables';
import { clientCredentialsLogin, clientCredentialsToken } from '../support/tokens';

const stack = useTestStack();

const clientToken = (clientId: string, secret: string, scope?: string) => clientCredentialsLogin(stack.url, clientId, secret, scope);
const tokenFor = (clientId: string, secret: string, scope?: string) => clientCredentialsToken(stack.url, clientId, secret, scope);

function asVendor(token: string, path: string, tenant: string, init: { method?: string; json?: unknown; headers?: Record<string, string> } = {}) {
  return stack.call(path, { method: 'GET', ...init, token, tenant });
}

const registration = { name: 'Journalsystem AS', orgNumber: '915933149', contact: { name: 'Vera Vendor', email: 'vera@journalsystem.example' } };
let clientId: string;
let secret: string;

describe('registering vendor clients', () => {
  it('registers a vendor: client id and secret shown once, only a hash stored, API key on the usage plan', async () => {
    const res = await stack.call('/ops/v1/vendors', { method: 'POST', as: 'drift', json: registration });
    expect(res.status).toBe(201);
    const body = await readJson<{ clientId: string; clientSecret: string; apiKey: string; vendor: Record<string, unknown> }>(res);
    expect(body.clientId).toMatch(/^vnd-[0-9a-f]{16}$/);
    expect(body.clientSecret.length).toBeGreaterThanOrEqual(43);
    expect(body.apiKey.length).toBeGreaterThanOrEqual(20);
    expect(body.vendor).toMatchObject({ name: 'Journalsystem AS', orgNumber: '915933149', status: 'active', hasPublicKey: false });
    ({ clientId, clientSecret: secret } = body);

    const key = controlKeys.vendor(clientId);
    const item = await platformDb().get('control', key.pk, key.sk);
    expect(String(item?.secretHash)).toMatch(/^scrypt\$/);
    // The authorizer can match a presented x-api-key to this client without the key being stored.
    expect(item?.apiKeyHash).toBe(createHash('sha256').update(body.apiKey).digest('hex'));
    expect(item).toMatchObject({ plan: 'standard' });
    expect(JSON.stringify(item)).not.toContain(secret);
    expect(JSON.stringify(item)).not.toContain(body.apiKey);
    // Never shown again.
    const shown = await readJson(await stack.call(`/ops/v1/vendors/${clientId}`, { as: 'drift' }));
    expect(JSON.stringify(shown)).not.toContain(secret);
    expect(shown).not.toHaveProperty('secretHash');
  });

  it('validates the organisation number (mod 11), refuses duplicates and non-operators', async () => {
    const bad = await stack.call('/ops/v1/vendors', { method: 'POST', as: 'drift', json: { ...registration, name: 'Annen AS', orgNumber: '123456789' } });
    expect(bad.status).toBe(400);
    expect((await readJson<{ errors: { field: string }[] }>(bad)).errors.map((e) => e.field)).toEqual(['body.orgNumber']);
    expect((await stack.call('/ops/v1/vendors', { method: 'POST', as: 'drift', json: registration })).status).toBe(409);
    expect((await stack.call('/ops/v1/vendors', { method: 'POST', as: 'bergen.admin', json: { ...registration, name: 'Tredje AS' } })).status).toBe(403);
    const list = await readJson<{ items: { clientId: string }[] }>(await stack.call('/ops/v1/vendors', { as: 'drift' }));
    expect(list.items.map((v) => v.clientId)).toEqual([clientId]);
  });

  it('issues client-credentials tokens only for the right secret', async () => {
    expect((await clientToken(clientId, 'wrong-secret')).status).toBe(401);
    expect((await clientToken('vnd-0000000000000000', secret)).status).toBe(401);
    expect((await clientToken(clientId, secret, 'journal.read')).status).toBe(200);
  });
});

describe('a vendor acts only for the municipalities that granted it, within their scopes', () => {
  let token: string;

  it('is refused everywhere before any grant', async () => {
    token = await tokenFor(clientId, secret, 'journal.read journal.write');
    expect((await asVendor(token, '/v1/units', '4601')).status).toBe(403);
  });

  it('works for the granting municipality and nowhere else', async () => {
    const catalogue = await readJson<{ items: { clientId: string }[] }>(await stack.call('/v1/admin/vendors', { as: 'bergen.admin' }));
    expect(catalogue.items.map((v) => v.clientId)).toContain(clientId);

    const grant = await stack.call(`/v1/admin/vendor-grants/${clientId}`, { method: 'PUT', as: 'bergen.admin', json: { scopes: ['journal.read'] } });
    expect(grant.status).toBe(200);
    expect(await readJson(grant)).toMatchObject({ clientId, tenant: '4601', status: 'active', scopes: ['journal.read'], grantedBy: 'bergen.admin' });

    const units = await asVendor(token, '/v1/units', '4601');
    expect(units.status).toBe(200);
    expect((await readJson<{ items: { id: string }[] }>(units)).items.map((u) => u.id)).toContain('4601-hjem-fana');
    for (const other of ['0301', '1804']) expect((await asVendor(token, '/v1/units', other)).status).toBe(403);
    // Admin routes declare no vendor scopes: never open to vendors.
    expect((await asVendor(token, '/v1/admin/users', '4601')).status).toBe(403);
  });

  it('is refused for scopes the municipality did not grant or the token does not carry', async () => {
    expect((await stack.call(`/v1/admin/vendor-grants/${clientId}`, { method: 'PUT', as: 'oslo.admin', json: { scopes: ['sharing.read'] } })).status).toBe(200);
    const refused = await asVendor(token, '/v1/units', '0301');
    expect(refused.status).toBe(403);
    expect(await readJson(refused)).toMatchObject({ missingScopes: ['journal.read'] });

    const narrow = await tokenFor(clientId, secret, 'sharing.read');
    expect((await asVendor(narrow, '/v1/units', '4601')).status).toBe(403);
  });

  it('writes and reads the granting municipality’s journal only within the granted scopes', async () => {
    const patient = { nationalId: syntheticNationalId({ day: 2, month: 2, year: 1970 }, 555), name: 'Vendor Pasientsen', birthDate: '1970-02-02', gender: 'male' };
    const create = (t: string, key: string) => asVendor(t, '/v1/patients', '4601', { method: 'POST', json: patient, headers: { 'idempotency-key': key } });
    // Bergen granted journal.read only: writing is refused.
    const refused = await create(token, 'vendor-create-1');
    expect(refused.status).toBe(403);
    expect(await readJson(refused)).toMatchObject({ missingScopes: ['journal.write'] });

    expect((await stack.call(`/v1/admin/vendor-grants/${clientId}`, { method: 'PUT', as: 'bergen.admin', json: { scopes: ['journal.read', 'journal.write'] } })).status).toBe(200);
    const created = await create(token, 'vendor-create-2');
    expect(created.status).toBe(201);
    const { id } = await readJson<{ id: string }>(created);
    expect((await asVendor(token, `/v1/patients/${id}`, '4601')).status).toBe(200);
    // The same token for a municipality that did not grant it: refused before any data is touched.
    const elsewhere = await asVendor(token, `/v1/patients/${id}`, '1804');
    expect(elsewhere.status).toBe(403);
    expect((await readJson<{ detail: string }>(elsewhere)).detail).toMatch(/ikke gitt dette leverandørsystemet tilgang/);
    // A token without journal.write cannot write even where the grant allows it.
    const readOnly = await tokenFor(clientId, secret, 'journal.read');
    expect((await create(readOnly, 'vendor-create-3')).status).toBe(403);
  });

  it('stops working on the next request after the grant is revoked', async () => {
    expect((await asVendor(token, '/v1/units', '4601')).status).toBe(200);
    const revoked = await stack.call(`/v1/admin/vendor-grants/${clientId}`, { method: 'DELETE', as: 'bergen.admin' });
    expect(revoked.status).toBe(200);
    expect(await readJson(revoked)).toMatchObject({ status: 'revoked', revokedBy: 'bergen.admin' });
    expect((await asVendor(token, '/v1/units', '4601')).status).toBe(403);

    const grants = await readJson<{ items: { clientId: string; status: string }[] }>(await stack.call('/v1/admin/vendor-grants', { as: 'bergen.admin' }));
    expect(grants.items).toEqual([expect.objectContaining({ clientId, status: 'revoked', vendorName: 'Journalsystem AS' })]);
    // Oslo's admin sees only Oslo's grant.
    const oslo = await readJson<{ items: { tenant: string }[] }>(await stack.call('/v1/admin/vendor-grants', { as: 'oslo.admin' }));
    expect(oslo.items.map((g) => g.tenant)).toEqual(['0301']);
  });

  it('is cut off everywhere when the operator disables it, and its secret can be rotated', async () => {
    await stack.call(`/v1/admin/vendor-grants/${clientId}`, { method: 'PUT', as: 'bergen.admin', json: { scopes: ['journal.read'] } });
    expect((await asVendor(token, '/v1/units', '4601')).status).toBe(200);

    expect((await stack.call(`/ops/v1/vendors/${clientId}/disable`, { method: 'POST', as: 'drift', json: { reason: 'Sikkerhetshendelse' } })).status).toBe(200);
    expect((await asVendor(token, '/v1/units', '4601')).status).toBe(403);
    expect((await clientToken(clientId, secret)).status).toBe(401);
    // A disabled vendor cannot be granted.
    expect((await stack.call(`/v1/admin/vendor-grants/${clientId}`, { method: 'PUT', as: 'bodo.admin', json: { scopes: ['journal.read'] } })).status).toBe(404);

    expect((await stack.call(`/ops/v1/vendors/${clientId}/enable`, { method: 'POST', as: 'drift' })).status).toBe(200);
    expect((await asVendor(token, '/v1/units', '4601')).status).toBe(200);

    const rotated = await stack.call(`/ops/v1/vendors/${clientId}/secret`, { method: 'POST', as: 'drift' });
    expect(rotated.status).toBe(200);
    const fresh = (await readJson<{ clientSecret: string }>(rotated)).clientSecret;
    expect(fresh).not.toBe(secret);
    expect((await clientToken(clientId, secret)).status).toBe(401);
    expect((await clientToken(clientId, fresh)).status).toBe(200);

    const shown = await readJson<{ grants: { tenant: string; status: string }[] }>(await stack.call(`/ops/v1/vendors/${clientId}`, { as: 'drift' }));
    expect(shown.grants.map((g) => `${g.tenant}:${g.status}`).sort()).toEqual(['0301:active', '4601:active']);
  });

  it('audits grants in the municipality’s log and registry actions in the platform log', async () => {
    const read = async (tenant: string) => (await auditEvents<{ action: string; purposeOfUse: string }>(tenant)).map((e) => `${e.action}:${e.purposeOfUse}`);
    expect(await read('4601')).toEqual(['vendor.grant:ADMIN', 'vendor.grant:ADMIN', 'vendor.revoke:ADMIN', 'vendor.grant:ADMIN', 'vendor.disable:OPERATE', 'vendor.enable:OPERATE']);
    expect(await read(PLATFORM_AUDIT_TENANT)).toEqual(['vendor.register:OPERATE', 'vendor.disable:OPERATE', 'vendor.enable:OPERATE', 'vendor.secret.rotate:OPERATE']);
  });
});
