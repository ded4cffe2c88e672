import { beforeAll, describe, expect, it } from 'vitest';
import type { Caller } from '../../shared/auth/caller';
import { config } from '../../shared/config';
import { nationalIdKey } from '../../shared/crypto/lookup-hash';
import type { AuditEventView } from '../../shared/contracts/audit';
import { AUDIT_CITIZEN_ATTRIBUTES, AUDIT_VIEW_ATTRIBUTES } from '../../shared/db/tables';
import type { TxWrite } from '../../shared/db/tenant-db';
import { TenantDirectory } from '../../shared/tenancy/tenant-profile';
import { prepareAuditWrites } from '../../functions/core/audit-chain';
import type { AuditActor, AuditEventInput } from '../../functions/core/audit-event';
import { dayIndexPartition } from '../../functions/core/chain-format';
import { citizenEvents, daySlotEvents, daySlots, userEvents, type StoredEvent } from '../../functions/audit/audit-store';
import { toEntry } from '../../functions/audit/citizen-log-service';
import { toEventView } from '../../functions/audit/event-view';
import { useTestStack } from '../support/local-stack';
import { expectJson } from '../support/requests';
import { auditEvents, tenantDb, tenantSession } from '../support/tables';

/**
 * The tenant's day index (audit gsi2) in shards: a day written across every shard, and partly under
 * the unsharded key of days written before sharding, reads back complete and in order across pages.
 * And the trimmed index projections: every view built from an index item equals the view built
 * from the stored event itself, so an attribute a view needs that an index does not hold fails here.
 */

const stack = useTestStack();
const TENANT = '1804';
const DAY_MS = 86_400_000;
const bodoLege: AuditActor = { sub: 'bodo.lege', name: 'Berit Lege (bodo)', hpr: '9100201', profession: 'lege', roles: ['clinician'], tenant: TENANT, unit: '1804-legevakt' };

const base = new Date(Math.floor((Date.now() - 20 * DAY_MS) / DAY_MS) * DAY_MS + 8 * 3_600_000);
const from = new Date(base.getTime() - 60_000).toISOString();
const to = new Date(base.getTime() + 3_600_000).toISOString();

function ev(n: number, action: string): AuditEventInput {
  return { tenant: TENANT, actor: bodoLege, action, outcome: 'success', requestId: `req-shards-${n}`, purposeOfUse: 'TREAT', reasonCode: `shards-${n}` };
}

/** Writes events as recorded at `when`; with `legacy`, under the unsharded day key, as written before sharding. */
async function appendAt(when: Date, events: AuditEventInput[], legacy = false): Promise<void> {
  const db = tenantDb(TENANT);
  const writes = await prepareAuditWrites(db, events, when);
  const unsharded = dayIndexPartition(TENANT, when.toISOString().slice(0, 10), 'legacy');
  await db.transact(legacy ? writes.map((w): TxWrite => (w.kind === 'put' && w.item.gsi2pk ? { ...w, item: { ...w.item, gsi2pk: unsharded } } : w)) : writes);
}

/** Every page of the tenant log over the test's hour, `limit` at a time. */
async function allPages(limit: number, action?: string): Promise<{ pages: AuditEventView[][] }> {
  const pages: AuditEventView[][] = [];
  let cursor: string | undefined;
  do {
    const q = new URLSearchParams({ from, to, limit: String(limit), ...(action ? { action } : {}), ...(cursor ? { cursor } : {}) });
    const page = await expectJson<{ items: AuditEventView[]; nextCursor?: string }>(await stack.call(`/v1/audit/events?${q}`, { as: 'bodo.revisor' }));
    pages.push(page.items);
    cursor = page.nextCursor;
  } while (cursor && pages.length < 100);
  return { pages };
}

let written: StoredEvent[];

beforeAll(async () => {
  // Three events in one transaction share a time: the index key's event id orders them.
  await appendAt(base, [ev(0, 'patient.search'), ev(1, 'entry.read'), ev(2, 'patient.search')]);
  for (let n = 3; n < 40; n++) await appendAt(new Date(base.getTime() + n * 1000), [ev(n, n % 3 === 0 ? 'entry.read' : 'patient.search')], n % 10 === 5);
  written = (await auditEvents<StoredEvent>(TENANT)).filter((e) => String(e.reasonCode).startsWith('shards-'));
});

describe('the tenant log by day, in shards', () => {
  it('writes one day across the shards (and the unsharded key for events from before sharding)', () => {
    expect(written).toHaveLength(40);
    const partitions = new Set(written.map((e) => String(e.gsi2pk)));
    const day = base.toISOString().slice(0, 10);
    expect(partitions.has(dayIndexPartition(TENANT, day, 'legacy'))).toBe(true);
    // 36 sharded events over 8 shards: every shard is all but certain to hold some, and at least 4 must.
    expect(partitions.size).toBeGreaterThanOrEqual(5);
    expect([...partitions].every((p) => p.startsWith(dayIndexPartition(TENANT, day, 'legacy')))).toBe(true);
    expect(config().auditDayShards).toBe(8);
  });

  it('reads the day back complete, newest first in index-key order, across pages, without repeats', async () => {
    const expected = [...written].sort((a, b) => (String(a.gsi2sk) < String(b.gsi2sk) ? 1 : -1)).map((e) => e.eventId);
    for (const limit of [4, 7, 50]) {
      const { pages } = await allPages(limit);
      for (const page of pages) expect(page.length).toBeLessThanOrEqual(limit);
      const ids = pages.flat().map((e) => e.id);
      expect(ids, `limit ${limit}`).toEqual(expected);
    }
  });

  it('filters by action across shards and pages, still complete and in order', async () => {
    const expected = [...written]
      .filter((e) => e.action === 'entry.read')
      .sort((a, b) => (String(a.gsi2sk) < String(b.gsi2sk) ? 1 : -1))
      .map((e) => e.eventId);
    expect(expected.length).toBeGreaterThan(10);
    const { pages } = await allPages(3, 'entry.read');
    expect(pages.flat().map((e) => e.id)).toEqual(expected);
  });

  it('refuses a cursor of another list with 400 problem+json', async () => {
    const q = new URLSearchParams({ from, to, limit: '2' });
    const first = await expectJson<{ nextCursor?: string }>(await stack.call(`/v1/audit/events?${q}`, { as: 'bodo.revisor' }));
    expect(first.nextCursor).toBeDefined();
    // The same cursor for a range that does not hold its day is refused, not silently restarted.
    const other = new URLSearchParams({ from: new Date(Date.now() - DAY_MS).toISOString(), limit: '2', cursor: first.nextCursor! });
    const res = await stack.call(`/v1/audit/events?${other}`, { as: 'bodo.revisor' });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
  });
});

describe('the audit index projections hold what the views read', () => {
  it('an event with every field shows the same from each index as from the event itself', async () => {
    const citizenKey = await nationalIdKey('15838512329');
    const when = new Date(base.getTime() + 2 * 3_600_000);
    await appendAt(when, [
      {
        tenant: TENANT,
        actor: { ...bodoLege, sub: 'bodo.projection' },
        action: 'entry.read',
        outcome: 'success',
        requestId: 'req-projection',
        patientId: 'pat-projection',
        citizenKey,
        recordId: 'entry-projection',
        purposeOfUse: 'BTG',
        reasonCode: 'emergency-access',
        reason: 'FRITEKST-PROJEKSJON',
        flagged: true,
        flagReason: 'emergency-access',
        fromTenant: '0301',
        rule: 'emergency',
        details: { view: 'projection', count: 1 },
      },
    ]);
    const session = tenantSession(TENANT);
    const stored = (await auditEvents<StoredEvent>(TENANT, 'pat-projection')).find((e) => e.requestId === 'req-projection')!;
    expect(stored).toBeDefined();

    const byUser = (await userEvents(session, 'bodo.projection', {}, { limit: 10 })).items;
    const day = when.toISOString().slice(0, 10);
    const byDay = (
      await Promise.all(daySlots(config().auditDayShards).map((slot) => daySlotEvents(session, day, slot, { from: when.toISOString(), to: new Date(when.getTime() + 1).toISOString() }, undefined, 10)))
    ).flatMap((s) => s.items);
    const byCitizen = (await citizenEvents(session, citizenKey, undefined, 50)).items.filter((e) => e.sk === stored.sk && e.pk === stored.pk);
    expect([byUser.length, byDay.length, byCitizen.length]).toEqual([1, 1, 1]);

    // The index items are trimmed (no chain fields), yet every view equals the one from the event.
    for (const item of [byUser[0]!, byDay[0]!]) {
      expect(item.hash).toBeUndefined();
      expect(Object.keys(item).every((k) => (AUDIT_VIEW_ATTRIBUTES as readonly string[]).includes(k) || /^(pk|sk|gsi\dpk|gsi\dsk)$/.test(k)), Object.keys(item).join()).toBe(true);
      const keys = { withReason: true as const, keys: session.keys };
      const view = await toEventView(item, keys);
      expect(view.reason).toBe('FRITEKST-PROJEKSJON');
      expect(view).toEqual(await toEventView(stored, keys));
    }
    const citizenItem = byCitizen[0]!;
    expect(citizenItem.reasonSealed).toBeUndefined();
    expect(Object.keys(citizenItem).every((k) => (AUDIT_CITIZEN_ATTRIBUTES as readonly string[]).includes(k) || /^(pk|sk|gsi3pk|gsi3sk)$/.test(k))).toBe(true);
    const caller: Caller = { sub: 'innbygger.ola', kind: 'person', roles: ['citizen'], scopes: [], pid: '15838512329', expiresAt: 0 };
    expect(await toEntry(citizenItem, new TenantDirectory(), caller)).toEqual(await toEntry(stored, new TenantDirectory(), caller));
    // The citizen's log records its viewing under the patient of the first event it shows.
    expect(citizenItem.patientId).toBe('pat-projection');
  });
});
