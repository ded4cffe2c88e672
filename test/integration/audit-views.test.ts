import { blockAuditLog, tenantDb } from '../support/tables';
import { beforeAll, describe, expect, it } from 'vitest';
import { nationalIdKey } from '../../shared/crypto/lookup-hash';
import type { AuditEventView, CitizenAccessEntry, ReviewQueueItemView } from '../../shared/contracts/audit';
import { appendAudit, prepareAuditWrites } from '../../functions/core/audit-chain';
import type { AuditActor, AuditEventInput } from '../../functions/core/audit-event';
import { useTestStack } from '../support/local-stack';
import { expectContended, expectJson } from '../support/requests';
import { grantTestVendor, orgnrOf, vendorToken } from '../support/tokens';

/**
 * The audit views through the HTTP API: the citizen's own access log, the auditor's log by time
 * range / patient / user, the review queue, FHIR export, and who is refused. Events are written
 * with the audit write path directly, so these tests do not depend on the journal.
 */

const stack = useTestStack();
const OLA = '15838512329';
const KARI = '01817045606';
let olaKey: string;
let kariKey: string;

const osloLege: AuditActor = { sub: 'oslo.lege', name: 'Lars Lege (oslo)', hpr: '9100002', profession: 'lege', roles: ['clinician'], tenant: '0301', unit: '0301-lege-torshov' };
const bergenSykepleier: AuditActor = { sub: 'bergen.sykepleier', name: 'Sara Sykepleier (bergen)', hpr: '9100101', profession: 'sykepleier', roles: ['clinician'], tenant: '4601', unit: '4601-hjem-fana' };

const SECRET = 'FRITEKST-SOM-BARE-REVISOR-SER';

function ev(e: Partial<AuditEventInput> & Pick<AuditEventInput, 'tenant' | 'actor' | 'action'>): AuditEventInput {
  return { outcome: 'success', requestId: `req-${Math.random().toString(36).slice(2)}`, purposeOfUse: 'TREAT', ...e };
}

/** Writes events as if recorded at `when` (the write path takes the time; appendAudit uses now). */
async function appendAt(when: Date, events: AuditEventInput[]): Promise<void> {
  const db = tenantDb(events[0]!.tenant);
  await db.transact(await prepareAuditWrites(db, events, when));
}

const PATIENT_OSLO = 'pat-ola-oslo';
const PATIENT_BERGEN = 'pat-ola-bergen';
const PATIENT_KARI = 'pat-kari-oslo';

beforeAll(async () => {
  olaKey = await nationalIdKey(OLA);
  kariKey = await nationalIdKey(KARI);
  await appendAudit(tenantDb('0301'), [
    ev({ tenant: '0301', actor: osloLege, action: 'entry.read', patientId: PATIENT_OSLO, citizenKey: olaKey, recordId: 'entry-1', reasonCode: 'views-oslo-read', reason: SECRET }),
    ev({ tenant: '0301', actor: osloLege, action: 'entry.read', patientId: PATIENT_OSLO, citizenKey: olaKey, recordId: 'entry-2', purposeOfUse: 'BTG', reasonCode: 'emergency-access', reason: SECRET, flagged: true, flagReason: 'emergency-access' }),
    ev({ tenant: '0301', actor: osloLege, action: 'entry.read', patientId: PATIENT_KARI, citizenKey: kariKey, reasonCode: 'views-kari-read' }),
  ]);
  await appendAudit(tenantDb('4601'), [
    ev({ tenant: '4601', actor: bergenSykepleier, action: 'entry.create', patientId: PATIENT_BERGEN, citizenKey: olaKey, recordId: 'entry-3', reasonCode: 'views-bergen-create', reason: SECRET }),
  ]);
});

describe("the citizen's own access log", () => {
  it('shows who (person, role, organisation), when and why (reason code) across municipalities, never the free text', async () => {
    const res = await stack.call('/v1/audit/access-log?limit=100', { as: 'innbygger.ola' });
    const text = await res.clone().text();
    const body = await expectJson<{ items: CitizenAccessEntry[] }>(res);
    const mine = body.items.filter((i) => i.reasonCode?.startsWith('views-') || i.reasonCode === 'emergency-access');
    expect(mine.map((i) => i.reasonCode).sort()).toEqual(['emergency-access', 'views-bergen-create', 'views-oslo-read']);
    const osloRead = mine.find((i) => i.reasonCode === 'views-oslo-read')!;
    expect(osloRead).toMatchObject({
      tenant: { id: '0301', name: 'Oslo' },
      kind: 'read',
      outcome: 'success',
      who: { name: 'Lars Lege (oslo)', role: 'Lege' },
      organisation: { tenantId: '0301', name: 'Oslo kommune', unit: 'Torshov legekontor' },
      purposeOfUse: 'TREAT',
      emergencyAccess: false,
    });
    expect(Date.parse(osloRead.time)).toBeGreaterThan(Date.now() - 5 * 60_000);
    expect(mine.find((i) => i.reasonCode === 'emergency-access')).toMatchObject({ purposeOfUse: 'BTG', emergencyAccess: true });
    expect(mine.find((i) => i.reasonCode === 'views-bergen-create')).toMatchObject({
      tenant: { id: '4601', name: 'Bergen' },
      kind: 'created',
      who: { role: 'Sykepleier' },
      organisation: { name: 'Bergen kommune', unit: 'Hjemmesykepleien Fana' },
    });
    // Never the free-text reason, nor another citizen's events.
    expect(text).not.toContain(SECRET);
    expect(body.items.some((i) => 'reason' in i)).toBe(false);
    expect(text).not.toContain('views-kari-read');
    // Newest first.
    const times = body.items.map((i) => i.time);
    expect([...times].sort().reverse()).toEqual(times);
  });

  it('records each viewing in the log of every municipality shown, and shows it next time', async () => {
    await expectJson(await stack.call('/v1/audit/access-log', { as: 'innbygger.ola' }));
    // The citizen's own views are behind the `who=own` filter (the default shows others' accesses).
    const body = await expectJson<{ items: CitizenAccessEntry[] }>(await stack.call('/v1/audit/access-log?limit=100&who=own', { as: 'innbygger.ola' }));
    const views = body.items.filter((i) => i.action === 'audit.read' && i.purposeOfUse === 'CITIZEN');
    expect(new Set(views.map((v) => v.tenant.id))).toEqual(new Set(['0301', '4601']));
    expect(views[0]).toMatchObject({ who: { name: 'Ola Testmann', role: 'Innbygger' }, organisation: { name: 'Deg selv (innbygger)' } });
  });

  it('pages through every entry with an opaque cursor, without repeats', async () => {
    const all = await expectJson<{ items: CitizenAccessEntry[] }>(await stack.call('/v1/audit/access-log?limit=100', { as: 'innbygger.kari' }));
    await appendAudit(tenantDb('4601'), [1, 2, 3].map((n) => ev({ tenant: '4601', actor: bergenSykepleier, action: 'entry.read', patientId: 'pat-kari-bergen', citizenKey: kariKey, reasonCode: `kari-page-${n}` })));
    const seen: CitizenAccessEntry[] = [];
    let cursor: string | undefined;
    do {
      const page = await expectJson<{ items: CitizenAccessEntry[]; nextCursor?: string }>(
        await stack.call(`/v1/audit/access-log?limit=2${cursor ? `&cursor=${cursor}` : ''}`, { as: 'innbygger.kari' }),
      );
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    const ids = seen.map((i) => i.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const code of ['views-kari-read', 'kari-page-1', 'kari-page-2', 'kari-page-3']) expect(seen.some((i) => i.reasonCode === code), code).toBe(true);
    // Everything from before, plus the three new events and the viewing recorded by the first call.
    expect(seen.length).toBeGreaterThanOrEqual(all.items.length + 3);
  });

  it('is only for citizens', async () => {
    for (const as of ['oslo.revisor', 'oslo.lege', 'drift']) expect((await stack.call('/v1/audit/access-log', { as })).status, as).toBe(403);
    expect((await stack.call('/v1/audit/access-log?cursor=not-a-cursor', { as: 'innbygger.ola' })).status).toBe(400);
  });
});

describe("the tenant auditor's views", () => {
  it('lists the tenant log by time range across days, newest first, with cursors and the free-text reason', async () => {
    const day = 86_400_000;
    const base = Date.now() - 3 * day;
    for (let d = 0; d < 3; d++) {
      await appendAt(new Date(base + d * day), [ev({ tenant: '0301', actor: osloLege, action: 'patient.search', reasonCode: `range-${d}`, reason: SECRET })]);
    }
    const from = new Date(base - 60_000).toISOString();
    const to = new Date(base + 2 * day + 60_000).toISOString();
    const seen: AuditEventView[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const q = new URLSearchParams({ from, to, limit: '1', ...(cursor ? { cursor } : {}) });
      const page = await expectJson<{ items: AuditEventView[]; nextCursor?: string }>(await stack.call(`/v1/audit/events?${q}`, { as: 'oslo.revisor' }));
      seen.push(...page.items);
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor && pages < 20);
    const codes = seen.filter((e) => e.reasonCode?.startsWith('range-')).map((e) => e.reasonCode);
    expect(codes).toEqual(['range-2', 'range-1', 'range-0']);
    expect(seen.find((e) => e.reasonCode === 'range-1')).toMatchObject({ action: 'patient.search', reason: SECRET, actor: { sub: 'oslo.lege', hpr: '9100002' }, stream: 'tenant' });
  });

  it('refuses a bad range with 400 problem+json', async () => {
    const now = Date.now();
    const backwards = new URLSearchParams({ from: new Date(now).toISOString(), to: new Date(now - 1000).toISOString() });
    const tooLong = new URLSearchParams({ from: new Date(now - 40 * 86_400_000).toISOString(), to: new Date(now).toISOString() });
    for (const q of [backwards, tooLong, new URLSearchParams({ from: 'yesterday' })]) {
      const res = await stack.call(`/v1/audit/events?${q}`, { as: 'oslo.revisor' });
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
    }
  });

  it("shows one patient's stream, and records the auditor's reading where the citizen sees it", async () => {
    const body = await expectJson<{ items: AuditEventView[] }>(await stack.call(`/v1/audit/patients/${PATIENT_OSLO}/events`, { as: 'oslo.revisor' }));
    expect(body.items.filter((e) => e.action === 'entry.read').map((e) => e.recordId).sort()).toEqual(['entry-1', 'entry-2']);
    expect(body.items.every((e) => e.patientId === PATIENT_OSLO)).toBe(true);
    const after = await expectJson<{ items: AuditEventView[] }>(await stack.call(`/v1/audit/patients/${PATIENT_OSLO}/events?limit=1`, { as: 'oslo.revisor' }));
    expect(after.items[0]).toMatchObject({ action: 'audit.read', purposeOfUse: 'AUDIT', actor: { sub: 'oslo.revisor' }, details: { view: 'patient' } });
    const citizen = await expectJson<{ items: CitizenAccessEntry[] }>(await stack.call('/v1/audit/access-log?limit=100', { as: 'innbygger.ola' }));
    expect(citizen.items.some((i) => i.action === 'audit.read' && i.purposeOfUse === 'AUDIT' && i.who.role === 'Logganalytiker')).toBe(true);
  });

  it('exports as a FHIR R4 Bundle of BALP-shaped AuditEvents', async () => {
    const res = await stack.call(`/v1/audit/patients/${PATIENT_OSLO}/events?format=fhir&limit=50`, { as: 'oslo.revisor' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/fhir+json');
    const bundle = (await res.json()) as { resourceType: string; type: string; entry: { resource: { resourceType: string; action: string; meta?: { profile: string[] }; agent: { requestor: boolean; who: { identifier: { system: string; value: string } } }[]; entity: { what: { reference?: string } }[] } }[] };
    expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'searchset' });
    const read = bundle.entry.map((e) => e.resource).find((r) => r.meta?.profile[0]?.endsWith('PatientRead') && r.agent.some((a) => a.who.identifier.value === '9100002'));
    expect(read).toBeDefined();
    expect(read?.action).toBe('R');
    expect(read?.agent.find((a) => a.requestor)?.who.identifier).toEqual({ system: 'urn:oid:2.16.578.1.12.4.1.4.4', value: '9100002' });
    expect(read?.entity.some((e) => e.what.reference === `Patient/${PATIENT_OSLO}`)).toBe(true);
    expect(JSON.stringify(bundle)).not.toContain(SECRET);
  });

  it("lists a user's activity for the auditor, and a clinician's own activity (without free text) for the clinician only", async () => {
    const forAuditor = await expectJson<{ items: AuditEventView[] }>(await stack.call('/v1/audit/users/oslo.lege/events?limit=100', { as: 'oslo.revisor' }));
    expect(forAuditor.items.some((e) => e.reason === SECRET)).toBe(true);
    const own = await expectJson<{ items: AuditEventView[] }>(await stack.call('/v1/audit/users/oslo.lege/events?limit=100', { as: 'oslo.lege' }));
    expect(own.items.length).toBeGreaterThanOrEqual(3);
    expect(own.items.every((e) => e.actor.sub === 'oslo.lege' && e.reason === undefined)).toBe(true);
    expect((await stack.call('/v1/audit/users/oslo.sykepleier/events', { as: 'oslo.lege' })).status).toBe(403);
    // The refusal itself is in the log.
    const log = await expectJson<{ items: AuditEventView[] }>(await stack.call('/v1/audit/users/oslo.lege/events?limit=5', { as: 'oslo.revisor' }));
    expect(log.items.some((e) => e.action === 'audit.read' && e.outcome === 'denied')).toBe(true);
  });
});

describe('isolation and roles', () => {
  it("keeps tenant A's auditor out of tenant B's log", async () => {
    expect((await stack.call(`/v1/audit/patients/${PATIENT_BERGEN}/events`, { as: 'oslo.revisor' })).status).toBe(404);
    const oslo = await expectJson<{ items: AuditEventView[] }>(await stack.call('/v1/audit/events?limit=100', { as: 'oslo.revisor' }));
    expect(oslo.items.every((e) => e.tenant === '0301')).toBe(true);
    expect(oslo.items.some((e) => e.reasonCode === 'views-bergen-create')).toBe(false);
    const bergen = await expectJson<{ items: AuditEventView[] }>(await stack.call(`/v1/audit/patients/${PATIENT_BERGEN}/events`, { as: 'bergen.revisor' }));
    expect(bergen.items.some((e) => e.reasonCode === 'views-bergen-create')).toBe(true);
  });

  it('refuses operators and clinicians on the tenant log and the review queue, and operators everywhere', async () => {
    const contentRoutes = ['/v1/audit/events', '/v1/audit/review-queue', `/v1/audit/patients/${PATIENT_OSLO}/events`];
    for (const path of contentRoutes) {
      for (const as of ['drift', 'oslo.lege', 'oslo.sykepleier', 'oslo.admin', 'innbygger.ola']) {
        const res = await stack.call(path, { as });
        expect(res.status, `${as} ${path}`).toBe(403);
        expect(res.headers.get('content-type')).toBe('application/problem+json');
      }
    }
    expect((await stack.call('/v1/audit/users/drift/events', { as: 'drift' })).status).toBe(403);
  });

  it("lets a vendor system read the log of a municipality that granted it audit.read, and no other", async () => {
    await grantTestVendor('logg-leverandor', '0301', ['audit.read'], { id: 'logg-leverandor', name: 'Loggverktøy AS' });
    const call = async (tenant: string, path = '/v1/audit/events') => stack.call(path, { token: await vendorToken(stack.issuer, 'logg-leverandor', ['audit.read'], orgnrOf(tenant)), tenant });
    expect((await call('0301')).status).toBe(200);
    expect((await call('4601')).status).toBe(403);
    expect((await call('0301', '/v1/audit/review-queue')).status).toBe(403);
    const weak = await vendorToken(stack.issuer, 'logg-leverandor', ['journal.read'], orgnrOf('0301'));
    expect((await stack.call('/v1/audit/events', { token: weak, tenant: '0301' })).status).toBe(403);
  });
});

describe('the review queue', () => {
  it('shows flagged events to the auditor and records a review as a new item, with its own audit event', async () => {
    const queue = await expectJson<{ items: ReviewQueueItemView[] }>(await stack.call('/v1/audit/review-queue?status=open', { as: 'oslo.revisor' }));
    const item = queue.items.find((i) => i.event?.recordId === 'entry-2');
    expect(item).toMatchObject({ status: 'open', action: 'entry.read', flagReason: 'emergency-access', patientId: PATIENT_OSLO, reviews: [] });
    expect(item?.event).toMatchObject({ purposeOfUse: 'BTG', reason: SECRET, flagged: true });

    // Bergen's auditor cannot review Oslo's queue item.
    const foreign = await stack.call(`/v1/audit/review-queue/${item!.id}/reviews`, { as: 'bergen.revisor', method: 'POST', json: { conclusion: 'no-action', note: 'x' } });
    expect(foreign.status).toBe(404);
    expect((await stack.call(`/v1/audit/review-queue/${item!.id}/reviews`, { as: 'oslo.revisor', method: 'POST', json: { conclusion: 'maybe' } })).status).toBe(400);

    const review = await expectJson<{ id: string; conclusion: string; note: string; reviewer: { sub: string } }>(
      await stack.call(`/v1/audit/review-queue/${item!.id}/reviews`, { as: 'oslo.revisor', method: 'POST', json: { conclusion: 'no-action', note: 'Akuttilgang var begrunnet.' } }),
      201,
    );
    expect(review).toMatchObject({ conclusion: 'no-action', note: 'Akuttilgang var begrunnet.', reviewer: { sub: 'oslo.revisor' } });

    const reviewed = await expectJson<{ items: ReviewQueueItemView[] }>(await stack.call('/v1/audit/review-queue?status=reviewed', { as: 'oslo.revisor' }));
    expect(reviewed.items.find((i) => i.id === item!.id)).toMatchObject({ status: 'reviewed', reviews: [{ id: review.id, note: 'Akuttilgang var begrunnet.' }] });
    const open = await expectJson<{ items: ReviewQueueItemView[] }>(await stack.call('/v1/audit/review-queue?status=open', { as: 'oslo.revisor' }));
    expect(open.items.some((i) => i.id === item!.id)).toBe(false);

    // A second review is appended beside the first.
    await expectJson(await stack.call(`/v1/audit/review-queue/${item!.id}/reviews`, { as: 'oslo.revisor', method: 'POST', json: { conclusion: 'follow-up', note: 'Tatt opp med leder.' } }), 201);
    const again = await expectJson<{ items: ReviewQueueItemView[] }>(await stack.call('/v1/audit/review-queue', { as: 'oslo.revisor' }));
    expect(again.items.find((i) => i.id === item!.id)?.reviews.map((r) => r.conclusion).sort()).toEqual(['follow-up', 'no-action']);

    const log = await expectJson<{ items: AuditEventView[] }>(await stack.call('/v1/audit/users/oslo.revisor/events?limit=20', { as: 'oslo.revisor' }));
    expect(log.items.filter((e) => e.action === 'audit.review').map((e) => e.recordId)).toEqual([item!.event!.id, item!.event!.id]);
    expect(log.items.some((e) => e.action === 'audit.read' && e.details?.view === 'review-queue')).toBe(true);
  });
});

describe('an audit view whose own audit event cannot be stored', () => {
  it('is answered 429 with Retry-After and shows nothing, for the auditor, a refusal and the citizen', async () => {
    // Oslo's tenant-level log stays contended: every shard's next slot is taken by something that is not an event.
    const releaseTenant = await blockAuditLog('0301', undefined);
    try {
      await expectContended(await stack.call('/v1/audit/events', { as: 'oslo.revisor' }));
      await expectContended(await stack.call('/v1/audit/review-queue', { as: 'oslo.revisor' }));
      await expectContended(await stack.call('/v1/audit/users/oslo.lege/events', { as: 'oslo.revisor' }));
      // A refusal is recorded before it is given: when it cannot be, the answer is to retry, not 403 or 500.
      await expectContended(await stack.call('/v1/audit/users/oslo.revisor/events', { as: 'oslo.lege' }));
    } finally {
      await releaseTenant();
    }
    // Ola's patient log in Oslo is contended: his access log is not shown before his viewing is recorded there.
    const releasePatient = await blockAuditLog('0301', PATIENT_OSLO);
    try {
      await expectContended(await stack.call('/v1/audit/access-log?limit=100', { as: 'innbygger.ola' }));
      await expectContended(await stack.call(`/v1/audit/patients/${PATIENT_OSLO}/events`, { as: 'oslo.revisor' }));
    } finally {
      await releasePatient();
    }
    expect((await stack.call('/v1/audit/access-log?limit=100', { as: 'innbygger.ola' })).status).toBe(200);
  }, 60_000);
});
