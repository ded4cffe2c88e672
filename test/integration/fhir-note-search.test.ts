import { Client } from 'fhir-kit-client';
import { describe, expect, it } from 'vitest';
import { syntheticNationalId } from '../../shared/contracts/identifiers';
import { useTestStack } from '../support/local-stack';
import { createCitizen, createPatient, createRelationship } from '../support/patients';
import { auditEvents } from '../support/tables';
import { expectValidFhir } from '../support/fhir-validate';

/**
 * Search over the patient's journal notes as DocumentReference (Patient/{id}/DocumentReference),
 * through fhir-kit-client: the journal's timeline with its decision, blocks and audit, paged by
 * opaque next links, every Bundle valid R4.
 */

const stack = useTestStack();

type Resource = { resourceType: string; id: string; [k: string]: unknown };
type Bundle = Resource & { type: string; link: { relation: string; url: string }[]; entry?: { fullUrl: string; resource: Resource }[] };
interface HttpError {
  response: { status: number; data: unknown };
}

let n = 0;
async function patient(): Promise<{ id: string; nid: string }> {
  n += 1;
  const nid = syntheticNationalId({ day: 17, month: 6, year: 1950 + n }, 400 + n * 7);
  const p = await createPatient(stack, 'oslo.admin', { nationalId: nid, name: 'Søk Notatsen', birthDate: `${1950 + n}-06-17`, gender: 'unknown' });
  await createRelationship(stack, 'oslo.lege', p.id);
  return { id: p.id, nid };
}

async function clientFor(user: string): Promise<Client> {
  return new Client({ baseUrl: `${stack.url}/fhir/R4`, customHeaders: { authorization: `Bearer ${await stack.tokenFor(user)}` } });
}

async function refusal(call: Promise<unknown>): Promise<{ status: number; outcome: Resource & { issue: { code: string; expression?: string[] }[] } }> {
  const error = (await call.then(
    () => undefined,
    (e: unknown) => e,
  )) as HttpError | undefined;
  expect(error, 'the call is refused').toBeDefined();
  const data = error!.response.data;
  const outcome = (typeof data === 'string' ? JSON.parse(data) : data) as Resource & { issue: { code: string; expression?: string[] }[] };
  expect(outcome.resourceType).toBe('OperationOutcome');
  expectValidFhir(outcome);
  return { status: error!.response.status, outcome };
}

function note(patientId: string, text: string, type = 'journalnotat', docStatus = 'preliminary') {
  return {
    resourceType: 'DocumentReference' as const,
    status: 'current',
    docStatus,
    type: { coding: [{ system: 'urn:fellesjournal:entry-type', code: type }] },
    subject: { reference: `Patient/${patientId}` },
    description: text,
    content: [{ attachment: { contentType: 'text/plain', data: Buffer.from(text, 'utf8').toString('base64') } }],
  };
}

/** Three notes: two journal notes (one signed) and a nursing note. */
async function threeNotes(client: Client, patientId: string): Promise<{ signed: Resource; draft: Resource; nursing: Resource }> {
  const signedDraft = (await client.create({ resourceType: 'DocumentReference', body: note(patientId, 'Første') })) as Resource;
  const signed = (await client.update({ resourceType: 'DocumentReference', id: signedDraft.id, body: note(patientId, 'Første', 'journalnotat', 'final'), options: { headers: { 'if-match': 'W/"1"' } } })) as Resource;
  const draft = (await client.create({ resourceType: 'DocumentReference', body: note(patientId, 'Andre') })) as Resource;
  const nursing = (await client.create({ resourceType: 'DocumentReference', body: note(patientId, 'Tredje', 'sykepleienotat') })) as Resource;
  return { signed, draft, nursing };
}

const search = (client: Client, patientId: string, searchParams: Record<string, string | number> = {}) =>
  client.compartmentSearch({ resourceType: 'DocumentReference', compartment: { resourceType: 'Patient', id: patientId }, searchParams }) as Promise<Bundle>;
const idsOf = (b: Bundle) => (b.entry ?? []).map((e) => e.resource.id);

describe('search over journal notes (Patient/{id}/DocumentReference)', () => {
  it('lists the notes newest first, pages them by opaque next links within _count, and narrows by docStatus, type, date and author', async () => {
    const p = await patient();
    const client = await clientFor('oslo.lege');
    const { signed, draft, nursing } = await threeNotes(client, p.id);

    const all = await search(client, p.id);
    expectValidFhir(all);
    expect(all.type).toBe('searchset');
    expect(new Set(idsOf(all))).toEqual(new Set([signed.id, draft.id, nursing.id]));
    const first = all.entry!.find((e) => e.resource.id === signed.id)!;
    expect(first.resource).toMatchObject({ docStatus: 'final', subject: { reference: `Patient/${p.id}` }, author: [{ reference: 'Practitioner/9100002' }] });
    // The search names where each note is read with its text; it holds no text itself.
    const attachment = (first.resource.content as { attachment: Record<string, unknown> }[])[0]!.attachment;
    expect(attachment.url).toBe(`${stack.url}/fhir/R4/DocumentReference/${signed.id}`);
    expect(attachment.data).toBeUndefined();

    // Paging: two, then one, through the next link the server wrote (its _page is opaque).
    const page1 = await search(client, p.id, { _count: 2 });
    expectValidFhir(page1);
    expect(idsOf(page1)).toHaveLength(2);
    const next = page1.link.find((l) => l.relation === 'next')!;
    expect(next.url).toContain(`/fhir/R4/Patient/${p.id}/DocumentReference?`);
    const opaque = new URL(next.url).searchParams.get('_page')!;
    expect(opaque).not.toContain(p.id);
    const page2 = (await client.nextPage({ bundle: page1 })) as Bundle;
    expectValidFhir(page2);
    expect(new Set([...idsOf(page1), ...idsOf(page2)])).toEqual(new Set([signed.id, draft.id, nursing.id]));
    expect(page2.link.some((l) => l.relation === 'next')).toBe(false);

    expect(idsOf(await search(client, p.id, { docStatus: 'final' }))).toEqual([signed.id]);
    expect(new Set(idsOf(await search(client, p.id, { docStatus: 'preliminary' })))).toEqual(new Set([draft.id, nursing.id]));
    expect(idsOf(await search(client, p.id, { type: 'urn:fellesjournal:entry-type|sykepleienotat' }))).toEqual([nursing.id]);
    expect(idsOf(await search(client, p.id, { status: 'entered-in-error' }))).toEqual([]);
    expect(idsOf(await search(client, p.id, { author: 'Practitioner/9100002' }))).toHaveLength(3);
    expect(idsOf(await search(client, p.id, { author: 'Practitioner/1234567' }))).toEqual([]);
    expect(idsOf(await search(client, p.id, { date: 'le2000-01-01' }))).toEqual([]);
    expect(idsOf(await search(client, p.id, { date: `ge${new Date().toISOString().slice(0, 10)}` }))).toHaveLength(3);

    // Each search is the journal's timeline read, audited as /v1 audits it.
    const reads = (await auditEvents('0301', p.id)).filter((e) => e.action === 'patient.timeline');
    expect(reads.length).toBeGreaterThanOrEqual(11);
    expect(reads.every((e) => e.outcome === 'success' && (e.actor as { sub: string }).sub === 'oslo.lege')).toBe(true);
  });

  it('refuses a bad _count, an unknown type, a forged _page and a page of another search (400), naming the parameter', async () => {
    const p = await patient();
    const client = await clientFor('oslo.lege');
    await threeNotes(client, p.id);
    for (const [params, field] of [
      [{ _count: 0 }, '_count'],
      [{ _count: 101 }, '_count'],
      [{ type: 'urn:x|y' }, 'type'],
      [{ docStatus: 'signed' }, 'docStatus'],
      [{ _page: 'AAAA' }, '_page'],
    ] as const) {
      const bad = await refusal(search(client, p.id, params));
      expect([bad.status, bad.outcome.issue[0]!.expression], JSON.stringify(params)).toEqual([400, [field]]);
    }
    // A next link opens only for the search that made it.
    const page1 = await search(client, p.id, { _count: 1 });
    const opaque = new URL(page1.link.find((l) => l.relation === 'next')!.url).searchParams.get('_page')!;
    expect((await refusal(search(client, p.id, { _count: 1, _page: opaque, docStatus: 'final' }))).status).toBe(400);
    expect((await refusal(search(await clientFor('oslo.sykepleier'), p.id, { _count: 1, _page: opaque }))).status).toBe(400);
  });

  it('the access decision and the citizen’s blocks hold exactly as in /v1: refused (403, audited as denied) where the timeline is', async () => {
    const p = await patient();
    const client = await clientFor('oslo.lege');
    await threeNotes(client, p.id);
    // No care relationship: refused in both, and the refusal audited.
    const stranger = await clientFor('oslo.sykepleier');
    expect((await refusal(search(stranger, p.id))).status).toBe(403);
    expect((await stack.call(`/v1/patients/${p.id}/timeline`, { as: 'oslo.sykepleier' })).status).toBe(403);
    const denied = (await auditEvents('0301', p.id)).filter((e) => e.action === 'patient.timeline' && e.outcome === 'denied');
    expect(denied.map((e) => (e.actor as { sub: string }).sub)).toEqual(['oslo.sykepleier', 'oslo.sykepleier']);

    // The citizen blocks the clinician by name: the FHIR search is refused exactly when /v1's timeline is.
    const who = await createCitizen(p.nid, 'Søk Notatsen');
    expect((await stack.post('/v1/sharing/me/blocks', who, { kind: 'named-person', tenant: '0301', name: 'Lars Lege (oslo)' })).status).toBe(201);
    const v1 = (await stack.call(`/v1/patients/${p.id}/timeline`, { as: 'oslo.lege' })).status;
    const fhir = await search(client, p.id).then(
      () => 200,
      (e: HttpError) => e.response.status,
    );
    expect(fhir).toBe(v1);
    // An unknown patient is a 404 OperationOutcome, as in /v1.
    expect((await refusal(search(client, '00000000-0000-4000-8000-000000000000'))).status).toBe(404);
  });

  it('is listed in the CapabilityStatement: DocumentReference search in the Patient compartment with its parameters', async () => {
    const cs = (await (await clientFor('oslo.lege')).capabilityStatement()) as Resource & { rest: { compartment?: string[]; resource: { type: string; interaction: { code: string }[]; searchParam?: { name: string }[] }[] }[] };
    expectValidFhir(cs);
    expect(cs.rest[0]!.compartment).toEqual(['http://hl7.org/fhir/CompartmentDefinition/patient']);
    const doc = cs.rest[0]!.resource.find((r) => r.type === 'DocumentReference')!;
    expect(doc.interaction.filter((i) => i.code === 'search-type')).toHaveLength(1);
    expect(doc.searchParam!.map((s) => s.name)).toEqual(expect.arrayContaining(['docStatus', 'author', 'date', 'type', 'status']));
    expect(new Set(doc.searchParam!.map((s) => s.name)).size).toBe(doc.searchParam!.length);
  });
});
