// @ts-nocheck
import { tenantDb } from '../support/tables';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { describe, expect, it } from 'vitest';
import { syntheticNationalId } from '../../shared/contracts/identifiers';
import type { Entry, EntryVersion, Patient, Relationship, Timeline } from '../../shared/contracts/journal';
import { nationalIdKey } from '../../shared/crypto/lookup-hash';
import { tableName } from '../../shared/db/tables';
import { streamOf } from '../../functions/core/audit-chain';
import { useTestStack } from '../support/local-stack';
import { createDraft, createJournalResponsible, createPatient as registerPatient, createRelationship, signEntry } from '../support/patients';
import { auditEvents, localDynamoClient } from '../support/tables';

const stack = useTestStack();
const post = stack.post;

const createPatient = (as: string, nationalId: string, name = 'Test Testesen') => registerPatient(stack, as, { nationalId, name, birthDate: '1990-01-01', gender: 'unknown' });
const relate = (as: string, patientId: string, body: Record<string, unknown> = {}) => createRelationship(stack, as, patientId, { reason: 'Oppfølging i hjemmet', ...body });
const draft = (as: string, patientId: string, body: Record<string, unknown> = {}) =>
  createDraft(stack, as, patientId, { type: 'journalnotat', title: 'Konsultasjon', text: 'Hemmelig notattekst', ...body });
const sign = (as: string, patientId: string, entryId: string, etag: string) => signEntry(stack, as, patientId, entryId, etag);

let n = 100;
const freshNid = () => syntheticNationalId({ day: 10, month: 5, year: 1960 + (n % 40) }, ++n * 3);

describe('patients', () => {
  it('creates a patient, reads it with an ETag, and finds it by national id and by name', async () => {
    const nid = freshNid();
    const p = await createPatient('oslo.sykepleier', nid, 'Åse Prøvestad-Lien');
    expect(p).toMatchObject({ nationalId: nid, name: 'Åse Prøvestad-Lien', tenant: '0301', version: 1 });

    const read = await stack.call(`/v1/patients/${p.id}`, { as: 'oslo.lege' });
    expect(read.status).toBe(200);
    expect(read.headers.get('etag')).toBe('"v1"');

    const byNid = await post('/v1/patients/search', 'oslo.lege', { nationalId: nid });
    expect(((await byNid.json()) as { patients: Patient[] }).patients.map((x) => x.id)).toEqual([p.id]);
    for (const q of ['prøvestad', 'PROVESTAD', 'åse lien', 'as pr']) {
      const byName = await post('/v1/patients/search', 'oslo.lege', { name: q });
      expect(((await byName.json()) as { patients: Patient[] }).patients.map((x) => x.id), q).toContain(p.id);
    }
    const miss = await post('/v1/patients/search', 'oslo.lege', { name: 'Åse Hansen' });
    expect(((await miss.json()) as { patients: Patient[] }).patients.map((x) => x.id)).not.toContain(p.id);
  });

  it('rejects an invalid national id with 400 naming the field, and a check digit error changes nothing', async () => {
    const nid = freshNid();
    const bad = nid.slice(0, 10) + String((Number(nid[10]) + 1) % 10);
    for (const nationalId of [bad, '123', '15838512328']) {
      const res = await post('/v1/patients', 'oslo.sykepleier', { nationalId, name: 'X', birthDate: '1990-01-01', gender: 'male' });
      expect(res.status).toBe(400);
      const problem = (await res.json()) as { errors: { field: string }[] };
      expect(problem.errors.map((e) => e.field)).toContain('body.nationalId');
    }
    const search = await post('/v1/patients/search', 'oslo.sykepleier', { nationalId: bad });
    expect(search.status).toBe(400);
  });

  it('accepts D-numbers, synthetic numbers and 2032-style check digits', async () => {
    // D-nummer for the demo synthetic number: day + 40, check digits recomputed by the helper.
    const dnr = syntheticNationalId({ day: 55, month: 3, year: 1985 }, 400);
    expect((await post('/v1/patients', 'oslo.admin', { nationalId: dnr, name: 'D Nummer', birthDate: '1985-03-15', gender: 'female' })).status).toBe(201);
    expect((await post('/v1/patients', 'oslo.admin', { nationalId: '02013299997', name: 'Ny Ordning', birthDate: '2032-01-02', gender: 'unknown' })).status).toBe(201);
  });

  it('keeps one record per national id per tenant, also under concurrent creates', async () => {
    const nid = freshNid();
    const results = await Promise.all(
      Array.from({ length: 6 }, () => post('/v1/patients', 'oslo.sykepleier', { nationalId: nid, name: 'Samtidig', birthDate: '1990-01-01', gender: 'unknown' })),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(5);
    const created = (await results.find((r) => r.status === 201)!.json()) as Patient;
    const conflicts = await Promise.all(results.filter((r) => r.status === 409).map((r) => r.json() as Promise<{ patientId: string }>));
    for (const c of conflicts) expect(c.patientId).toBe(created.id);
    // The same person in another municipality is a separate record there.
    expect((await post('/v1/patients', 'bergen.sykepleier', { nationalId: nid, name: 'Samtidig', birthDate: '1990-01-01', gender: 'unknown' })).status).toBe(201);
  });
});

describe('care relationships and the access decision', () => {
  it('refuses journal reads and writes without a relationship (403), and audits the refusal with its rule', async () => {
    const p = await createPatient('oslo.admin', freshNid());
    const read = await stack.call(`/v1/patients/${p.id}/timeline`, { as: 'oslo.sykepleier' });
    expect(read.status).toBe(403);
    expect(((await read.json()) as { rule: string }).rule).toBe('no-care-relationship');
    const write = await post(`/v1/patients/${p.id}/entries`, 'oslo.sykepleier', { type: 'journalnotat', title: 'x', text: 'y' });
    expect(write.status).toBe(403);
    const events = await auditEvents('0301', p.id);
    const denied = events.filter((e) => e.outcome === 'denied');
    expect(denied.map((e) => e.action)).toEqual(['patient.timeline', 'entry.create']);
    expect(denied[0]).toMatchObject({ rule: 'no-care-relationship', citizenKey: await nationalIdKey(p.nationalId), patientId: p.id });
    expect((denied[0]?.actor as { sub: string }).sub).toBe('oslo.sykepleier');
  });

  it('lets a clinician create a relationship for themselves and then read and write, recorded with the rule', async () => {
    const p = await createPatient('oslo.admin', freshNid());
    const rel = await relate('oslo.sykepleier', p.id);
    expect(rel).toMatchObject({ subject: { kind: 'user', id: 'oslo.sykepleier' }, active: true, reason: 'Oppfølging i hjemmet' });
    const { entry } = await draft('oslo.sykepleier', p.id);
    expect((await stack.call(`/v1/patients/${p.id}/entries/${entry.id}`, { as: 'oslo.sykepleier' })).status).toBe(200);
    const events = await auditEvents('0301', p.id);
    const read = events.find((e) => e.action === 'entry.read');
    expect(read).toMatchObject({ outcome: 'success', rule: 'care-relationship-user', purposeOfUse: 'TREAT', reasonCode: 'care-relationship', recordId: entry.id });
    // The free-text reason of the relationship is kept encrypted in the audit event.
    const created = events.find((e) => e.action === 'relationship.create');
    expect(created?.reasonSealed).toBeInstanceOf(Uint8Array);
    // Selvautorisasjon is followed up in log review: it is in the auditor's queue.
    expect(created).toMatchObject({ flagged: true, flagReason: 'self-authorised' });
    const queue = (await (await stack.call('/v1/audit/review-queue?status=open&limit=100', { as: 'oslo.revisor' })).json()) as { items: { patientId?: string; action: string; flagReason?: string }[] };
    expect(queue.items.filter((i) => i.patientId === p.id)).toMatchObject([{ action: 'relationship.create', flagReason: 'self-authorised' }]);
  });

  it('does not flag a relationship the tenant admin registered for a clinician', async () => {
    const p = await createPatient('oslo.admin', freshNid());
    await relate('oslo.admin', p.id, { subject: { kind: 'user', id: 'oslo.sykepleier' } });
    const created = (await auditEvents('0301', p.id)).find((e) => e.action === 'relationship.create');
    expect(created).toBeDefined();
    expect(created?.flagged).toBeUndefined();
  });

  it('gives access through a unit relationship to everyone in the unit, and to nobody outside it', async () => {
    const p = await createPatient('oslo.admin', freshNid());
    // oslo.lege belongs to 0301-lege-torshov; oslo.sykepleier to 0301-hjem-sagene.
    await relate('oslo.lege', p.id, { subject: { kind: 'unit', id: '0301-lege-torshov' } });
    expect((await stack.call(`/v1/patients/${p.id}/timeline`, { as: 'oslo.lege' })).status).toBe(200);
    expect((await stack.call(`/v1/patients/${p.id}/timeline`, { as: 'oslo.sykepleier' })).status).toBe(403);
  });

  it('refuses a clinician creating a relationship for someone else, but lets the tenant admin', async () => {
    const p = await createPatient('oslo.admin', freshNid());
    const other = await post(`/v1/patients/${p.id}/relationships`, 'oslo.sykepleier', { subject: { kind: 'user', id: 'oslo.lege' }, reasonCode: 'referral', reason: 'Henvist' });
    expect(other.status).toBe(403);
    const byAdmin = await relate('oslo.admin', p.id, { subject: { kind: 'user', id: 'oslo.lege' } });
    expect(byAdmin.createdBy.sub).toBe('oslo.admin');
    // A subject that is not a clinician of the tenant is refused.
    const bad = await post(`/v1/patients/${p.id}/relationships`, 'oslo.admin', { subject: { kind: 'user', id: 'bergen.lege' }, reasonCode: 'referral', reason: 'Henvist' });
    expect(bad.status).toBe(400);
    expect((await stack.call(`/v1/patients/${p.id}/timeline`, { as: 'oslo.lege' })).status).toBe(200);
  });

  it('ends a relationship (If-Match) and access stops at once', async () => {
    const p = await createPatient('oslo.admin', freshNid());
    const rel = await relate('oslo.sykepleier', p.id);
    expect((await stack.call(`/v1/patients/${p.id}/timeline`, { as: 'oslo.sykepleier' })).status).toBe(200);
    const path = `/v1/patients/${p.id}/relationships/${rel.id}/end`;
    expect((await post(path, 'oslo.sykepleier', { reason: 'Avsluttet oppfølging' })).status).toBe(428);
    expect((await post(path, 'oslo.sykepleier', { reason: 'Avsluttet oppfølging' }, { 'if-match': '"v9"' })).status).toBe(412);
    const ended = await post(path, 'oslo.sykepleier', { reason: 'Avsluttet oppfølging' }, { 'if-match': '"v1"' });
    expect(ended.status).toBe(200);
    expect(ended.headers.get('etag')).toBe('"v2"');
    expect(await ended.json()).toMatchObject({ active: false, endReason: 'Avsluttet oppfølging' });
    expect((await stack.call(`/v1/patients/${p.id}/timeline`, { as: 'oslo.sykepleier' })).status).toBe(403);
    const list = await stack.call(`/v1/patients/${p.id}/relationships`, { as: 'oslo.admin' });
    expect(((await list.json()) as { relationships: Relationship[] }).relationships[0]).toMatchObject({ id: rel.id, active: false });
  });

  it('honours validFrom in the future', async () => {
    const p = await createPatient('oslo.admin', freshNid());
    await relate('oslo.sykepleier', p.id, { validFrom: new Date(Date.now() + 3_600_000).toISOString() });
    expect((await stack.call(`/v1/patients/${p.id}/timeline`, { as: 'oslo.sykepleier' })).status).toBe(403);
  });
});

describe('journal entries', () => {
  it('creates a draft, edits it, signs it, and then it never changes; author, HPR, unit and times are recorded', async () => {
    const p = await createPatient('oslo.admin', freshNid());
    await relate('oslo.lege', p.id);
    const eventTime = new Date(Date.now() - 3_600_000).toISOString();
    const { entry, etag } = await draft('oslo.lege', p.id, { eventTime });
    expect(entry).toMatchObject({ status: 'draft', version: 1, unit: '0301-lege-torshov', eventTime, author: { sub: 'oslo.lege', hpr: '9100002', profession: 'lege' } });
    expect(etag).toBe('"v1"');
    const path = `/v1/patients/${p.id}/entries/${entry.id}`;

    expect((await stack.call(path, { method: 'PUT', as: 'oslo.lege', json: { title: 'Konsultasjon', text: 'Endret' } })).status).toBe(428);
    const edited = await stack.call(path, { method: 'PUT', as: 'oslo.lege', json: { title: 'Konsultasjon', text: 'Endret' }, headers: { 'if-match': etag } });
    expect(edited.status).toBe(200);
    expect(edited.headers.get('etag')).toBe('"v2"');
    expect((await stack.call(path, { method: 'PUT', as: 'oslo.lege', json: { title: 'Gammel', text: 'Gammel' }, headers: { 'if-match': etag } })).status).toBe(412);

    expect((await sign('oslo.lege', p.id, entry.id, etag)).status).toBe(412);
    const signed = await sign('oslo.lege', p.id, entry.id, '"v2"');
    expect(signed.status).toBe(200);
    const body = (await signed.json()) as Entry;
    expect(body).toMatchObject({ status: 'signed', version: 3, text: 'Endret', signedBy: { sub: 'oslo.lege' } });
    expect(body.recordedAt >= body.createdAt).toBe(true);

    // Signed: no edit, no second signing.
    expect((await stack.call(path, { method: 'PUT', as: 'oslo.lege', json: { title: 'x', text: 'y' }, headers: { 'if-match': '"v3"' } })).status).toBe(409);
    expect((await sign('oslo.lege', p.id, entry.id, '"v3"')).status).toBe(409);
    const read = await stack.call(path, { as: 'oslo.lege' });
    expect(read.headers.get('etag')).toBe('"v3"');
    expect(await read.json()).toMatchObject({ status: 'signed', text: 'Endret' });
  });

  it('lets only the author edit or sign a draft', async () => {
    const p = await createPatient('oslo.admin', freshNid());
    await relate('oslo.lege', p.id);
    await relate('oslo.sykepleier', p.id);
    const { entry, etag } = await draft('oslo.lege', p.id);
    expect((await sign('oslo.sykepleier', p.id, entry.id, etag)).status).toBe(403);
    const events = await auditEvents('0301', p.id);
    expect(events.find((e) => e.action === 'entry.sign' && e.outcome === 'denied')).toMatchObject({ rule: 'draft-author-only' });
  });

  it('corrects a signed entry into a new version with a reason; every earlier version stays readable', async () => {
    const p = await createPatient('oslo.admin', freshNid());
    await relate('oslo.lege', p.id);
    // Another author's signed note is corrected by the municipality's journal-responsible (issue 16.1).
    const responsible = await createJournalResponsible('oslo.journalansvarlig.t', '0301', '0301-hjem-sagene');
    await relate(responsible, p.id);
    const { entry } = await draft('oslo.lege', p.id, { text: 'Opprinnelig tekst' });
    await sign('oslo.lege', p.id, entry.id, '"v1"');
    const path = `/v1/patients/${p.id}/entries/${entry.id}`;
    const correction = { title: 'Konsultasjon', text: 'Rettet tekst', reason: 'Feil dosering i opprinnelig notat' };
    expect((await post(`${path}/corrections`, responsible, correction)).status).toBe(428);
    const corrected = await post(`${path}/corrections`, responsible, correction, { 'if-match': '"v2"' });
    expect(corrected.status).toBe(200);
    expect(await corrected.json()).toMatchObject({ status: 'corrected', version: 3, text: 'Rettet tekst', reason: correction.reason, author: { sub: 'oslo.lege' }, changedBy: { sub: responsible } });

    const history = await stack.call(`${path}/versions`, { as: 'oslo.lege' });
    const versions = ((await history.json()) as { versions: EntryVersion[] }).versions;
    expect(versions.map((v) => [v.version, v.action, v.status, v.text])).toEqual([
      [1, 'created', 'draft', 'Opprinnelig tekst'],
      [2, 'signed', 'signed', 'Opprinnelig tekst'],
      [3, 'corrected', 'corrected', 'Rettet tekst'],
    ]);
    expect(versions[2]?.reason).toBe(correction.reason);

    // A draft is not corrected (edit it instead).
    const { entry: d } = await draft('oslo.lege', p.id);
    expect((await post(`/v1/patients/${p.id}/entries/${d.id}/corrections`, 'oslo.lege', correction, { 'if-match': '"v1"' })).status).toBe(409);
  });

  it('marks an entry entered-in-error; it stays readable and cannot be corrected afterwards', async () => {
    const p = await createPatient('oslo.admin', freshNid());
    await relate('oslo.lege', p.id);
    const { entry } = await draft('oslo.lege', p.id);
    await sign('oslo.lege', p.id, entry.id, '"v1"');
    const path = `/v1/patients/${p.id}/entries/${entry.id}`;
    const marked = await post(`${path}/entered-in-error`, 'oslo.lege', { reason: 'Skrevet på feil pasient' }, { 'if-match': '"v2"' });
    expect(marked.status).toBe(200);
    expect(await marked.json()).toMatchObject({ status: 'entered-in-error', version: 3, text: 'Hemmelig notattekst', reason: 'Skrevet på feil pasient' });
    expect((await post(`${path}/corrections`, 'oslo.lege', { title: 'x', text: 'y', reason: 'abc' }, { 'if-match': '"v3"' })).status).toBe(409);
    expect((await stack.call(path, { as: 'oslo.lege' })).status).toBe(200);
  });

  it('has no route that deletes', async () => {
    const doc = (await (await stack.call('/openapi.json')).json()) as { paths: Record<string, Record<string, unknown>> };
    for (const [path, methods] of Object.entries(doc.paths)) if (path.startsWith('/v1/patients')) expect(Object.keys(methods)).not.toContain('delete');
  });

  it('lists the timeline newest first, filtered by type and unit, across pages with opaque cursors', async () => {
    const p = await createPatient('oslo.admin', freshNid());
    await relate('oslo.lege', p.id);
    const base = Date.now() - 10 * 86_400_000;
    const made: { id: string; type: string; unit: string; t: string }[] = [];
    for (let i = 0; i < 9; i++) {
      const type = i % 3 === 0 ? 'vaksinasjon' : 'journalnotat';
      const unit = i % 2 === 0 ? '0301-lege-torshov' : '0301-hjem-sagene';
      const t = new Date(base + i * 3_600_000).toISOString();
      const { entry } = await draft('oslo.lege', p.id, { type, unit, eventTime: t, title: `Notat ${i}` });
      made.push({ id: entry.id, type, unit, t });
    }
    const newestFirst = [...made].reverse();
    async function all(query: string) {
      const ids: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const res = await stack.call(`/v1/patients/${p.id}/timeline?limit=2${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { as: 'oslo.lege' });
        expect(res.status).toBe(200);
        const page = (await res.json()) as Timeline;
        expect(page.items.length).toBeLessThanOrEqual(2);
        ids.push(...page.items.map((i) => i.id));
        cursor = page.nextCursor;
        pages++;
      } while (cursor && pages < 20);
      return ids;
    }
    expect(await all('')).toEqual(newestFirst.map((m) => m.id));
    expect(await all('&type=vaksinasjon')).toEqual(newestFirst.filter((m) => m.type === 'vaksinasjon').map((m) => m.id));
    expect(await all('&unit=0301-hjem-sagene&type=journalnotat')).toEqual(newestFirst.filter((m) => m.unit === '0301-hjem-sagene' && m.type === 'journalnotat').map((m) => m.id));
    const first = (await (await stack.call(`/v1/patients/${p.id}/timeline?limit=1`, { as: 'oslo.lege' })).json()) as Timeline;
    expect(first.items[0]).toMatchObject({ title: 'Notat 8', type: 'journalnotat', sharable: false });
    expect((await stack.call(`/v1/patients/${p.id}/timeline?cursor=garbage`, { as: 'oslo.lege' })).status).toBe(400);
  });
});

describe('roles', () => {
  it('refuses auditors journal content (audited), and operators and citizens every journal route', async () => {
    const p = await createPatient('oslo.admin', freshNid());
    await relate('oslo.lege', p.id);
    const { entry } = await draft('oslo.lege', p.id);
    const entryPath = `/v1/patients/${p.id}/entries/${entry.id}`;
    for (const path of [entryPath, `${entryPath}/versions`, `/v1/patients/${p.id}/timeline`, `/v1/patients/${p.id}`]) {
      const res = await stack.call(path, { as: 'oslo.revisor' });
      expect(res.status, path).toBe(403);
      expect((await stack.call(path, { as: 'drift' })).status).toBe(403);
      expect((await stack.call(path, { as: 'innbygger.kari' })).status).toBe(403);
    }
    const denied = (await auditEvents('0301', p.id)).filter((e) => e.outcome === 'denied');
    expect(denied.every((e) => e.rule === 'auditor-no-journal-content')).toBe(true);
    expect(denied).toHaveLength(4);
    expect((await post('/v1/patients/search', 'drift', { name: 'Test' })).status).toBe(403);
    expect((await post('/v1/patients/search', 'oslo.revisor', { name: 'Test' })).status).toBe(403);
  });

  it("shows a citizen their own signed record in every municipality, read-only, audited with purpose CITIZEN", async () => {
    const res = await stack.call('/v1/me/record', { as: 'innbygger.ola' });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { records: { tenant: string; patient: Patient; entries: Entry[] }[] };
    expect(body.records.map((r) => r.tenant).sort()).toEqual(['0301', '4601']);
    const bergen = body.records.find((r) => r.tenant === '4601')!;
    expect(bergen.patient.nationalId).toBe('15838512329');
    expect(bergen.entries.length).toBeGreaterThan(0);
    expect(bergen.entries.every((e) => e.status !== 'draft')).toBe(true);
    const events = await auditEvents('4601', bergen.patient.id);
    expect(events.at(-1)).toMatchObject({ action: 'citizen.record.read', purposeOfUse: 'CITIZEN', rule: 'citizen-own-record', citizenKey: await nationalIdKey('15838512329') });
    // Kari sees only her own (the demo data has her in Oslo and, for sharing, in Bodø).
    const kari = (await (await stack.call('/v1/me/record', { as: 'innbygger.kari' })).json()) as { records: { tenant: string; patient: Patient }[] };
    expect(kari.records.map((r) => r.tenant).sort()).toEqual(['0301', '1804']);
    expect(kari.records.every((r) => r.patient.nationalId === '01817045606')).toBe(true);
    expect((await stack.call('/v1/me/record', { as: 'oslo.lege' })).status).toBe(403);
  });
});

describe('storage', () => {
  it('never stores a national id, name or note text in plain text in the journal table', async () => {
    const nid = freshNid();
    const p = await createPatient('oslo.admin', nid, 'Synnøve Klartekstsen');
    await relate('oslo.lege', p.id);
    await draft('oslo.lege', p.id, { text: 'Klartekstmarkør i notatet', title: 'Tittelmarkør' });
    const client = localDynamoClient();
    const items: Record<string, unknown>[] = [];
    let start: Record<string, never> | undefined;
    do {
      const out = await client.send(new ScanCommand({ TableName: tableName(stack.stage, 'journal'), ExclusiveStartKey: start }));
      items.push(...(out.Items ?? []).map((i) => unmarshall(i)));
      start = out.LastEvaluatedKey as typeof start;
    } while (start);
    client.destroy();
    const dump = JSON.stringify(items, (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('latin1') : v));
    expect(items.length).toBeGreaterThan(20);
    for (const secret of [nid, '15838512329', '01817045606', 'Synnøve', 'Klartekstsen', 'klartekstsen', 'Klartekstmarkør', 'Tittelmarkør', 'Ola Testmann']) {
      expect(dump.includes(secret), secret).toBe(false);
    }
    // Also not in the audit table.
    const audit = await tenantDb('0301').query({ table: 'audit', partition: streamOf('0301', p.id), limit: 100 });
    expect(JSON.stringify(audit.items)).not.toContain(nid);
  });
});
