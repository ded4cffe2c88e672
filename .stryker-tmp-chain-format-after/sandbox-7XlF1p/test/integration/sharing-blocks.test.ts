// @ts-nocheck
import { describe, expect, it } from 'vitest';
import { syntheticNationalId } from '../../shared/contracts/identifiers';
import type { Entry } from '../../shared/contracts/journal';
import type { CitizenAccessEntry, ReviewQueueItemView } from '../../shared/contracts/audit';
import type { Block, BlockList, ConsentList, EmergencyAccess, SharedDocumentList } from '../../shared/contracts/sharing';
import { getUser } from '../../shared/tenancy/user-store';
import { retrieveDocument } from '../../functions/sharing/document-service';
import type { Caller } from '../../shared/auth/caller';
import { useTestStack } from '../support/local-stack';
import { createCitizen, createPatient, createRelationship, createSignedEntry } from '../support/patients';
import { newIdempotencyKey } from '../support/requests';
import { auditEvents, requestSessions } from '../support/tables';

/** Blocks (sperring), consent (samtykke) and emergency access (akuttilgang), end to end. */

const stack = useTestStack();
const post = stack.post;

let n = 0;
const freshNid = () => syntheticNationalId({ day: 3, month: 9, year: 1940 + (n % 40) }, 300 + ++n * 11);

const patientIn = (as: string, nationalId: string) => createPatient(stack, as, { nationalId, name: 'Sperret Pasient', birthDate: '1940-09-03', gender: 'unknown' });

async function signed(as: string, patientId: string, body: { type: string; title: string; text: string }): Promise<Entry> {
  return (await createSignedEntry(stack, as, patientId, body)).entry;
}

async function titles(as: string, patientId: string): Promise<string[]> {
  const res = await stack.call(`/v1/sharing/patients/${patientId}/documents`, { as });
  expect(res.status).toBe(200);
  return ((await res.json()) as SharedDocumentList).documents.map((d) => d.title ?? '');
}

async function retrieve(as: string, documentId: string): Promise<{ status: number; body: Record<string, unknown>; type: string | null }> {
  const res = await stack.call(`/v1/sharing/documents/${documentId}`, { as });
  return { status: res.status, type: res.headers.get('content-type'), body: (await res.json()) as Record<string, unknown> };
}

async function block(as: string, target: Record<string, unknown>): Promise<Block> {
  const res = await post('/v1/sharing/me/blocks', as, target);
  expect(res.status).toBe(201);
  return (await res.json()) as Block;
}

/** "Block this person" from the newest row of the citizen's access log where `name` acted (issue 16.6). */
async function blockFromLog(who: string, name: string): Promise<Block> {
  const log = (await (await stack.call('/v1/audit/access-log?limit=100', { as: who })).json()) as { items: CitizenAccessEntry[] };
  const row = log.items.find((i) => i.who.name === name);
  expect(row, name).toBeDefined();
  return block(who, { kind: 'logged-person', actorRef: row!.actorRef });
}

async function lift(as: string, blockId: string) {
  return stack.call(`/v1/sharing/me/blocks/${blockId}`, { method: 'DELETE', as, headers: { 'idempotency-key': newIdempotencyKey() } });
}

type StoredEvent = Record<string, unknown> & { action: string; outcome: string; actor: { sub: string }; rule?: string; flagged?: boolean; purposeOfUse?: string };

const stream = (tenant: string, patientId?: string) => auditEvents<StoredEvent>(tenant, patientId);

/** A patient with records in Bergen (nurse related) and Oslo (doctor related), a signed epikrise in Bergen, and a citizen login. */
async function scenario() {
  const nid = freshNid();
  const bergen = await patientIn('bergen.admin', nid);
  await createRelationship(stack, 'bergen.sykepleier', bergen.id);
  await createRelationship(stack, 'bergen.lege', bergen.id);
  const oslo = await patientIn('oslo.admin', nid);
  await createRelationship(stack, 'oslo.lege', oslo.id);
  const epikrise = await signed('bergen.sykepleier', bergen.id, { type: 'epikrise', title: 'Epikrise', text: 'Innhold fra Bergen' });
  return { nid, bergen, oslo, epikrise, docId: `4601-${epikrise.id}`, who: await createCitizen(nid, 'Sperret Pasient', 'innbygger.b') };
}

describe('blocks', () => {
  it('a document block refuses retrieval (403 problem+json), leaves the document out of the list, and lifting it is recorded and restores access', async () => {
    const s = await scenario();
    const other = await signed('bergen.sykepleier', s.bergen.id, { type: 'vaksinasjon', title: 'Vaksine', text: 'Dose 1' });
    expect((await titles('oslo.lege', s.oslo.id)).sort()).toEqual(['Epikrise', 'Vaksine']);

    const b = await block(s.who, { kind: 'document', documentId: s.docId });
    expect(b).toMatchObject({ target: { kind: 'document', documentId: s.docId }, active: true, createdBy: { kind: 'citizen' } });
    expect(await titles('oslo.lege', s.oslo.id)).toEqual(['Vaksine']);
    const refused = await retrieve('oslo.lege', s.docId);
    expect(refused.status).toBe(403);
    expect(refused.type).toContain('application/problem+json');
    expect(refused.body.rule).toBe('blocked-document');
    expect(JSON.stringify(refused.body)).not.toContain('Innhold fra Bergen');
    expect((await retrieve('oslo.lege', `4601-${other.id}`)).status).toBe(200);
    // The home municipality's own personnel still read their own record.
    expect((await stack.call(`/v1/patients/${s.bergen.id}/entries/${s.epikrise.id}`, { as: 'bergen.sykepleier' })).status).toBe(200);
    // The citizen sees which block covers which document.
    const mine = (await (await stack.call('/v1/sharing/me/documents', { as: s.who })).json()) as { documents: { id: string; blockedBy: string[] }[] };
    expect(mine.documents.find((d) => d.id === s.docId)?.blockedBy).toEqual([b.id]);

    const lifted = await lift(s.who, b.id);
    expect(lifted.status).toBe(200);
    expect(await lifted.json()).toMatchObject({ id: b.id, active: false, liftedBy: { kind: 'citizen' } });
    expect((await lift(s.who, b.id)).status).toBe(409);
    expect((await retrieve('oslo.lege', s.docId)).status).toBe(200);
    const history = (await (await stack.call('/v1/sharing/me/blocks', { as: s.who })).json()) as BlockList;
    expect(history.blocks).toHaveLength(1);
    expect(history.blocks[0]).toMatchObject({ id: b.id, active: false });
    expect(history.blocks[0]?.liftedAt).toBeTypeOf('string');
    // Setting and lifting are in the audit logs of the municipalities holding the citizen's record.
    for (const [tenant, patientId] of [['4601', s.bergen.id], ['0301', s.oslo.id]] as const) {
      const actions = (await stream(tenant, patientId)).filter((e) => e.action.startsWith('sharing.block')).map((e) => e.action);
      expect(actions, tenant).toEqual(['sharing.block.create', 'sharing.block.lift']);
    }
  });

  it('a category block covers documents signed after it; an all-sharing block refuses the whole list', async () => {
    const s = await scenario();
    const cat = await block(s.who, { kind: 'category', category: 'vaksinasjon' });
    const later = await signed('bergen.sykepleier', s.bergen.id, { type: 'vaksinasjon', title: 'Ny vaksine', text: 'Dose 2' });
    expect(await titles('oslo.lege', s.oslo.id)).toEqual(['Epikrise']);
    expect((await retrieve('oslo.lege', `4601-${later.id}`)).body.rule).toBe('blocked-category');
    expect((await lift(s.who, cat.id)).status).toBe(200);
    expect((await titles('oslo.lege', s.oslo.id)).sort()).toEqual(['Epikrise', 'Ny vaksine']);

    await block(s.who, { kind: 'all-sharing' });
    const list = await stack.call(`/v1/sharing/patients/${s.oslo.id}/documents`, { as: 'oslo.lege' });
    expect(list.status).toBe(403);
    const body = JSON.stringify(await list.json());
    expect(body).toContain('blocked-all-sharing');
    expect(body).not.toContain('Epikrise');
    expect((await retrieve('oslo.lege', s.docId)).body.rule).toBe('blocked-all-sharing');
  });

  it('a named-person block holds in the home municipality too; the rest of the team keeps access', async () => {
    const s = await scenario();
    await blockFromLog(s.who, 'Sara Sykepleier (bergen)');
    const home = await stack.call(`/v1/patients/${s.bergen.id}/timeline`, { as: 'bergen.sykepleier' });
    // To the blocked person the patient is as one that does not exist (issue 16.5); the log keeps the rule.
    expect(home.status).toBe(404);
    expect(await home.json()).not.toHaveProperty('rule');
    // Writing too.
    expect((await post(`/v1/patients/${s.bergen.id}/entries`, 'bergen.sykepleier', { type: 'journalnotat', title: 'x', text: 'y' })).status).toBe(404);
    expect((await stack.call(`/v1/patients/${s.bergen.id}/timeline`, { as: 'bergen.lege' })).status).toBe(200);
    expect((await retrieve('oslo.lege', s.docId)).status).toBe(200);
    const denied = (await stream('4601', s.bergen.id)).filter((e) => e.action === 'patient.timeline');
    expect(denied.map((e) => [e.outcome, e.rule, e.actor.sub])).toEqual([['denied', 'blocked-person', 'bergen.sykepleier'], ['success', 'care-relationship-user', 'bergen.lege']]);
  });

  it('staff register a unit block on the patient’s behalf with a reason (audited); it refuses everyone in that unit despite their relationship', async () => {
    const s = await scenario();
    const res = await post(`/v1/sharing/patients/${s.bergen.id}/blocks`, 'bergen.lege', { target: { kind: 'unit', tenant: '0301', unitId: '0301-lege-torshov' }, reason: 'Pasienten ba om det på telefon' });
    expect(res.status).toBe(201);
    const b = (await res.json()) as Block;
    expect(b).toMatchObject({ createdBy: { kind: 'staff', id: 'bergen.lege', tenantId: '4601' }, targetLabel: 'Torshov legekontor (Oslo)' });
    // To the blocked unit the document and the patient are as ones that do not exist (issue 16.5).
    expect(await retrieve('oslo.lege', s.docId)).toMatchObject({ status: 404, body: { detail: 'Dokumentet finnes ikke.' } });
    expect((await retrieve('oslo.lege', s.docId)).body.rule).toBeUndefined();
    expect((await stream('0301', s.oslo.id)).filter((e) => e.action === 'sharing.document.retrieve' && e.outcome === 'denied').map((e) => e.rule)).toContain('blocked-unit');
    // The unit block holds in Oslo's own journal as well.
    expect((await stack.call(`/v1/patients/${s.oslo.id}/timeline`, { as: 'oslo.lege' })).status).toBe(404);
    const event = (await stream('4601', s.bergen.id)).find((e) => e.action === 'sharing.block.create');
    expect(event).toMatchObject({ outcome: 'success', actor: { sub: 'bergen.lege' }, details: { kind: 'unit', onBehalfOfCitizen: true } });
    expect(event?.reasonSealed).toBeDefined();
    expect(JSON.stringify(event)).not.toContain('telefon');
    // The citizen sees it among their blocks and can lift it; staff may lift on their behalf too.
    const mine = (await (await stack.call('/v1/sharing/me/blocks', { as: s.who })).json()) as BlockList;
    expect(mine.blocks.map((x) => x.id)).toEqual([b.id]);
    const liftedByStaff = await stack.call(`/v1/sharing/patients/${s.bergen.id}/blocks/${b.id}`, { method: 'DELETE', as: 'bergen.admin', headers: { 'idempotency-key': newIdempotencyKey() } });
    expect(liftedByStaff.status).toBe(200);
    expect((await retrieve('oslo.lege', s.docId)).status).toBe(200);
    // A clinician without a relationship may not manage the patient's blocks.
    expect((await post(`/v1/sharing/patients/${s.oslo.id}/blocks`, 'oslo.sykepleier', { target: { kind: 'all-sharing' }, reason: 'Pasientens ønske' })).status).toBe(403);
  });

  it('refuses blocks naming nothing real (400) and writes nothing', async () => {
    const s = await scenario();
    const bad = [
      { kind: 'document', documentId: '4601-00000000-0000-4000-8000-000000000000' },
      { kind: 'person', userId: 'finnes.ikke' },
      { kind: 'unit', tenant: '0301', unitId: 'ukjent-enhet' },
      { kind: 'category', category: 'journalnotat' },
      { kind: 'all-sharing', extra: true },
    ];
    for (const target of bad) {
      const res = await post('/v1/sharing/me/blocks', s.who, target);
      expect(res.status, JSON.stringify(target)).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
    // Another citizen's document cannot be blocked by this one.
    expect((await post('/v1/sharing/me/blocks', 'innbygger.kari', { kind: 'document', documentId: s.docId })).status).toBe(400);
    expect(((await (await stack.call('/v1/sharing/me/blocks', { as: s.who })).json()) as BlockList).blocks).toEqual([]);
  });
});

describe('consent', () => {
  it('shares a consent-requiring category only while consent is given', async () => {
    const s = await scenario();
    const plan = await signed('bergen.sykepleier', s.bergen.id, { type: 'tiltaksplan', title: 'Tiltaksplan', text: 'Plan' });
    expect(await titles('oslo.lege', s.oslo.id)).toEqual(['Epikrise']);
    expect((await retrieve('oslo.lege', `4601-${plan.id}`)).body.rule).toBe('consent-missing');

    const consents = (await (await stack.call('/v1/sharing/me/consents', { as: s.who })).json()) as ConsentList;
    expect(consents.consents.find((c) => c.category === 'tiltaksplan')).toEqual({ category: 'tiltaksplan', required: true, status: 'none' });
    const given = await stack.call('/v1/sharing/me/consents', { method: 'PUT', as: s.who, headers: { 'idempotency-key': newIdempotencyKey() }, json: { category: 'tiltaksplan', status: 'given' } });
    expect(given.status).toBe(200);
    const afterGiven = ((await given.json()) as ConsentList).consents.find((c) => c.category === 'tiltaksplan');
    expect(afterGiven?.status).toBe('given');
    expect(afterGiven?.changedAt).toBeTypeOf('string');
    expect((await titles('oslo.lege', s.oslo.id)).sort()).toEqual(['Epikrise', 'Tiltaksplan']);
    expect((await stack.call('/v1/sharing/me/consents', { method: 'PUT', as: s.who, headers: { 'idempotency-key': newIdempotencyKey() }, json: { category: 'tiltaksplan', status: 'withdrawn' } })).status).toBe(200);
    expect(await titles('oslo.lege', s.oslo.id)).toEqual(['Epikrise']);
    expect((await stack.call('/v1/sharing/me/consents', { method: 'PUT', as: s.who, headers: { 'idempotency-key': newIdempotencyKey() }, json: { category: 'tiltaksplan', status: 'maybe' } })).status).toBe(400);
    const actions = (await stream('4601', s.bergen.id)).filter((e) => String(e.action).startsWith('sharing.consent')).map((e) => e.action);
    expect(actions).toEqual(['sharing.consent.give', 'sharing.consent.withdraw']);
  });
});

describe('emergency access', () => {
  it('requires a reason of at most 250 characters; grants 4 hours of flagged access, queued for the data owner’s auditor and shown to the citizen', async () => {
    const s = await scenario();
    const path = `/v1/sharing/patients/${s.oslo.id}/emergency-access`;
    expect((await post(path, 'oslo.sykepleier', {})).status).toBe(400);
    const tooLong = await post(path, 'oslo.sykepleier', { reason: 'a'.repeat(251) });
    expect(tooLong.status).toBe(400);
    expect(((await tooLong.json()) as { errors: { field: string }[] }).errors[0]?.field).toBe('body.reason');
    expect(await (await stack.call(path, { as: 'oslo.sykepleier' })).json()).toEqual({ active: null });
    expect((await stack.call(`/v1/sharing/patients/${s.oslo.id}/documents`, { as: 'oslo.sykepleier' })).status).toBe(403);

    const reason = 'Bevisstløs pasient innlagt legevakt, trenger legemiddelopplysninger';
    const res = await post(path, 'oslo.sykepleier', { reason });
    expect(res.status).toBe(201);
    const grant = (await res.json()) as EmergencyAccess;
    const hours = (Date.parse(grant.expiresAt) - Date.parse(grant.grantedAt)) / 3_600_000;
    expect(hours).toBe(4);
    expect(await (await stack.call(path, { as: 'oslo.sykepleier' })).json()).toEqual({ active: grant });

    const list = (await (await stack.call(`/v1/sharing/patients/${s.oslo.id}/documents`, { as: 'oslo.sykepleier' })).json()) as SharedDocumentList;
    expect(list.access).toEqual({ rule: 'emergency-access', emergency: true });
    const doc = await retrieve('oslo.sykepleier', s.docId);
    expect(doc.status).toBe(200);
    expect(doc.body.access).toEqual({ rule: 'emergency-access', emergency: true });
    // Emergency access opens the home municipality's journal for reading, not for writing.
    expect((await stack.call(`/v1/patients/${s.oslo.id}/timeline`, { as: 'oslo.sykepleier' })).status).toBe(200);
    expect((await post(`/v1/patients/${s.oslo.id}/entries`, 'oslo.sykepleier', { type: 'journalnotat', title: 'x', text: 'y' })).status).toBe(403);

    // Every event it caused is flagged, BTG; the grant carries the sealed reason.
    const oslo = (await stream('0301', s.oslo.id)).filter((e) => e.actor.sub === 'oslo.sykepleier' && e.outcome === 'success');
    expect(oslo.map((e) => e.action)).toEqual(['sharing.emergency-access.grant', 'sharing.documents.list', 'sharing.document.retrieve', 'patient.timeline']);
    expect(oslo.every((e) => e.flagged === true && e.purposeOfUse === 'BTG')).toBe(true);
    expect(JSON.stringify(oslo)).not.toContain('Bevisstløs');
    // The data owner's auditor finds the retrieval in Bergen's review queue, with the reason for the grant in Oslo's.
    const bergenQueue = (await (await stack.call('/v1/audit/review-queue', { as: 'bergen.revisor' })).json()) as { items: ReviewQueueItemView[] };
    // (Self-authorised care relationships are queued too; here only what emergency access caused.)
    const mine = bergenQueue.items.filter((i) => i.patientId === s.bergen.id && i.flagReason === 'emergency-access');
    expect(mine.map((i) => i.action).sort()).toEqual(['sharing.document.retrieve', 'sharing.documents.list']);
    expect(mine[0]).toMatchObject({ flagReason: 'emergency-access', status: 'open', event: { fromTenant: '0301', purposeOfUse: 'BTG', actor: { sub: 'oslo.sykepleier' } } });
    const osloQueue = (await (await stack.call('/v1/audit/review-queue', { as: 'oslo.revisor' })).json()) as { items: ReviewQueueItemView[] };
    expect(osloQueue.items.find((i) => i.action === 'sharing.emergency-access.grant' && i.patientId === s.oslo.id)?.event).toMatchObject({ reason });
    // The citizen sees emergency access (never the free-text reason).
    const log = (await (await stack.call('/v1/audit/access-log', { as: s.who })).json()) as { items: CitizenAccessEntry[] };
    const emergency = log.items.filter((i) => i.emergencyAccess);
    expect(emergency.map((i) => i.action)).toEqual(expect.arrayContaining(['sharing.emergency-access.grant', 'sharing.document.retrieve']));
    expect(JSON.stringify(log)).not.toContain('Bevisstløs');

    // After four hours it is over.
    const nurse = await getUser('oslo.sykepleier');
    const caller: Caller = { sub: 'oslo.sykepleier', kind: 'person', roles: ['clinician'], scopes: [], tenant: '0301', unit: nurse?.unit, hpr: nurse?.hpr, expiresAt: 0 };
    const later = new Date(Date.parse(grant.expiresAt) + 1000);
    const sessions = await requestSessions('0301', caller);
    await expect(retrieveDocument({ tenant: '0301', session: sessions.own!, sessions, caller, requestId: 'test-expired', now: later }, s.docId)).rejects.toMatchObject({ extra: { rule: 'no-care-relationship' } });
  });

  it('does not override a named-person block, whether set before or during the emergency access', async () => {
    const s = await scenario();
    const path = `/v1/sharing/patients/${s.oslo.id}/emergency-access`;
    expect((await post(path, 'oslo.sykepleier', { reason: 'Akutt forverring, trenger opplysninger' })).status).toBe(201);
    expect((await retrieve('oslo.sykepleier', s.docId)).status).toBe(200);
    await blockFromLog(s.who, 'Sara Sykepleier (oslo)');
    // Refused, answered as for a document and a patient that do not exist (issue 16.5); the log keeps the rule.
    expect(await retrieve('oslo.sykepleier', s.docId)).toMatchObject({ status: 404, body: { detail: 'Dokumentet finnes ikke.' } });
    expect((await stack.call(`/v1/patients/${s.oslo.id}/timeline`, { as: 'oslo.sykepleier' })).status).toBe(404);
    const again = await post(path, 'oslo.sykepleier', { reason: 'Akutt forverring, prøver igjen' });
    expect(again.status).toBe(404);
    expect(await again.json()).not.toHaveProperty('rule');
    const refused = (await stream('0301', s.oslo.id)).filter((e) => e.outcome === 'denied' && e.actor.sub === 'oslo.sykepleier');
    expect(refused.filter((e) => e.action === 'sharing.emergency-access.grant').map((e) => e.rule)).toEqual(['blocked-person']);
    expect(refused.filter((e) => e.action === 'sharing.document.retrieve').map((e) => e.rule)).toEqual(['blocked-person']);
  });
});
