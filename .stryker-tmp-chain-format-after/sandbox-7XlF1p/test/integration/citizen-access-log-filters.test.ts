// @ts-nocheck
import { tenantDb } from '../support/tables';
import { beforeAll, describe, expect, it } from 'vitest';
import { syntheticNationalId } from '../../shared/contracts/identifiers';
import type { CitizenAccessEntry } from '../../shared/contracts/audit';
import { nationalIdKey } from '../../shared/crypto/lookup-hash';
import { prepareAuditWrites } from '../../functions/core/audit-chain';
import type { AuditActor } from '../../functions/core/audit-event';
import { useTestStack } from '../support/local-stack';
import { createCitizen, createPatient, createRelationship, createSignedEntry } from '../support/patients';
import { expectJson } from '../support/requests';

/**
 * The citizen's access log (pjl § 18) with its filters: health personnel's and systems' accesses by
 * default, the citizen's own views only on request, by municipality, person and period, in words
 * that say what happened; bad filters are a 400.
 */

const stack = useTestStack();
const NID = syntheticNationalId({ day: 3, month: 4, year: 1961 }, 431);
let who: string;
let osloPatient: string;
let entryId: string;

type Log = { items: CitizenAccessEntry[]; nextCursor?: string };
const log = async (query = ''): Promise<Log> => expectJson<Log>(await stack.call(`/v1/audit/access-log?limit=100${query}`, { as: who }));

const TEN_DAYS_AGO = new Date(Date.now() - 10 * 86_400_000);
const day = (d: Date) => d.toISOString().slice(0, 10);
const oldReader: AuditActor = { sub: 'oslo.sykepleier', name: 'Gammel Leser (oslo)', profession: 'sykepleier', roles: ['clinician'], tenant: '0301' };

beforeAll(async () => {
  const bergen = await createPatient(stack, 'bergen.admin', { nationalId: NID, name: 'Logg Innsyn', birthDate: '1961-04-03', gender: 'unknown' });
  await createRelationship(stack, 'bergen.sykepleier', bergen.id);
  await createSignedEntry(stack, 'bergen.sykepleier', bergen.id, { type: 'epikrise', title: 'Epikrise', text: 'Synlig for Oslo' });
  const oslo = await createPatient(stack, 'oslo.admin', { nationalId: NID, name: 'Logg Innsyn', birthDate: '1961-04-03', gender: 'unknown' });
  osloPatient = oslo.id;
  await createRelationship(stack, 'oslo.lege', oslo.id);
  ({ entry: { id: entryId } } = await createSignedEntry(stack, 'oslo.lege', oslo.id, { type: 'journalnotat', title: 'Notat', text: 'Hemmelig tekst' }));
  expect((await stack.call(`/v1/patients/${oslo.id}`, { as: 'oslo.lege' })).status).toBe(200);
  expect((await stack.call(`/v1/patients/${oslo.id}/entries/${entryId}`, { as: 'oslo.lege' })).status).toBe(200);
  // An access ten days ago, for the period filter.
  const db = tenantDb('0301');
  await db.transact(
    await prepareAuditWrites(
      db,
      [{ tenant: '0301', actor: oldReader, action: 'patient.read', outcome: 'success', requestId: 'req-old', patientId: oslo.id, citizenKey: await nationalIdKey(NID), purposeOfUse: 'TREAT', reasonCode: 'old-read' }],
      TEN_DAYS_AGO,
    ),
  );
  who = await createCitizen(NID, 'Logg Innsyn');
  // The citizen looks at their own record and documents, more than once.
  for (let i = 0; i < 2; i++) {
    expect((await stack.call('/v1/me/record', { as: who })).status).toBe(200);
    expect((await stack.call('/v1/sharing/me/documents', { as: who })).status).toBe(200);
  }
});

describe("the citizen's access log, filtered", () => {
  it("shows health personnel's accesses by default, never the citizen's own views, in words that say what happened", async () => {
    const body = await log();
    expect(body.items.length).toBeGreaterThan(0);
    expect(body.items.every((i) => !i.own)).toBe(true);
    expect(body.items.some((i) => i.purposeOfUse === 'CITIZEN' || i.who.role === 'Innbygger')).toBe(false);
    const opened = body.items.find((i) => i.action === 'patient.read' && i.who.name === 'Lars Lege (oslo)');
    expect(opened).toMatchObject({ activity: 'opened-record', tenant: { id: '0301' }, organisation: { name: 'Oslo kommune' } });
    expect(body.items.find((i) => i.action === 'entry.read' && i.who.name === 'Lars Lege (oslo)')).toMatchObject({ activity: 'read-note' });
    expect(body.items.find((i) => i.action === 'entry.create' && i.tenant.id === '4601')).toMatchObject({ activity: 'wrote-note' });
    // The reference to a person is opaque: no internal user id in the answer.
    expect(JSON.stringify(body)).not.toMatch(/oslo\.lege|bergen\.sykepleier|innbygger\.t/);
  });

  it("shows the citizen's own views with who=own, labelled as their own, and both with who=all", async () => {
    const own = await log('&who=own');
    expect(own.items.length).toBeGreaterThan(0);
    expect(own.items.every((i) => i.own && i.activity.startsWith('own-'))).toBe(true);
    const documents = own.items.filter((i) => i.action === 'sharing.documents.list');
    expect(documents.length).toBeGreaterThan(0);
    expect(documents.every((i) => i.activity === 'own-documents')).toBe(true);
    expect(own.items.some((i) => i.action === 'citizen.record.read' && i.activity === 'own-record')).toBe(true);
    expect(own.items.some((i) => i.action === 'audit.read' && i.activity === 'own-log')).toBe(true);
    const all = await log('&who=all');
    expect(all.items.some((i) => i.own)).toBe(true);
    expect(all.items.some((i) => !i.own && i.who.name === 'Lars Lege (oslo)')).toBe(true);
  });

  it('filters by municipality', async () => {
    const bergen = await log('&tenant=4601');
    expect(bergen.items.length).toBeGreaterThan(0);
    expect(bergen.items.every((i) => i.tenant.id === '4601')).toBe(true);
    expect((await log('&tenant=9999')).items).toEqual([]);
  });

  it('filters by period (whole days, both ends inclusive)', async () => {
    const old = day(TEN_DAYS_AGO);
    const then = await log(`&from=${old}&to=${old}`);
    expect(then.items.map((i) => i.reasonCode)).toEqual(['old-read']);
    const recent = await log(`&from=${day(new Date(Date.now() - 86_400_000))}`);
    expect(recent.items.some((i) => i.reasonCode === 'old-read')).toBe(false);
    expect(recent.items.some((i) => i.who.name === 'Lars Lege (oslo)')).toBe(true);
    const before = await log(`&to=${day(new Date(TEN_DAYS_AGO.getTime() + 86_400_000))}`);
    expect(before.items.map((i) => i.reasonCode)).toEqual(['old-read']);
  });

  it('filters by person: part of the name, or the opaque reference the log gives', async () => {
    const byName = await log('&actor=lars%20lege');
    expect(byName.items.length).toBeGreaterThan(0);
    expect(byName.items.every((i) => i.who.name === 'Lars Lege (oslo)')).toBe(true);
    const ref = byName.items[0]!.actorRef;
    expect(ref).not.toContain('oslo.lege');
    const byRef = await log(`&actor=${encodeURIComponent(ref)}`);
    expect(byRef.items.map((i) => i.id)).toEqual(byName.items.map((i) => i.id));
    expect((await log('&actor=oslo.lege')).items).toEqual([]);
  });

  it('pages a filtered log with a cursor bound to the filter', async () => {
    const all = await log('&tenant=0301');
    const seen: CitizenAccessEntry[] = [];
    let cursor: string | undefined;
    let first: string | undefined;
    let pages = 0;
    do {
      const page = await expectJson<Log>(await stack.call(`/v1/audit/access-log?limit=1&tenant=0301${cursor ? `&cursor=${cursor}` : ''}`, { as: who }));
      expect(page.items.length).toBeLessThanOrEqual(1);
      seen.push(...page.items);
      cursor = page.nextCursor;
      first ??= cursor;
      pages += 1;
    } while (cursor && pages < 50);
    expect(seen.every((i) => !i.own && i.tenant.id === '0301')).toBe(true);
    expect(new Set(seen.map((i) => i.id)).size).toBe(seen.length);
    expect(seen.map((i) => i.id)).toEqual(all.items.map((i) => i.id));
    // The cursor carries its filter: under another filter it is refused.
    expect(first).toBeDefined();
    expect((await stack.call(`/v1/audit/access-log?limit=1&tenant=4601&cursor=${first}`, { as: who })).status).toBe(400);
    expect((await stack.call(`/v1/audit/access-log?limit=1&who=own&tenant=0301&cursor=${first}`, { as: who })).status).toBe(400);
  });

  it('answers bad filters with 400 problem+json', async () => {
    for (const q of ['who=mine', 'tenant=oslo', 'tenant=03011', 'from=yesterday', 'to=2026-13-01', 'from=2026-05-02&to=2026-05-01', 'actor=x', `actor=${'a'.repeat(101)}`]) {
      const res = await stack.call(`/v1/audit/access-log?${q}`, { as: who });
      expect(res.status, q).toBe(400);
      expect(res.headers.get('content-type'), q).toBe('application/problem+json');
    }
    expect(osloPatient).toBeTruthy();
  });
});
