import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { ROUTES } from '../../functions/routes';
import { openExportFor } from '../../functions/tenants/export-writer';
import type { JournalExportSource } from '../../functions/tenants/journal-source';
import { demoOrgnr } from '../../local/demo-data';
import { getTenant, tenantOfOrgnr } from '../../shared/tenancy/tenant-store';
import { createTenant, destroyDueKeys, offboardTenant, type ActorContext, type TenantServiceDeps } from '../../functions/tenants/tenant-service';
import { defaultTenantDeps } from '../../functions/tenants/tenant-deps';
import type { Caller } from '../../shared/auth/caller';
import { LocalKeystore } from '../../shared/crypto/local-keystore';
import { syntheticNationalId } from '../../shared/contracts/identifiers';
import type { RouteSpec } from '../../shared/http/route';
import { validateRequest } from '../../shared/http/validate';
import { getUser } from '../../shared/tenancy/user-store';
import { useTempDir, useTestStack } from '../support/local-stack';
import { expectContended, readJson } from '../support/requests';
import { auditEvents, blockAuditLog } from '../support/tables';
import { demoToken, syntheticPidFor } from '../support/tokens';
import { journalLines } from '../support/offboarding-export';

const stack = useTestStack();
const exportRoot = useTempDir('fj-export-');

const operator: Caller = { sub: 'drift', kind: 'person', roles: ['operator'], scopes: [], name: 'Dina Drift', expiresAt: Math.floor(Date.now() / 1000) + 3600 };
const ctx: ActorContext = { caller: operator, requestId: 'test-request' };

const auditActions = (tenant: string) => auditEvents<{ action: string; outcome: string; purposeOfUse?: string; actor: { sub: string } }>(tenant);
const login = (username: string) => demoToken(stack.url, username);

const keystore = () => new LocalKeystore(stack.keystoreDir);

const SOME_ID = '6f1c2e84-5b1a-4d7e-9a59-0c7d1f0e2b11';
/** Well-formed path values for the data routes (suspension tests); nothing needs to exist. */
const PATH_VALUES: Record<string, string> = {
  tenantId: '4601',
  patientId: SOME_ID,
  entryId: SOME_ID,
  relationshipId: SOME_ID,
  blockId: SOME_ID,
  documentId: `4601-${SOME_ID}`,
  userId: 'bergen.lege',
  unitId: '4601-hjem-fana',
  clientId: 'vnd-0123456789abcdef',
  itemId: 'AAAAAAAAAAAA',
  herId: '90001',
  threadId: SOME_ID,
};
/** Well-formed bodies of the data routes that take one (by route id); others send `{}`. */
const BODIES: Record<string, unknown> = {
  approveResearchProject: { rek: 'REK 2026/1', purpose: 'Syntetisk testprosjekt', from: '2026-01', to: '2026-01', variables: ['month'] },
  fhirProvideDocumentBundle: { resourceType: 'Bundle', type: 'transaction' },
  fhirCreateNote: { resourceType: 'DocumentReference', status: 'current', content: [] },
  fhirUpdateNote: { resourceType: 'DocumentReference', status: 'current', content: [] },
  reviewAuditQueueItem: { conclusion: 'no-action', note: 'Sett' },
  adminGrantVendor: { scopes: ['journal.read'] },
  adminCreateUser: { id: 'bergen.ny', name: 'Ny Bruker', roles: ['clinician'] },
  adminUpdateUser: { name: 'Nytt Navn' },
  adminCreateUnit: { name: 'Ny enhet', kind: 'annet' },
  adminUpdateUnit: { name: 'Nytt navn' },
  createPatient: { nationalId: '15838512329', name: 'Test', birthDate: '1990-01-01', gender: 'male' },
  searchPatients: { name: 'Ola' },
  createRelationship: { reasonCode: 'ordinary-care', reason: 'Oppfølging i hjemmet' },
  createEntry: { type: 'journalnotat', title: 'Notat', text: 'Tekst' },
  editDraft: { title: 'Notat', text: 'Tekst' },
  correctEntry: { title: 'Notat', text: 'Tekst', reason: 'Retting' },
  markEnteredInError: { reason: 'Feil pasient' },
  requestEmergencyAccess: { reason: 'Bevisstløs pasient i mottak' },
  createPatientBlock: { target: { kind: 'category', category: 'vaksinasjon' }, reason: 'Pasientens ønske' },
  createMyBlock: { kind: 'category', category: 'vaksinasjon' },
  setMyConsent: { category: 'epikrise', status: 'given' },
  fhirCreateCommunication: {
    resourceType: 'Communication',
    subject: { reference: `Patient/${SOME_ID}` },
    recipient: [{ identifier: { system: 'urn:oid:2.16.578.1.12.4.1.2', value: '90001' } }],
    category: [{ coding: [{ system: 'https://fellesjournal.example/fhir/CodeSystem/message-kind', code: 'dialog' }] }],
    topic: { text: 'Test' },
    payload: [{ contentString: 'Test' }],
  },
  putMessageParty: { name: 'Sengepost', kind: 'external', service: 'sengepost' },
  sendMessage: { patientId: SOME_ID, to: '90001', kind: 'dialog', subject: 'Emne', text: 'Tekst' },
  replyToThread: { text: 'Svar' },
  fileMessage: { messageId: SOME_ID },
  fhirCreateTask: {
    resourceType: 'Task',
    intent: 'order',
    code: { text: 'Test' },
    for: { reference: `Patient/${SOME_ID}` },
    owner: { identifier: { system: 'urn:oid:2.16.578.1.12.4.1.2', value: '90001' } },
    input: [{ valueString: 'Test' }],
  },
};

/** Well-formed queries of the data routes that require one (by route id). */
const QUERIES: Record<string, Record<string, string>> = {
  fhirSearchPatient: { identifier: '15838512329' },
  fhirFindDocumentReferences: { 'patient.identifier': '15838512329' },
  fhirSearchConsent: { patient: SOME_ID },
  fhirSearchCommunication: { patient: SOME_ID },
  fhirSearchTask: { patient: SOME_ID },
  getMunicipalityStats: { from: '2026-01', to: '2026-01' },
};
/** Path parameters named alike by routes that mean different things by them (by route id). */
const ROUTE_PATH_VALUES: Record<string, Record<string, string>> = {
  fhirReadPatient: { id: SOME_ID },
  fhirSearchNotes: { id: SOME_ID },
  fhirRetrieveDocument: { id: `4601-${SOME_ID}` },
  fhirReadNote: { id: `${SOME_ID}${SOME_ID}`.replaceAll('-', '') },
  fhirUpdateNote: { id: `${SOME_ID}${SOME_ID}`.replaceAll('-', '') },
  fhirReadConsent: { id: `${SOME_ID}${SOME_ID}`.replaceAll('-', '') },
  fhirReadCommunication: { id: `${SOME_ID}${SOME_ID}`.replaceAll('-', '') },
  fhirReadTask: { id: `${SOME_ID}${SOME_ID}`.replaceAll('-', '') },
  fhirReadPractitioner: { id: '9100002' },
  fhirReadOrganization: { id: '4601' },
  getResearchExtract: { projectId: SOME_ID },
};

/** A request that passes the route's validation (checked here, so a wrong table entry says so). */
function wellFormed(route: RouteSpec): { path: string; headers: Record<string, string>; body: unknown } {
  const pathParameters: Record<string, string> = {};
  const values = { ...PATH_VALUES, ...ROUTE_PATH_VALUES[route.id] };
  const query = QUERIES[route.id];
  const path = route.path.replace(/\{(\w+)\}/g, (_m, name: string) => (pathParameters[name] = values[name] ?? `dummy-${name}`)) + (query ? `?${new URLSearchParams(query).toString()}` : '');
  const headers = { 'idempotency-key': `suspended-${route.id}`, 'content-type': 'application/json' };
  const body = route.body ? (BODIES[route.id] ?? {}) : undefined;
  const event = { headers, pathParameters, queryStringParameters: query ?? null, body: body === undefined ? null : JSON.stringify(body), isBase64Encoded: false } as unknown as APIGatewayProxyEvent;
  expect(() => validateRequest(route, event), `${route.id}: the test's request must be well-formed`).not.toThrow();
  return { path, headers, body };
}

describe('provisioning a municipality', () => {
  it('creates the tenant completely: registry, key, first admin who can log in, units', async () => {
    const res = await stack.call('/ops/v1/tenants', {
      method: 'POST',
      as: 'drift',
      json: {
        id: '5001',
        name: 'Trondheim',
        orgnr: demoOrgnr('5001'),
        population: 212_000,
        region: 'eu-north-1',
        admin: { id: 'trondheim.admin', name: 'Tora Admin', pid: syntheticPidFor('trondheim.admin') },
        units: [
          { name: 'Hjemmetjenesten Midtbyen', kind: 'hjemmetjeneste' },
          { id: '5001-tempe', name: 'Tempe sykehjem', kind: 'sykehjem' },
        ],
      },
    });
    expect(res.status).toBe(201);
    const body = await readJson<{ outcome: string; tenant: Record<string, unknown> & { provisioning: { steps: Record<string, { state: string }> } } }>(res);
    expect(body.outcome).toBe('created');
    expect(body.tenant).toMatchObject({ id: '5001', name: 'Trondheim', orgnr: demoOrgnr('5001'), region: 'eu-north-1', status: 'active', keyRef: 'local:5001', adminUserId: 'trondheim.admin', createdBy: 'drift' });
    // Its own usage bucket, in the plan of its size tier (over 200,000 inhabitants).
    expect(body.tenant).toMatchObject({ population: 212_000, tier: 'xlarge', usageKeyId: 'local:tenant-5001' });
    expect(Object.values(body.tenant.provisioning.steps).every((s) => s.state === 'done')).toBe(true);
    expect(keystore().hasKey('5001')).toBe(true);
    // The registry maps the municipality's organisasjonsnummer to it (a vendor's HelseID token names the orgnr).
    expect(await tenantOfOrgnr(demoOrgnr('5001'))).toBe('5001');

    // The new admin logs in and sees the municipality with its units.
    const token = await login('trondheim.admin');
    const own = await stack.call('/v1/tenant', { token });
    expect(own.status).toBe(200);
    const tenant = await readJson<{ id: string; units: { id: string; name: string }[] }>(own);
    expect(tenant.id).toBe('5001');
    expect(tenant.units.map((u) => u.id).sort()).toEqual(['5001-hjemmetjenesten-midtbyen', '5001-tempe']);

    // Every step is in the new tenant's own audit log, as an operator action.
    const events = await auditActions('5001');
    expect(events.map((e) => e.action)).toEqual(['tenant.create', 'tenant.key.create', 'tenant.usage.create', 'tenant.admin.create', 'tenant.activate']);
    expect(events.every((e) => e.purposeOfUse === 'OPERATE' && e.actor.sub === 'drift' && e.outcome === 'success')).toBe(true);
  });

  it('is idempotent: the same create again changes nothing, a different one for the same id is a conflict', async () => {
    const before = await getTenant('5001');
    const again = await stack.call('/ops/v1/tenants', { method: 'POST', as: 'drift', json: { id: '5001', name: 'Trondheim', orgnr: demoOrgnr('5001'), region: 'eu-north-1' } });
    expect(again.status).toBe(200);
    expect((await readJson(again)).outcome).toBe('unchanged');
    expect((await getTenant('5001'))?.version).toBe(before?.version);
    expect((await auditActions('5001')).length).toBe(5);

    const other = await stack.call('/ops/v1/tenants', { method: 'POST', as: 'drift', json: { id: '5001', name: 'Nidaros', orgnr: demoOrgnr('5001'), region: 'eu-north-1' } });
    expect(other.status).toBe(409);
    const otherOrgnr = await stack.call('/ops/v1/tenants', { method: 'POST', as: 'drift', json: { id: '5001', name: 'Trondheim', orgnr: demoOrgnr('5501'), region: 'eu-north-1' } });
    expect(otherOrgnr.status).toBe(409);
    expect((await getTenant('5001'))?.orgnr).toBe(demoOrgnr('5001'));
    expect(await tenantOfOrgnr(demoOrgnr('5501'))).toBeUndefined();
  });

  it('refuses an invalid kommunenummer, a taken admin username and non-operators, writing nothing', async () => {
    const bad = await stack.call('/ops/v1/tenants', { method: 'POST', as: 'drift', json: { id: '9901', name: 'Ukjent', orgnr: demoOrgnr('9901'), region: 'eu-north-1' } });
    expect(bad.status).toBe(400);
    expect((await readJson<{ errors: { field: string }[] }>(bad)).errors.map((e) => e.field)).toContain('body.id');

    // The organisasjonsnummer is required, checked with mod 11, and names at most one municipality.
    for (const orgnr of [undefined, '123456789', '99000110']) {
      const res = await stack.call('/ops/v1/tenants', { method: 'POST', as: 'drift', json: { id: '1103', name: 'Stavanger', region: 'eu-north-1', ...(orgnr ? { orgnr } : {}) } });
      expect(res.status).toBe(400);
      expect((await readJson<{ errors: { field: string }[] }>(res)).errors.map((e) => e.field)).toEqual(['body.orgnr']);
    }
    const osloOrgnr = await stack.call('/ops/v1/tenants', { method: 'POST', as: 'drift', json: { id: '1103', name: 'Stavanger', orgnr: demoOrgnr('0301'), region: 'eu-north-1' } });
    expect(osloOrgnr.status).toBe(409);
    expect(await readJson(osloOrgnr)).toMatchObject({ field: 'body.orgnr' });
    expect(await tenantOfOrgnr(demoOrgnr('0301'))).toBe('0301');

    const taken = await stack.call('/ops/v1/tenants', { method: 'POST', as: 'drift', json: { id: '1103', name: 'Stavanger', orgnr: demoOrgnr('1103'), region: 'eu-north-1', admin: { id: 'oslo.admin', name: 'X Y' } } });
    expect(taken.status).toBe(409);
    expect(await getTenant('1103')).toBeUndefined();

    for (const who of ['oslo.admin', 'oslo.lege']) {
      expect((await stack.call('/ops/v1/tenants', { as: who })).status).toBe(403);
      expect((await stack.call('/ops/v1/tenants', { method: 'POST', as: who, json: { id: '1103', name: 'Stavanger', orgnr: demoOrgnr('1103'), region: 'eu-north-1' } })).status).toBe(403);
    }
    expect(await getTenant('1103')).toBeUndefined();
  });

  it('records a failed step and resumes the remaining steps on the next create', async () => {
    const real = defaultTenantDeps();
    let keyCalls = 0;
    const kmsDown: TenantServiceDeps = {
      ...real,
      keyAdmin: {
        ...real.keyAdmin,
        ensureKey: async () => {
          keyCalls += 1;
          throw new Error('ThrottlingException: rate exceeded');
        },
      },
    };
    const body = { id: '5501', name: 'Tromsø', orgnr: demoOrgnr('5501'), region: 'eu-north-1', units: [{ name: 'Tromsø legevakt', kind: 'legevakt' as const }] };
    await expect(createTenant(body, ctx, kmsDown)).rejects.toThrow(/Throttling/);
    expect(keyCalls).toBe(1);
    let record = await getTenant('5501');
    expect(record?.status).toBe('provisioning');
    expect(record?.provisioning).toMatchObject({ failedStep: 'key', steps: { registry: { state: 'done' }, key: { state: 'failed' }, admin: { state: 'pending' } } });
    expect(keystore().hasKey('5501')).toBe(false);
    expect(await getUser('admin.5501')).toBeUndefined();

    // A half-made tenant is closed to the data plane: it is not active.
    const shown = await readJson(await stack.call('/ops/v1/tenants/5501', { as: 'drift' }));
    expect(shown).toMatchObject({ status: 'provisioning', provisioning: { failedStep: 'key' } });

    // Second attempt: the key step now works, the admin step fails.
    const adminFails: TenantServiceDeps = {
      ...real,
      beforeStep: (step) => {
        if (step === 'admin') throw new Error('Lambda timed out');
      },
    };
    await expect(createTenant(body, ctx, adminFails)).rejects.toThrow(/timed out/);
    record = await getTenant('5501');
    expect(record?.provisioning).toMatchObject({ failedStep: 'admin', steps: { key: { state: 'done' }, admin: { state: 'failed' } } });
    expect(keystore().hasKey('5501')).toBe(true);
    const keyRef = record?.keyRef;

    // The operator retries through the API: the remaining steps run, the key is not made again.
    const res = await stack.call('/ops/v1/tenants', { method: 'POST', as: 'drift', json: body });
    expect(res.status).toBe(200);
    const done = await readJson<{ outcome: string; tenant: { status: string; keyRef: string; provisioning: { failedStep?: string } } }>(res);
    expect(done.outcome).toBe('resumed');
    expect(done.tenant.status).toBe('active');
    expect(done.tenant.keyRef).toBe(keyRef);
    expect(done.tenant.provisioning.failedStep).toBeUndefined();
    expect(await getUser('admin.5501')).toMatchObject({ tenant: '5501', roles: ['tenant-admin'], status: 'active' });

    const events = await auditActions('5501');
    expect(events.filter((e) => e.outcome === 'failure').map((e) => e.action)).toEqual(['tenant.provision.step', 'tenant.provision.step']);
    expect(events.filter((e) => e.action === 'tenant.key.create')).toHaveLength(1);
    expect(events.filter((e) => e.action === 'tenant.usage.create')).toHaveLength(1);
    expect(events.at(-1)?.action).toBe('tenant.activate');
  });

  it('lists tenants for the operator', async () => {
    const res = await stack.call('/ops/v1/tenants', { as: 'drift' });
    expect(res.status).toBe(200);
    const ids = (await readJson<{ items: { id: string }[] }>(res)).items.map((t) => t.id);
    expect(ids).toEqual(expect.arrayContaining(['0301', '1804', '4601', '5001', '5501']));
  });
});

describe('suspending and resuming', () => {
  const userFor = (route: RouteSpec): string | undefined => {
    if (!route.roles || route.roles.includes('clinician')) return 'bergen.sykepleier';
    if (route.roles.includes('tenant-admin')) return 'bergen.admin';
    if (route.roles.includes('auditor')) return 'bergen.revisor';
    if (route.roles.includes('leder')) return 'bergen.leder';
    return undefined;
  };
  const dataRoutes = ROUTES.filter((r) => r.tenant === 'caller' && r.auth === 'token' && userFor(r));

  it('refuses every data-plane route of a suspended municipality with 403 saying why, and serves it again after resume', async () => {
    expect(dataRoutes.length).toBeGreaterThan(5);
    expect((await stack.call('/v1/tenant', { as: 'bergen.sykepleier' })).status).toBe(200);

    // A Bergen document that an Oslo clinician may retrieve (demo data: Ola's vaccination).
    const search = await stack.call('/v1/patients/search', { method: 'POST', as: 'oslo.lege', json: { nationalId: '15838512329' } });
    const olaInOslo = (await readJson<{ patients: { id: string }[] }>(search)).patients[0]!.id;
    const shared = await readJson<{ documents: { id: string; organisation: { tenantId: string } }[] }>(await stack.call(`/v1/sharing/patients/${olaInOslo}/documents`, { as: 'oslo.lege' }));
    const bergenDoc = shared.documents.find((d) => d.organisation.tenantId === '4601')!.id;
    expect((await stack.call(`/v1/sharing/documents/${bergenDoc}`, { as: 'oslo.lege' })).status).toBe(200);

    const suspended = await stack.call('/ops/v1/tenants/4601/suspend', { method: 'POST', as: 'drift', json: { reason: 'Ubetalt faktura, sak 2024-17' } });
    expect(suspended.status).toBe(200);
    expect(await readJson(suspended)).toMatchObject({ status: 'suspended', statusReason: 'Ubetalt faktura, sak 2024-17', suspendedBy: 'drift' });

    for (const route of dataRoutes) {
      // Input is validated before the tenant check (no I/O for a malformed request): send each
      // route a well-formed request, so what answers is the suspension.
      const request = wellFormed(route);
      const res = await stack.call(request.path, { method: route.method, as: userFor(route), headers: request.headers, ...(request.body === undefined ? {} : { json: request.body }) });
      expect(res.status, `${route.method} ${route.path}`).toBe(403);
      if (route.path.startsWith('/fhir/')) {
        // FHIR says the same in an OperationOutcome.
        const outcome = await readJson<{ resourceType: string; issue: { code: string; diagnostics: string }[] }>(res);
        expect(outcome.resourceType, route.id).toBe('OperationOutcome');
        expect(outcome.issue[0]).toMatchObject({ code: 'forbidden', diagnostics: expect.stringMatching(/suspendert/) as unknown });
        continue;
      }
      const problem = await readJson<{ type: string; detail: string }>(res);
      expect(problem.type, route.id).toBe('urn:fellesjournal:problem:tenant-suspended');
      expect(problem.detail).toMatch(/suspendert/);
    }
    // Another municipality is not affected, but a suspended one shares nothing.
    expect((await stack.call('/v1/tenant', { as: 'oslo.sykepleier' })).status).toBe(200);
    const refused = await stack.call(`/v1/sharing/documents/${bergenDoc}`, { as: 'oslo.lege' });
    expect(refused.status).toBe(403);
    expect((await readJson<{ type: string }>(refused)).type).toBe('urn:fellesjournal:problem:tenant-suspended');
    expect((await readJson<{ documents: unknown[] }>(await stack.call(`/v1/sharing/patients/${olaInOslo}/documents`, { as: 'oslo.lege' }))).documents).toEqual([]);
    // Suspending again is a no-op.
    expect((await stack.call('/ops/v1/tenants/4601/suspend', { method: 'POST', as: 'drift', json: { reason: 'igjen' } })).status).toBe(200);

    const resumed = await stack.call('/ops/v1/tenants/4601/resume', { method: 'POST', as: 'drift', json: { reason: 'Betalt' } });
    expect(resumed.status).toBe(200);
    expect(await readJson(resumed)).toMatchObject({ status: 'active' });
    expect((await stack.call('/v1/tenant', { as: 'bergen.sykepleier' })).status).toBe(200);
    expect((await stack.call('/v1/admin/users', { as: 'bergen.admin' })).status).toBe(200);
    expect((await stack.call(`/v1/sharing/documents/${bergenDoc}`, { as: 'oslo.lege' })).status).toBe(200);

    const actions = (await auditActions('4601')).map((e) => e.action);
    expect(actions).toEqual(['tenant.suspend', 'tenant.resume']);
  });

  it('refuses to resume a tenant that is not suspended and to suspend an unknown one', async () => {
    expect((await stack.call('/ops/v1/tenants/4601/resume', { method: 'POST', as: 'drift', json: {} })).status).toBe(200);
    expect((await stack.call('/ops/v1/tenants/3201/suspend', { method: 'POST', as: 'drift', json: { reason: 'test' } })).status).toBe(404);
  });
});

describe('an operator change whose audit event cannot be stored', () => {
  it('is answered 429 with Retry-After and leaves the municipality as it was', async () => {
    const before = await getTenant('1804');
    expect(before?.status).toBe('active');
    // Bodø's own log stays contended: every shard's next slot is taken by something that is not an event.
    const release = await blockAuditLog('1804', undefined);
    try {
      await expectContended(await stack.call('/ops/v1/tenants/1804/suspend', { method: 'POST', as: 'drift', json: { reason: 'Travel logg' } }));
    } finally {
      await release();
    }
    expect(await getTenant('1804')).toEqual(before);
  }, 60_000);
});

describe('the operator never reaches patient data', () => {
  it('gets 403 on every journal, audit and sharing route', async () => {
    const contentRoutes = ROUTES.filter((r) => ['journal', 'audit', 'sharing'].includes(r.service) && r.auth === 'token');
    expect(contentRoutes.length).toBeGreaterThan(10);
    for (const route of contentRoutes) {
      // Roles are the registry's, checked after input validation (a malformed request is a 400
      // with no I/O): each route gets a well-formed request, so what answers is the role.
      const request = wellFormed(route);
      const res = await stack.call(request.path, { method: route.method, as: 'drift', headers: request.headers, ...(request.body === undefined ? {} : { json: request.body }) });
      expect(res.status, `${route.method} ${route.path}`).toBe(403);
    }
  });
});

/** Polls the job (the local runner works in this process) until it is no longer running. */
async function followJob(jobId: string): Promise<{ state: string; step?: string; error?: string }> {
  for (let i = 0; i < 600; i++) {
    const job = await readJson<{ state: string; step?: string; error?: string }>(await stack.call(`/ops/v1/offboarding-jobs/${jobId}`, { as: 'drift' }));
    if (job.state !== 'running') return job;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`job ${jobId} still running`);
}

describe('offboarding', () => {
  /** A journal stand-in handing out its records two per page (the cursor is the next index). */
  function journalOf(records: Record<string, unknown>[], counted: number | Record<string, number> = records.length): () => Promise<JournalExportSource> {
    return async () => ({
      async exportPage(_tenant, cursor) {
        const from = Number(cursor ?? 0);
        return { records: records.slice(from, from + 2), ...(from + 2 < records.length ? { nextCursor: String(from + 2) } : {}) };
      },
      countTenantRecords: async () => counted,
    });
  }

  it('exports every record, compares the count, and only then schedules the key for deletion', async () => {
    await stack.call('/ops/v1/tenants', { method: 'POST', as: 'drift', json: { id: '3201', name: 'Bærum', orgnr: demoOrgnr('3201'), region: 'eu-north-1', admin: { id: 'admin.3201', name: 'Administrator Bærum', pid: syntheticPidFor('admin.3201') } } });
    const records = [
      { kind: 'patient', id: 'p1', name: 'Ola Testmann' },
      { kind: 'entry', id: 'e1', patientId: 'p1', text: 'Besøk' },
      { kind: 'entry', id: 'e2', patientId: 'p1', text: 'Ny vurdering' },
    ];
    const deps: TenantServiceDeps = { ...defaultTenantDeps(), journal: journalOf(records, { patient: 1, entry: 3 }), openExport: openExportFor('local') };

    // The journal holds one record more than the export: the key must be kept.
    await expect(offboardTenant('3201', exportRoot, ctx, deps)).rejects.toThrow(/entry: eksportert 2, talt 3/);
    let record = await getTenant('3201');
    expect(record?.status).toBe('offboarding');
    expect(record?.offboarding).toMatchObject({ failedStep: 'verify', countedRecords: 4, steps: { export: { state: 'pending' }, verify: { state: 'failed' }, key: { state: 'pending' } } });
    expect(keystore().hasKey('3201')).toBe(true);
    // Offboarding closes the municipality to the data plane at once.
    expect((await stack.call('/v1/tenant', { as: 'admin.3201' })).status).toBe(403);

    // With a complete export the offboarding goes through.
    const finished = await offboardTenant('3201', exportRoot, ctx, { ...deps, journal: journalOf(records) });
    expect(finished.status).toBe('offboarded');
    record = await getTenant('3201');
    const o = record!.offboarding!;
    expect(o.export?.records).toBe(3);
    expect(o.countedRecords).toBe(3);
    expect(o.keyDeletion?.state).toBe('disabled-until-due');
    // Default retention: the longest finite category is 10 years.
    expect(new Date(o.keyDeletion!.deleteAfter).getUTCFullYear()).toBe(new Date().getUTCFullYear() + 10);
    expect(keystore().hasKey('3201')).toBe(false);
    expect(readdirSync(stack.keystoreDir).some((f) => f.startsWith('tenant-3201.key.delete-after-'))).toBe(true);

    expect(journalLines(o.export!.location)).toEqual(records);
    const manifest = JSON.parse(readFileSync(join(o.export!.location, 'manifest.json'), 'utf8')) as { journalRecords: number; files: { name: string }[] };
    expect(manifest.journalRecords).toBe(3);
    // Two records per page: two part files, in order, then the registry part.
    expect(manifest.files.map((f) => f.name)).toEqual(['journal-00001.ndjson', 'journal-00002.ndjson', 'registry.json']);
    expect(existsSync(join(o.export!.location, 'registry.json'))).toBe(true);

    const actions = (await auditActions('3201')).map((e) => `${e.action}:${e.outcome}`);
    expect(actions.slice(5)).toEqual([
      'tenant.offboard.start:success',
      'tenant.offboard.export:success',
      'tenant.offboard.verify:failure',
      'tenant.offboard.export:success',
      'tenant.offboard.verify:success',
      'tenant.key.schedule-deletion:success',
      'tenant.offboard.complete:success',
    ]);

    // Offboarding again is a no-op; creating the id again is refused.
    expect((await offboardTenant('3201', exportRoot, ctx, deps)).status).toBe('offboarded');
    expect((await stack.call('/ops/v1/tenants', { method: 'POST', as: 'drift', json: { id: '3201', name: 'Bærum', orgnr: demoOrgnr('3201'), region: 'eu-north-1' } })).status).toBe(409);
  });

  it('offboards through the API with the journal’s own export: every record, decrypted, counted per kind', async () => {
    // Personnel of Trondheim (5001, created above) write a little journal.
    const admin = await login('trondheim.admin');
    const created = await stack.call('/v1/admin/users', {
      method: 'POST',
      token: admin,
      json: { id: 'trondheim.lege', name: 'Tor Lege', roles: ['clinician'], unit: '5001-tempe', hpr: '9200001', profession: 'lege', pid: syntheticPidFor('trondheim.lege') },
    });
    expect(created.status).toBe(201);
    const post = (path: string, body: unknown, headers: Record<string, string> = {}) => stack.post(path, 'trondheim.lege', body, headers);
    const texts: string[] = [];
    for (const [i, nationalId] of [syntheticNationalId({ day: 3, month: 4, year: 1950 }, 301), syntheticNationalId({ day: 9, month: 11, year: 1944 }, 412)].entries()) {
      const patient = await post('/v1/patients', { nationalId, name: `Pasient ${i} Eksportsen`, birthDate: '1950-04-03', gender: 'unknown' });
      expect(patient.status).toBe(201);
      const { id } = await readJson<{ id: string }>(patient);
      expect((await post(`/v1/patients/${id}/relationships`, { reasonCode: 'ordinary-care', reason: 'Sykehjemsplass' })).status).toBe(201);
      const text = `Notat ${i} som bare finnes kryptert`;
      texts.push(text);
      const entry = await post(`/v1/patients/${id}/entries`, { type: 'journalnotat', title: 'Innkomst', text });
      expect(entry.status).toBe(201);
      const { id: entryId } = await readJson<{ id: string }>(entry);
      expect((await post(`/v1/patients/${id}/entries/${entryId}/sign`, undefined, { 'if-match': entry.headers.get('etag')! })).status).toBe(200);
    }

    const res = await stack.call('/ops/v1/tenants/5001/offboard', { method: 'POST', as: 'drift', json: { target: exportRoot } });
    // Answered at once: the job runs after the answer, and the operator follows it.
    expect(res.status).toBe(202);
    const started = await readJson<{ jobId: string; tenant: string; state: string }>(res);
    expect(started.tenant).toBe('5001');
    expect(res.headers.get('location')).toBe(`/ops/v1/offboarding-jobs/${started.jobId}`);
    expect((await followJob(started.jobId)).state).toBe('succeeded');
    const tenant = await readJson<{ status: string; offboarding: { export: { location: string; records: number; byKind: Record<string, number> }; countedRecords: number; countedByKind: Record<string, number>; keyDeletion: { state: string } } }>(
      await stack.call('/ops/v1/tenants/5001', { as: 'drift' }),
    );
    expect(tenant.status).toBe('offboarded');
    const o = tenant.offboarding;
    expect(o.countedRecords).toBe(o.export.records);
    expect(o.export.byKind).toEqual(o.countedByKind);
    expect(o.countedByKind).toMatchObject({ patient: 2, 'care-relationship': 2, 'journal-entry': 2 });
    expect(o.keyDeletion.state).toBe('disabled-until-due');

    const lines = journalLines(o.export.location);
    expect(lines).toHaveLength(o.countedRecords);
    const dump = JSON.stringify(lines);
    for (const text of texts) expect(dump).toContain(text);
    expect(keystore().hasKey('5001')).toBe(false);
    // The municipality's people are shut out.
    expect((await stack.call('/v1/tenant', { as: 'trondheim.lege' })).status).toBe(403);
  });

  it('destroys an offboarded key only once its retention has ended', async () => {
    const none = await stack.call('/ops/v1/key-deletions/run', { method: 'POST', as: 'drift' });
    expect(await readJson(none)).toEqual({ items: [] });
    expect(readdirSync(stack.keystoreDir).some((f) => f.startsWith('tenant-3201.key.delete-after-'))).toBe(true);

    const elevenYearsOn = new Date(Date.now() + 11 * 365 * 86_400_000);
    const out = await destroyDueKeys(ctx, { ...defaultTenantDeps(), now: () => elevenYearsOn });
    expect(out).toEqual(expect.arrayContaining([{ tenant: '3201', state: 'destroyed' }]));
    expect(readdirSync(stack.keystoreDir).some((f) => f.startsWith('tenant-3201.key'))).toBe(false);
    expect((await getTenant('3201'))?.offboarding?.keyDeletion?.state).toBe('destroyed');
    expect((await auditActions('3201')).at(-1)?.action).toBe('tenant.key.destroy');
  });

  it('refuses an export target that is not an absolute path', async () => {
    const res = await stack.call('/ops/v1/tenants/1804/offboard', { method: 'POST', as: 'drift', json: { target: 'relative/dir' } });
    expect(res.status).toBe(400);
    expect((await getTenant('1804'))?.status).toBe('active');
  });
});
