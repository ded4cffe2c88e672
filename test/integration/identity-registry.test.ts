import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEMO_USERS } from '../../local/demo-data';
import { syntheticNationalId } from '../../shared/contracts/identifiers';
import { dynamo } from '../../shared/db/client';
import { METRICS } from '../../shared/metric-names';
import { logger, metrics } from '../../shared/observability';
import { useTestStack } from '../support/local-stack';
import { createPatient, createRelationship } from '../support/patients';
import { expectJson, readJson } from '../support/requests';
import { demoToken, personToken, syntheticPidFor } from '../support/tokens';
import { observeDynamo } from '../support/dynamo-observe';

/**
 * Identity comes from HelseID, authority from the registry (issue 13, points 1, 3 and 6): a token
 * says who the person is (pid), the registry what they may do, read again on every request.
 */
const stack = useTestStack();
const now = () => Math.floor(Date.now() / 1000);
const pidOf = (id: string) => DEMO_USERS.find((u) => u.id === id)?.pid ?? '';
const admin = (path: string, init: { method?: string; json?: unknown } = {}) => stack.call(path, { as: 'bergen.admin', ...init });
let n = 0;
const freshNid = () => syntheticNationalId({ day: 12, month: 7, year: 1950 + (n % 40) }, 500 + ++n * 3);

afterEach(() => vi.restoreAllMocks());

describe('who a caller is comes from HelseID; what they may do, from the registry', () => {
  it('refuses a verified person who is not in the registry, whatever municipality and roles their token claims (403, security log)', async () => {
    const warn = vi.spyOn(logger, 'warn');
    const metric = vi.spyOn(metrics, 'addMetric');
    const token = await personToken(
      stack.issuer,
      { pid: syntheticPidFor('a stranger'), name: 'Ukjent Person', hpr: '9199999' },
      { extraClaims: { 'fellesjournal:tenant': '4601', 'fellesjournal:roles': ['tenant-admin'], 'fellesjournal:unit': '4601-hjem-fana' } },
    );
    const res = await stack.call('/v1/admin/users', { token });
    expect(res.status).toBe(403);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(JSON.stringify(await res.json())).not.toMatch(/bergen\.|Anne Admin/);
    expect(warn).toHaveBeenCalledWith('access refused', expect.objectContaining({ status: 403, reason: 'not-registered' }));
    expect(metric).toHaveBeenCalledWith(METRICS.accessRefused, expect.anything(), 1);
    // Nor does a token claiming a registered user's subject help: only the pid counts.
    const asSubject = await personToken(stack.issuer, { pid: syntheticPidFor('another stranger') }, { extraClaims: { sub: 'bergen.admin' } });
    expect((await stack.call('/v1/admin/users', { token: asSubject })).status).toBe(403);
  });

  it('maps a registered person by pid to their registry user: /v1/me answers from the registry', async () => {
    const token = await personToken(stack.issuer, { pid: pidOf('bergen.sykepleier'), name: 'Navnet i tokenet' });
    const me = await expectJson<Record<string, unknown>>(await stack.call('/v1/me', { token }));
    expect(me).toMatchObject({ sub: 'bergen.sykepleier', kind: 'person', tenant: '4601', unit: '4601-hjem-fana', roles: ['clinician'], profession: 'sykepleier', name: 'Sara Sykepleier (bergen)' });
  });

  it('lets an unregistered person at a high security level act only as a citizen, on their own record', async () => {
    const pid = '29821298774'; // Emil Eksempel, a demo patient in Bodø with no user in the registry
    const high = await personToken(stack.issuer, { pid, name: 'Emil Eksempel', securityLevel: '4' });
    const me = await expectJson<{ roles: string[]; tenant?: string; sub: string }>(await stack.call('/v1/me', { token: high }));
    expect(me.roles).toEqual(['citizen']);
    expect(me.tenant).toBeUndefined();
    expect(me.sub).not.toContain(pid);
    expect((await stack.call('/v1/me/record', { token: high })).status).toBe(200);
    expect((await stack.call('/v1/tenant', { token: high })).status).toBe(403);
    expect((await stack.call('/v1/admin/users', { token: high })).status).toBe(403);
    const substantial = await personToken(stack.issuer, { pid, name: 'Emil Eksempel', securityLevel: '3' });
    expect((await stack.call('/v1/me/record', { token: substantial })).status).toBe(403);
  });
});

describe('the registry read per request', () => {
  it('takes at most two round trips: the pid index (then cached), and the user with the tenant entry', async () => {
    const calls: string[] = [];
    const stopCounting = observeDynamo(dynamo(), 'countRegistryCalls', (next, context) => async (args) => {
      calls.push(String(context.commandName));
      return next(args);
    });
    try {
      const token = await personToken(stack.issuer, { pid: pidOf('oslo.revisor') });
      const first = await stack.call('/v1/tenant', { token });
      expect(first.status).toBe(200);
      expect(calls).toEqual(['GetItemCommand', 'BatchGetItemCommand']);
      calls.length = 0;
      expect((await stack.call('/v1/tenant', { token })).status).toBe(200);
      expect(calls).toEqual(['BatchGetItemCommand']);
    } finally {
      stopCounting();
    }
  });
});

describe('token checks fail closed', () => {
  it('refuses a token issued for another audience: 401 with a Bearer challenge', async () => {
    const token = await personToken(stack.issuer, { pid: pidOf('bergen.admin') }, { audience: 'another-api' });
    const res = await stack.call('/v1/admin/users', { token });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="fellesjournal", error="invalid_token"');
    expect(res.headers.get('content-type')).toBe('application/problem+json');
  });

  it('refuses a token dated more than a minute ahead (iat or nbf)', async () => {
    for (const overrides of [{ issuedAt: now() + 300 }, { notBefore: now() + 300 }]) {
      const res = await stack.call('/v1/me', { token: await personToken(stack.issuer, { pid: pidOf('bergen.admin') }, overrides) });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toContain('error="invalid_token"');
    }
    expect((await stack.call('/v1/me', { token: await personToken(stack.issuer, { pid: pidOf('bergen.admin') }, { issuedAt: now() + 20 }) })).status).toBe(200);
  });

  it('answers a request without a token with 401 and a Bearer challenge without an error code', async () => {
    const res = await stack.call('/v1/me');
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="fellesjournal"');
  });
});

describe('registry changes take effect on the next request', () => {
  const createUser = async (id: string, unit: string) => {
    const res = await admin('/v1/admin/users', { method: 'POST', json: { id, name: 'Flytte Sykepleier', roles: ['clinician'], unit, hpr: '9100777', profession: 'sykepleier', pid: syntheticPidFor(id) } });
    expect(res.status, await res.clone().text()).toBe(201);
  };

  it('a user moved to another unit loses the old unit’s access at once, with the token they already hold', async () => {
    await createUser('bergen.flytter', '4601-hjem-fana');
    const token = await demoToken(stack.url, 'bergen.flytter');
    const patient = await createPatient(stack, 'bergen.admin', { nationalId: freshNid(), name: 'Pasient Enhetsen', birthDate: '1950-07-12', gender: 'unknown' });
    await createRelationship(stack, 'bergen.admin', patient.id, { subject: { kind: 'unit', id: '4601-hjem-fana' } });
    expect((await stack.call(`/v1/patients/${patient.id}/timeline`, { token })).status).toBe(200);

    expect((await admin('/v1/admin/users/bergen.flytter', { method: 'PATCH', json: { unit: '4601-lege-sentrum' } })).status).toBe(200);
    expect((await stack.call(`/v1/patients/${patient.id}/timeline`, { token })).status).toBe(403);
    expect(await readJson(await stack.call('/v1/me', { token }))).toMatchObject({ unit: '4601-lege-sentrum' });
  });

  it('a role taken away and a profession changed hold at once', async () => {
    await createUser('bergen.rolle', '4601-hjem-fana');
    const token = await demoToken(stack.url, 'bergen.rolle');
    const patient = await createPatient(stack, 'bergen.admin', { nationalId: freshNid(), name: 'Pasient Rollesen', birthDate: '1950-07-12', gender: 'unknown' });
    expect((await stack.call(`/v1/patients/${patient.id}`, { token })).status).not.toBe(403);
    expect((await admin('/v1/admin/users/bergen.rolle', { method: 'PATCH', json: { roles: ['auditor'], profession: 'jordmor' } })).status).toBe(200);
    const me = await readJson(await stack.call('/v1/me', { token }));
    expect(me).toMatchObject({ roles: ['auditor'], profession: 'jordmor' });
    const refused = await stack.post('/v1/patients', 'bergen.rolle', { nationalId: freshNid(), name: 'Pasient Nektet', birthDate: '1950-07-12', gender: 'unknown' });
    expect(refused.status).toBe(403);
  });

  it('a disabled user gets 403 on the next request, with problem+json', async () => {
    await createUser('bergen.slutter', '4601-hjem-fana');
    const token = await demoToken(stack.url, 'bergen.slutter');
    expect((await stack.call('/v1/tenant', { token })).status).toBe(200);
    expect((await admin('/v1/admin/users/bergen.slutter', { method: 'PATCH', json: { status: 'disabled' } })).status).toBe(200);
    for (const path of ['/v1/tenant', '/v1/me']) {
      const res = await stack.call(path, { token });
      expect(res.status).toBe(403);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
    }
  });
});

describe('the pid index', () => {
  it('keeps a pid to one user: a second user with the same pid is refused and nothing is written', async () => {
    const pid = syntheticPidFor('bergen.dobbel');
    const first = await admin('/v1/admin/users', { method: 'POST', json: { id: 'bergen.dobbel1', name: 'Dobbel En', roles: ['clinician'], pid } });
    expect(first.status).toBe(201);
    const second = await admin('/v1/admin/users', { method: 'POST', json: { id: 'bergen.dobbel2', name: 'Dobbel To', roles: ['clinician'], pid } });
    expect(second.status).toBe(409);
    expect((await admin('/v1/admin/users/bergen.dobbel2')).status).toBe(404);
    const oslo = await stack.call('/v1/admin/users', { method: 'POST', as: 'oslo.admin', json: { id: 'oslo.dobbel', name: 'Dobbel Oslo', roles: ['clinician'], pid } });
    expect(oslo.status).toBe(409);
    expect(await readJson(await stack.call('/v1/me', { token: await personToken(stack.issuer, { pid }) }))).toMatchObject({ sub: 'bergen.dobbel1' });
  });

  it('lets an admin add a pid to a user registered without one, and never change it', async () => {
    expect((await admin('/v1/admin/users', { method: 'POST', json: { id: 'bergen.utenpid', name: 'Uten Pid', roles: ['clinician'] } })).status).toBe(201);
    const pid = syntheticPidFor('bergen.utenpid');
    // Without a pid in the registry the person is a stranger (at most a citizen).
    expect((await stack.call('/v1/tenant', { token: await personToken(stack.issuer, { pid }) })).status).toBe(403);
    expect((await admin('/v1/admin/users/bergen.utenpid', { method: 'PATCH', json: { pid } })).status).toBe(200);
    expect((await stack.call('/v1/tenant', { token: await personToken(stack.issuer, { pid }) })).status).toBe(200);
    expect(await readJson(await stack.call('/v1/me', { token: await personToken(stack.issuer, { pid }) }))).toMatchObject({ sub: 'bergen.utenpid' });
    expect((await admin('/v1/admin/users/bergen.utenpid', { method: 'PATCH', json: { pid: syntheticPidFor('someone else') } })).status).toBe(409);
    // A pid already registered to someone else cannot be added either.
    expect((await admin('/v1/admin/users', { method: 'POST', json: { id: 'bergen.utenpid2', name: 'Uten Pid', roles: ['clinician'] } })).status).toBe(201);
    expect((await admin('/v1/admin/users/bergen.utenpid2', { method: 'PATCH', json: { pid } })).status).toBe(409);
  });
});
