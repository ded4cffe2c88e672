import { describe, expect, it } from 'vitest';
import { useTestStack } from '../support/local-stack';
import { syntheticNationalId } from '../../shared/contracts/identifiers';
import { expectContended, newIdempotencyKey, readJson } from '../support/requests';
import { auditEvents, blockAuditLog } from '../support/tables';
import { demoLogin, demoToken, syntheticPidFor } from '../support/tokens';

const stack = useTestStack();

const login = (username: string) => demoLogin(stack.url, username);
const tokenOf = (username: string) => demoToken(stack.url, username);
const withToken = (token: string, path: string) => stack.call(path, { token });

describe('tenant admins manage the users of their own municipality', () => {
  it('lists only their own municipality’s users', async () => {
    const res = await stack.call('/v1/admin/users?limit=100', { as: 'bergen.admin' });
    expect(res.status).toBe(200);
    const ids = (await readJson<{ items: { id: string; tenant: string }[] }>(res)).items.map((u) => u.id).sort();
    expect(ids).toEqual(['bergen.admin', 'bergen.leder', 'bergen.lege', 'bergen.revisor', 'bergen.sykepleier']);
  });

  it('creates a user who can then log in', async () => {
    const res = await stack.call('/v1/admin/users', {
      method: 'POST',
      as: 'bergen.admin',
      json: { id: 'bergen.fysio', name: 'Frida Fysio', roles: ['clinician'], unit: '4601-hjem-fana', hpr: '9100555', profession: 'fysioterapeut', pid: syntheticPidFor('bergen.fysio') },
    });
    expect(res.status).toBe(201);
    expect(await readJson(res)).toMatchObject({ id: 'bergen.fysio', tenant: '4601', roles: ['clinician'], status: 'active' });
    const token = await tokenOf('bergen.fysio');
    expect((await withToken(token, '/v1/tenant')).status).toBe(200);
  });

  it('refuses roles outside clinician / tenant-admin / auditor, taken usernames and unknown units', async () => {
    const operator = await stack.call('/v1/admin/users', { method: 'POST', as: 'bergen.admin', json: { id: 'bergen.drift', name: 'Drift Bergen', roles: ['operator'] } });
    expect(operator.status).toBe(400);
    expect((await readJson<{ errors: { field: string }[] }>(operator)).errors[0]?.field).toBe('body.roles.0');
    const taken = await stack.call('/v1/admin/users', { method: 'POST', as: 'bergen.admin', json: { id: 'oslo.lege', name: 'Falsk Lege', roles: ['clinician'] } });
    expect(taken.status).toBe(409);
    const unit = await stack.call('/v1/admin/users', { method: 'POST', as: 'bergen.admin', json: { id: 'bergen.ny', name: 'Ny Bruker', roles: ['clinician'], unit: '0301-hjem-sagene' } });
    expect(unit.status).toBe(400);
    const escalate = await stack.call('/v1/admin/users/bergen.lege', { method: 'PATCH', as: 'bergen.admin', json: { roles: ['operator'] } });
    expect(escalate.status).toBe(400);
  });

  it('cannot see or change users of another municipality, nor operators or citizens', async () => {
    for (const id of ['oslo.lege', 'drift', 'innbygger.ola']) {
      expect((await stack.call(`/v1/admin/users/${id}`, { as: 'bergen.admin' })).status).toBe(404);
      expect((await stack.call(`/v1/admin/users/${id}`, { method: 'PATCH', as: 'bergen.admin', json: { status: 'disabled' } })).status).toBe(404);
    }
    expect((await stack.call('/v1/tenant', { as: 'oslo.lege' })).status).toBe(200);
  });

  it('changes roles with effect on the next request; a token with the old role is refused', async () => {
    const oldToken = await tokenOf('bergen.fysio');
    const res = await stack.call('/v1/admin/users/bergen.fysio', { method: 'PATCH', as: 'bergen.admin', json: { roles: ['auditor'] } });
    expect(res.status).toBe(200);
    expect(await readJson(res)).toMatchObject({ roles: ['auditor'] });
    // The token names no roles: with it, the user acts with the registry's roles from now on.
    expect(await readJson(await withToken(oldToken, '/v1/me'))).toMatchObject({ roles: ['auditor'] });
    const patient = { nationalId: syntheticNationalId({ day: 2, month: 2, year: 1952 }, 611), name: 'Pasient Rolleskifte', birthDate: '1952-02-02', gender: 'unknown' };
    const refused = await stack.call('/v1/patients', { method: 'POST', token: oldToken, json: patient, headers: { 'idempotency-key': newIdempotencyKey() } });
    expect(refused.status).toBe(403);
    expect((await readJson<{ detail: string }>(refused)).detail).toMatch(/Rollen/);
    expect((await withToken(await tokenOf('bergen.fysio'), '/v1/tenant')).status).toBe(200);
  });

  it('disables a user: their token stops working and they cannot log in; enabling restores it', async () => {
    const token = await tokenOf('bergen.fysio');
    expect((await stack.call('/v1/admin/users/bergen.fysio', { method: 'PATCH', as: 'bergen.admin', json: { status: 'disabled' } })).status).toBe(200);
    const refused = await withToken(token, '/v1/tenant');
    expect(refused.status).toBe(403);
    expect((await readJson<{ detail: string }>(refused)).detail).toMatch(/deaktivert/);
    expect((await login('bergen.fysio')).status).toBe(400);

    expect((await stack.call('/v1/admin/users/bergen.fysio', { method: 'PATCH', as: 'bergen.admin', json: { status: 'active' } })).status).toBe(200);
    expect((await withToken(await tokenOf('bergen.fysio'), '/v1/tenant')).status).toBe(200);
  });

  it('will not let an admin lock themselves out', async () => {
    expect((await stack.call('/v1/admin/users/bergen.admin', { method: 'PATCH', as: 'bergen.admin', json: { status: 'disabled' } })).status).toBe(409);
    expect((await stack.call('/v1/admin/users/bergen.admin', { method: 'PATCH', as: 'bergen.admin', json: { roles: ['auditor'] } })).status).toBe(409);
  });

  it('is for tenant admins only', async () => {
    expect((await stack.call('/v1/admin/users', { as: 'bergen.lege' })).status).toBe(403);
    expect((await stack.call('/v1/admin/users', { as: 'drift' })).status).toBe(403);
    expect((await stack.call('/v1/admin/units', { method: 'POST', as: 'bergen.revisor', json: { name: 'X enhet', kind: 'annet' } })).status).toBe(403);
  });
});

describe('tenant admins manage the units of their own municipality', () => {
  it('adds, renames and closes units, visible to the municipality’s personnel', async () => {
    const created = await stack.call('/v1/admin/units', { method: 'POST', as: 'bergen.admin', json: { name: 'Fysioterapitjenesten Åsane', kind: 'fysioterapi' } });
    expect(created.status).toBe(201);
    expect(await readJson(created)).toEqual({ id: '4601-fysioterapitjenesten-asane', name: 'Fysioterapitjenesten Åsane', kind: 'fysioterapi', status: 'active' });
    expect((await stack.call('/v1/admin/units', { method: 'POST', as: 'bergen.admin', json: { name: 'Fysioterapitjenesten Åsane', kind: 'fysioterapi' } })).status).toBe(409);

    const renamed = await stack.call('/v1/admin/units/4601-fysioterapitjenesten-asane', { method: 'PATCH', as: 'bergen.admin', json: { name: 'Fysioterapi Åsane' } });
    expect(renamed.status).toBe(200);
    const own = await readJson<{ units: { id: string; name: string }[] }>(await stack.call('/v1/tenant', { as: 'bergen.lege' }));
    expect(own.units.find((u) => u.id === '4601-fysioterapitjenesten-asane')?.name).toBe('Fysioterapi Åsane');

    expect((await stack.call('/v1/admin/units/4601-fysioterapitjenesten-asane', { method: 'PATCH', as: 'bergen.admin', json: { status: 'closed' } })).status).toBe(200);
    const intoClosed = await stack.call('/v1/admin/users', { method: 'POST', as: 'bergen.admin', json: { id: 'bergen.fysio2', name: 'Finn Fysio', roles: ['clinician'], unit: '4601-fysioterapitjenesten-asane' } });
    expect(intoClosed.status).toBe(400);
  });

  it('cannot touch another municipality’s units', async () => {
    expect((await stack.call('/v1/admin/units/0301-hjem-sagene', { method: 'PATCH', as: 'bergen.admin', json: { name: 'Kapret' } })).status).toBe(404);
    const oslo = await readJson<{ items: { id: string; name: string }[] }>(await stack.call('/v1/admin/units', { as: 'oslo.admin' }));
    expect(oslo.items.find((u) => u.id === '0301-hjem-sagene')?.name).toBe('Hjemmetjenesten Sagene');
  });

  it('records every admin action in the municipality’s audit log with purpose ADMIN', async () => {
    const events = await auditEvents<{ action: string; purposeOfUse: string; actor: { sub: string } }>('4601');
    expect(events.map((e) => e.action)).toEqual(['user.create', 'user.update', 'user.disable', 'user.enable', 'unit.create', 'unit.update', 'unit.close']);
    expect(events.every((e) => e.purposeOfUse === 'ADMIN' && e.actor.sub === 'bergen.admin')).toBe(true);
  });
});

describe('a change whose audit event cannot be stored', () => {
  it('is answered 429 with Retry-After and leaves the registry unchanged', async () => {
    // Bodø's own log stays contended: every shard's next slot is taken by something that is not an event.
    const release = await blockAuditLog('1804', undefined);
    try {
      await expectContended(await stack.call('/v1/admin/units', { method: 'POST', as: 'bodo.admin', json: { name: 'Travel Enhet', kind: 'hjemmetjeneste' } }));
      await expectContended(await stack.call('/v1/admin/users', { method: 'POST', as: 'bodo.admin', json: { id: 'bodo.travel', name: 'Travel Bruker', roles: ['clinician'] } }));
    } finally {
      await release();
    }
    const units = await readJson<{ items: { name: string }[] }>(await stack.call('/v1/admin/units', { as: 'bodo.admin' }));
    expect(units.items.map((u) => u.name)).not.toContain('Travel Enhet');
    expect((await stack.call('/v1/admin/users/bodo.travel', { as: 'bodo.admin' })).status).toBe(404);
    // Once the log is free again the same change goes through.
    expect((await stack.call('/v1/admin/units', { method: 'POST', as: 'bodo.admin', json: { name: 'Travel Enhet', kind: 'hjemmetjeneste' } })).status).toBe(201);
  }, 60_000);
});
