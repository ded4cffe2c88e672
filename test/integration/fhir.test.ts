import { randomUUID } from 'node:crypto';
import { Client } from 'fhir-kit-client';
import { describe, expect, it } from 'vitest';
import { syntheticNationalId } from '../../shared/contracts/identifiers';
import { useTestStack } from '../support/local-stack';
import { createCitizen, createJournalResponsible, createPatient, createRelationship, createSignedEntry } from '../support/patients';
import { auditEvents } from '../support/tables';
import { expectValidFhir } from '../support/fhir-validate';
import { grantTestVendor, orgnrOf, vendorToken } from '../support/tokens';
import { CORRECTION_EXTENSION } from '../../functions/fhir/document-map';

/**
 * /fhir/R4 as an EHR vendor's system drives it: through fhir-kit-client, every resource checked by
 * Medplum's R4 validator. The answers are those of /v1 (same decision, blocks, audit) in FHIR.
 */

const stack = useTestStack();
const FNR = 'urn:oid:2.16.578.1.12.4.1.4.1';
const DNR = 'urn:oid:2.16.578.1.12.4.1.4.2';

type Resource = { resourceType: string; id?: string; [k: string]: unknown };
type Bundle = Resource & { type: string; total?: number; link: { relation: string; url: string }[]; entry?: { fullUrl: string; resource: Resource }[] };
interface HttpError {
  response: { status: number; data: unknown };
}

let n = 0;
const freshNid = (day = 14) => syntheticNationalId({ day, month: 3, year: 1940 + (n % 50) }, 300 + ++n * 11);

async function clientFor(user?: string): Promise<Client> {
  const customHeaders: Record<string, string> = user ? { authorization: `Bearer ${await stack.tokenFor(user)}` } : {};
  return new Client({ baseUrl: `${stack.url}/fhir/R4`, customHeaders });
}

/** The refusal fhir-kit-client threw, as the server answered it. */
async function refusal(call: Promise<unknown>): Promise<{ status: number; outcome: Resource }> {
  const error = (await call.then(
    () => undefined,
    (e: unknown) => e,
  )) as HttpError | undefined;
  expect(error, 'the call is refused').toBeDefined();
  const data = error!.response.data;
  const outcome = (typeof data === 'string' ? JSON.parse(data) : data) as Resource;
  expect(outcome.resourceType).toBe('OperationOutcome');
  expectValidFhir(outcome);
  return { status: error!.response.status, outcome };
}

const birthDateOf = (nid: string) => {
  const day = Number(nid.slice(0, 2)) % 40;
  const month = Number(nid.slice(2, 4)) % 40;
  const yy = Number(nid.slice(4, 6));
  return `19${String(yy).padStart(2, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
};

async function patientInOslo(nid: string, name = 'Fhir Testesen') {
  const patient = await createPatient(stack, 'oslo.admin', { nationalId: nid, name, birthDate: birthDateOf(nid), gender: 'unknown' });
  await createRelationship(stack, 'oslo.lege', patient.id);
  return patient;
}

describe('discovery', () => {
  it('publishes a valid CapabilityStatement generated from the route table, with the SMART security service', async () => {
    const client = await clientFor();
    const cs = (await client.capabilityStatement()) as Resource & { rest: { security: { service: { coding: { code: string }[] }[] }; resource: { type: string; interaction: { code: string }[]; searchParam?: { name: string }[] }[] }[] };
    expectValidFhir(cs);
    expect(cs).toMatchObject({ resourceType: 'CapabilityStatement', fhirVersion: '4.0.1', format: ['application/fhir+json'], kind: 'instance' });
    const rest = cs.rest[0]!;
    expect(rest.security.service[0]!.coding[0]!.code).toBe('SMART-on-FHIR');
    const byType = Object.fromEntries(rest.resource.map((r) => [r.type, r]));
    expect(Object.keys(byType).sort()).toEqual(['AuditEvent', 'Binary', 'Communication', 'Consent', 'DocumentReference', 'Organization', 'Patient', 'Practitioner', 'Task']);
    expect(byType.DocumentReference!.interaction.map((i) => i.code).sort()).toEqual(['create', 'read', 'search-type', 'update']);
    expect(byType.Patient!.interaction.map((i) => i.code).sort()).toEqual(['read', 'search-type']);
    expect((rest as unknown as { interaction: { code: string }[] }).interaction.map((i) => i.code)).toEqual(['transaction']);
    expect(byType.DocumentReference!.searchParam!.map((p) => p.name)).toEqual(['patient', 'patient.identifier', 'status', 'type', 'category', 'date', 'author.identifier', 'setting', 'docStatus', 'author']);
    const res = await fetch(`${stack.url}/fhir/R4/metadata`);
    expect(res.headers.get('content-type')).toBe('application/fhir+json');
  });

  it('publishes the SMART configuration: the issuer’s token endpoint, private_key_jwt, scopes', async () => {
    const client = await clientFor();
    const smart = (await client.request('.well-known/smart-configuration')) as unknown as Record<string, unknown>;
    const discovery = (await (await fetch(`${String(smart.issuer)}/.well-known/openid-configuration`)).json()) as { token_endpoint: string };
    expect(smart.token_endpoint).toBe(discovery.token_endpoint);
    expect(smart.token_endpoint_auth_methods_supported).toEqual(['private_key_jwt']);
    expect(smart.scopes_supported).toEqual(expect.arrayContaining(['journal.read', 'sharing.read', 'user/DocumentReference.rs']));
    expect(smart.capabilities).toEqual(expect.arrayContaining(['client-confidential-asymmetric', 'permission-v2']));
  });
});

describe('Patient', () => {
  it('reads a no-basis Patient with meta.versionId and ETag, as /v1 does (audited)', async () => {
    const nid = freshNid();
    const patient = await patientInOslo(nid, 'Kari Fhir Nordmann');
    const client = await clientFor('oslo.lege');
    const read = (await client.read({ resourceType: 'Patient', id: patient.id })) as Resource;
    expectValidFhir(read);
    expect(read).toMatchObject({
      resourceType: 'Patient',
      id: patient.id,
      meta: { versionId: '1' },
      identifier: [{ system: FNR, value: nid }],
      name: [{ text: 'Kari Fhir Nordmann', family: 'Nordmann', given: ['Kari', 'Fhir'] }],
      birthDate: patient.birthDate,
      address: [{ _district: { extension: [{ url: 'http://hl7.no/fhir/StructureDefinition/no-basis-municipalitycode', valueCoding: { code: '0301' } }] } }],
    });
    expect(Client.httpFor(read).response?.headers.get('etag')).toBe('W/"1"');
    const reads = (await auditEvents('0301', patient.id)).filter((e) => e.action === 'patient.read');
    expect(reads.map((e) => [e.outcome, (e.actor as { sub: string }).sub])).toEqual([['success', 'oslo.lege']]);
  });

  it('finds by FNR and D-number under their no-basis systems, and by name + birthdate', async () => {
    const fnr = freshNid();
    const dnr = freshNid(52);
    const a = await patientInOslo(fnr, 'Søk Fnrsen');
    const b = await patientInOslo(dnr, 'Søk Dnrsen');
    const client = await clientFor('oslo.lege');
    const search = async (searchParams: Record<string, string>) => {
      const bundle = (await client.search({ resourceType: 'Patient', searchParams })) as Bundle;
      expectValidFhir(bundle);
      expect(bundle.type).toBe('searchset');
      return (bundle.entry ?? []).map((e) => e.resource.id);
    };
    expect(await search({ identifier: `${FNR}|${fnr}` })).toEqual([a.id]);
    expect(await search({ identifier: `${DNR}|${dnr}` })).toEqual([b.id]);
    expect(await search({ identifier: dnr })).toEqual([b.id]);
    // The system names the kind: an FNR is no D-number.
    expect(await search({ identifier: `${DNR}|${fnr}` })).toEqual([]);
    expect(await search({ name: 'Søk Fnrsen', birthdate: a.birthDate })).toEqual([a.id]);
    expect(await search({ name: 'Søk Fnrsen', birthdate: '1901-01-01' })).toEqual([]);
    const dnrBundle = (await client.search({ resourceType: 'Patient', searchParams: { identifier: dnr } })) as Bundle;
    expect((dnrBundle.entry![0]!.resource.identifier as { system: string }[])[0]!.system).toBe(DNR);
  });

  it('a person the citizen blocked gets no hit, exactly as for a number no one has', async () => {
    const nid = freshNid();
    await patientInOslo(nid);
    const who = await createCitizen(nid, 'Skjult Fhir');
    expect((await stack.post('/v1/sharing/me/blocks', who, { kind: 'named-person', tenant: '0301', name: 'Lars Lege (oslo)' })).status).toBe(201);
    const client = await clientFor('oslo.lege');
    const blocked = (await client.search({ resourceType: 'Patient', searchParams: { identifier: `${FNR}|${nid}` } })) as Bundle;
    const nobody = (await client.search({ resourceType: 'Patient', searchParams: { identifier: `${FNR}|${freshNid()}` } })) as Bundle;
    const strip = (b: Bundle) => ({ ...b, link: undefined, id: undefined });
    expect(strip(blocked)).toEqual(strip(nobody));
    expect(blocked.total).toBe(0);
    // /v1 says the same.
    const v1 = await stack.post('/v1/patients/search', 'oslo.lege', { nationalId: nid });
    expect(((await v1.json()) as { patients: unknown[] }).patients).toEqual([]);
  });

  it('answers every error as an OperationOutcome: bad search, bad id, unknown patient, no token', async () => {
    const client = await clientFor('oslo.lege');
    const missing = await refusal(client.search({ resourceType: 'Patient', searchParams: { name: 'Kari' } }));
    expect(missing.status).toBe(400);
    expect(missing.outcome.issue).toEqual([expect.objectContaining({ severity: 'error', code: 'invalid', expression: ['identifier'] })]);
    const badNumber = await refusal(client.search({ resourceType: 'Patient', searchParams: { identifier: `${FNR}|12345678901` } }));
    expect(badNumber.status).toBe(400);
    const badSystem = await refusal(client.search({ resourceType: 'Patient', searchParams: { identifier: `urn:oid:1.2.3|${freshNid()}` } }));
    expect(badSystem.status).toBe(400);
    expect((await refusal(client.search({ resourceType: 'Patient', searchParams: { identifier: freshNid(), _count: '0' } }))).status).toBe(400);
    expect((await refusal(client.read({ resourceType: 'Patient', id: 'not-a-uuid' }))).status).toBe(400);
    const unknown = await refusal(client.read({ resourceType: 'Patient', id: '6f1c1f5e-1c2b-4d3a-9e8f-0a1b2c3d4e5f' }));
    expect(unknown.status).toBe(404);
    expect(unknown.outcome.issue).toEqual([expect.objectContaining({ code: 'not-found' })]);
    const anonymous = await refusal((await clientFor()).read({ resourceType: 'Patient', id: '6f1c1f5e-1c2b-4d3a-9e8f-0a1b2c3d4e5f' }));
    expect(anonymous.status).toBe(401);
    expect(anonymous.outcome.issue).toEqual([expect.objectContaining({ code: 'login' })]);
  });
});

describe('unknown paths', () => {
  it('/fhir answers 404 OperationOutcome, /v1 404 problem+json, never the web client’s HTML', async () => {
    const client = await clientFor('oslo.lege');
    expect((await refusal(client.read({ resourceType: 'Observation', id: 'x' }))).status).toBe(404);
    for (const path of ['/fhir', '/fhir/R4/Nope', '/fhir/R4/Patient/x/y']) {
      const res = await fetch(`${stack.url}${path}`);
      expect([res.status, res.headers.get('content-type')], path).toEqual([404, 'application/fhir+json']);
    }
    const post = await fetch(`${stack.url}/fhir/R4/metadata`, { method: 'POST' });
    expect([post.status, post.headers.get('content-type')]).toEqual([405, 'application/fhir+json']);
    // The base takes only a transaction (ITI-65) POST.
    const base = await fetch(`${stack.url}/fhir/R4`);
    expect([base.status, base.headers.get('content-type')]).toEqual([405, 'application/fhir+json']);
    for (const path of ['/v1', '/v1/nope', '/v1/patients/x/y/z']) {
      const res = await fetch(`${stack.url}${path}`);
      expect([res.status, res.headers.get('content-type')], path).toEqual([404, 'application/problem+json']);
    }
  });
});

describe('IHE MHD', () => {
  /** Bergen writes, Oslo reads: the patient in both, each clinician with a relationship at home. */
  async function sharedPatient() {
    const nid = freshNid();
    const bergen = await createPatient(stack, 'bergen.admin', { nationalId: nid, name: 'Delt Fhir', birthDate: birthDateOf(nid), gender: 'unknown' });
    await createRelationship(stack, 'bergen.sykepleier', bergen.id);
    const oslo = await patientInOslo(nid, 'Delt Fhir');
    return { nid, bergen, oslo };
  }

  it('ITI-67 finds the shared documents by patient.identifier, filters and pages them; ITI-68 retrieves one, audited in both municipalities', async () => {
    const p = await sharedPatient();
    const epikrise = await createSignedEntry(stack, 'bergen.sykepleier', p.bergen.id, { type: 'epikrise', title: 'Epikrise fra Bergen', text: 'Såret er grodd.' });
    const plan = await createSignedEntry(stack, 'bergen.sykepleier', p.bergen.id, { type: 'vaksinasjon', title: 'Vaksinasjon', text: 'Influensavaksine gitt.' });
    const client = await clientFor('oslo.lege');

    const all = (await client.search({ resourceType: 'DocumentReference', searchParams: { 'patient.identifier': `${FNR}|${p.nid}` } })) as Bundle;
    expectValidFhir(all);
    expect(all.total).toBe(2);
    const ids = all.entry!.map((e) => e.resource.id).sort();
    expect(ids).toEqual([`4601-${epikrise.entry.id}`, `4601-${plan.entry.id}`].sort());
    const doc = all.entry!.find((e) => e.resource.id === `4601-${epikrise.entry.id}`)!.resource;
    expect(doc).toMatchObject({
      status: 'current',
      docStatus: 'final',
      subject: { reference: `Patient/${p.oslo.id}` },
      type: { coding: [{ code: 'epikrise' }] },
      custodian: { display: 'Bergen kommune', identifier: { value: '4601' } },
      content: [{ attachment: { contentType: 'text/plain', title: 'Epikrise fra Bergen' } }],
    });

    // Filters narrow the same listing.
    const only = async (searchParams: Record<string, string>) =>
      (((await client.search({ resourceType: 'DocumentReference', searchParams: { patient: `Patient/${p.oslo.id}`, ...searchParams } })) as Bundle).entry ?? []).map((e) => e.resource.id);
    expect(await only({ type: 'epikrise' })).toEqual([`4601-${epikrise.entry.id}`]);
    expect(await only({ category: 'urn:fellesjournal:entry-type|vaksinasjon' })).toEqual([`4601-${plan.entry.id}`]);
    expect(await only({ status: 'entered-in-error' })).toEqual([]);
    expect(await only({ setting: '0301' })).toEqual([]);
    expect((await only({ setting: '4601' })).length).toBe(2);
    expect(await only({ date: 'lt2000-01-01' })).toEqual([]);
    expect((await only({ date: 'ge2000-01-01' })).length).toBe(2);

    // Paging: _count 1, an opaque next link the client follows, nothing after the last.
    const first = (await client.search({ resourceType: 'DocumentReference', searchParams: { patient: p.oslo.id, _count: '1' } })) as Bundle;
    expectValidFhir(first);
    expect(first.entry).toHaveLength(1);
    const next = first.link.find((l) => l.relation === 'next')!;
    expect(next.url).toMatch(/_page=[A-Za-z0-9_-]+/);
    expect(next.url).not.toContain('offset');
    const second = (await client.nextPage({ bundle: first })) as Bundle;
    expectValidFhir(second);
    expect(second.entry).toHaveLength(1);
    expect(second.entry![0]!.resource.id).not.toBe(first.entry![0]!.resource.id);
    expect(second.link.some((l) => l.relation === 'next')).toBe(false);
    // A _page is bound to its search and caller.
    const page = new URL(next.url).searchParams.get('_page')!;
    const other = await refusal(client.search({ resourceType: 'DocumentReference', searchParams: { patient: p.oslo.id, type: 'epikrise', _page: page } }));
    expect(other.status).toBe(400);
    expect(other.outcome.issue).toEqual([expect.objectContaining({ expression: ['_page'] })]);

    // ITI-68: the attachment's URL.
    const url = (doc.content as { attachment: { url: string } }[])[0]!.attachment.url;
    expect(url).toBe(`${stack.url}/fhir/R4/Binary/4601-${epikrise.entry.id}`);
    const binary = (await client.request(url)) as unknown as Resource & { data: string; contentType: string };
    expectValidFhir(binary);
    expect(binary.contentType).toBe('text/plain');
    expect(Buffer.from(binary.data, 'base64').toString('utf8')).toContain('Såret er grodd.');

    const atOrigin = (await auditEvents('4601', p.bergen.id)).filter((e) => e.action === 'sharing.document.retrieve');
    expect(atOrigin.map((e) => [e.outcome, e.fromTenant, e.recordId])).toEqual([['success', '0301', epikrise.entry.id]]);
    const here = (await auditEvents('0301', p.oslo.id)).filter((e) => e.action === 'sharing.document.retrieve');
    expect(here.map((e) => [e.outcome, e.recordId])).toEqual([['success', `4601-${epikrise.entry.id}`]]);
  });

  it('ITI-67 names who corrected a document and when, beside the original author, as every other view does', async () => {
    const p = await sharedPatient();
    const { entry, etag } = await createSignedEntry(stack, 'bergen.sykepleier', p.bergen.id, { type: 'epikrise', title: 'Epikrise', text: 'Feil diagnose' });
    const responsible = await createJournalResponsible(`bergen.ansvarlig.${randomUUID().slice(0, 8)}`, '4601', '4601-hjem-fana');
    await createRelationship(stack, responsible, p.bergen.id);
    const corrected = await stack.post(`/v1/patients/${p.bergen.id}/entries/${entry.id}/corrections`, responsible, { title: 'Epikrise', text: 'Riktig diagnose', reason: 'Feil diagnose' }, { 'if-match': etag });
    expect(corrected.status).toBe(200);
    const client = await clientFor('oslo.lege');
    const found = (await client.search({ resourceType: 'DocumentReference', searchParams: { patient: p.oslo.id } })) as Bundle;
    expectValidFhir(found);
    const ref = found.entry!.find((e) => e.resource.id === `4601-${entry.id}`)!.resource as Resource & { author: { display: string }[]; extension: { url: string; extension: { url: string }[] }[] };
    expect(ref.docStatus).toBe('amended');
    expect(ref.author.map((a) => a.display)).toEqual([expect.stringContaining('Sara Sykepleier'), expect.stringContaining('Jorunn Journalansvarlig')]);
    const correction = ref.extension.find((x) => x.url === CORRECTION_EXTENSION)?.extension as { url: string; valueReference?: { display: string }; valueDateTime?: string }[];
    expect(correction.map((x) => x.url)).toEqual(['correctedBy', 'correctedAt']);
    expect(correction[0]!.valueReference!.display).toContain('Jorunn Journalansvarlig');
    expect(correction[1]!.valueDateTime).toMatch(/^\d{4}-\d{2}-\d{2}T/);
  });

  it('ITI-67 without a patient is a 400 OperationOutcome; a patient no one has is an empty Bundle; no relationship is refused as in /v1', async () => {
    const client = await clientFor('oslo.lege');
    const none = await refusal(client.search({ resourceType: 'DocumentReference', searchParams: { status: 'current' } }));
    expect(none.status).toBe(400);
    expect(none.outcome.issue).toEqual([expect.objectContaining({ expression: ['patient.identifier'] })]);
    const empty = (await client.search({ resourceType: 'DocumentReference', searchParams: { 'patient.identifier': `${FNR}|${freshNid()}` } })) as Bundle;
    expectValidFhir(empty);
    expect(empty.total).toBe(0);

    const p = await sharedPatient();
    await createSignedEntry(stack, 'bergen.sykepleier', p.bergen.id, { type: 'epikrise', title: 'Epikrise', text: 'Tekst' });
    const stranger = await clientFor('oslo.sykepleier');
    const fhir = await refusal(stranger.search({ resourceType: 'DocumentReference', searchParams: { patient: p.oslo.id } }));
    const v1 = await stack.call(`/v1/sharing/patients/${p.oslo.id}/documents`, { as: 'oslo.sykepleier' });
    expect(fhir.status).toBe(v1.status);
    expect(fhir.status).toBeGreaterThanOrEqual(403);
  });
});

describe('IHE MHD ITI-65 Provide Document Bundle', () => {
  const ENH = 'urn:oid:2.16.578.1.12.4.1.4.101';
  const HPR = 'urn:oid:2.16.578.1.12.4.1.4.4';

  /** An epikrise from a hospital system: SubmissionSet List, DocumentReference and Binary. */
  function epikriseBundle(nid: string, id: string, text = 'Innlagt for lungebetennelse. Utskrevet i bedring.') {
    const doc = `urn:uuid:${crypto.randomUUID()}`;
    const bin = `urn:uuid:${crypto.randomUUID()}`;
    return {
      resourceType: 'Bundle',
      type: 'transaction',
      identifier: { system: 'urn:ietf:rfc:3986', value: `urn:oid:2.16.578.1.99.${id}` },
      entry: [
        {
          fullUrl: `urn:uuid:${crypto.randomUUID()}`,
          resource: {
            resourceType: 'List',
            status: 'current',
            mode: 'working',
            code: { coding: [{ system: 'https://profiles.ihe.net/ITI/MHD/CodeSystem/MHDlistTypes', code: 'submissionset' }] },
            subject: { identifier: { system: FNR, value: nid } },
            entry: [{ item: { reference: doc } }],
          },
          request: { method: 'POST', url: 'List' },
        },
        {
          fullUrl: doc,
          resource: {
            resourceType: 'DocumentReference',
            masterIdentifier: { system: 'urn:ietf:rfc:3986', value: `urn:oid:2.16.578.1.99.${id}.1` },
            status: 'current',
            type: { coding: [{ system: 'urn:fellesjournal:entry-type', code: 'epikrise' }] },
            subject: { identifier: { system: FNR, value: nid } },
            author: [
              { type: 'Organization', identifier: { system: ENH, value: '983974899' }, display: 'Testsykehuset HF' },
              { type: 'Practitioner', identifier: { system: HPR, value: '9144889' }, display: 'Sykehus Legesen' },
            ],
            description: 'Epikrise fra Testsykehuset',
            content: [{ attachment: { contentType: 'text/plain', url: bin } }],
          },
          request: { method: 'POST', url: 'DocumentReference' },
        },
        { fullUrl: bin, resource: { resourceType: 'Binary', contentType: 'text/plain', data: Buffer.from(text, 'utf8').toString('base64') }, request: { method: 'POST', url: 'Binary' } },
      ],
    };
  }

  const timelineOf = async (patientId: string) => (await (await stack.call(`/v1/patients/${patientId}/timeline`, { as: 'oslo.lege' })).json()) as { items: { id: string; title: string; status: string; receivedFrom?: unknown; author: { hpr?: string } }[] };

  it('a vendor with journal.write records an epikrise atomically and idempotently; it is in the timeline and in ITI-67/68', async () => {
    const nid = freshNid(15);
    const patient = await patientInOslo(nid, 'Mottatt Epikrise');
    await grantTestVendor('epj-sykehus', '0301', ['journal.read', 'journal.write'], { clientId: 'epj-sykehus', name: 'Sykehus-EPJ' });
    const token = await vendorToken(stack.issuer, 'epj-sykehus', ['journal.read', 'journal.write'], orgnrOf('0301'));
    const vendor = new Client({ baseUrl: `${stack.url}/fhir/R4`, customHeaders: { authorization: `Bearer ${token}`, 'x-tenant': '0301' } });

    const bundle = epikriseBundle(nid, `${n}.${Date.now()}`);
    const answer = (await vendor.transaction({ body: bundle })) as Resource & { type: string; entry: { response: { status: string; location?: string } }[] };
    expectValidFhir(answer);
    expect(answer.type).toBe('transaction-response');
    expect(answer.entry.map((e) => e.response.status)).toEqual(['201 Created', '201 Created', '201 Created']);
    const location = answer.entry[1]!.response.location!;
    expect(location).toMatch(/^DocumentReference\/0301-[0-9a-f-]{36}\/_history\/1$/);
    const documentId = location.split('/')[1]!;

    // The same bundle again (same identifier): the first answer, nothing written twice.
    const again = (await vendor.transaction({ body: bundle })) as Resource & { entry: { response: { location?: string } }[] };
    expect(again.entry[1]!.response.location).toBe(location);
    const timeline = await timelineOf(patient.id);
    expect(timeline.items).toHaveLength(1);
    expect(timeline.items[0]).toMatchObject({
      id: documentId.slice(5),
      title: 'Epikrise fra Testsykehuset',
      status: 'signed',
      author: { hpr: '9144889', name: 'Sykehus Legesen' },
      receivedFrom: { organisation: { name: 'Testsykehuset HF', enh: '983974899' }, author: { hpr: '9144889' } },
    });
    const entry = (await (await stack.call(`/v1/patients/${patient.id}/entries/${documentId.slice(5)}`, { as: 'oslo.lege' })).json()) as { text: string; changedBy: { clientId?: string } };
    expect(entry.text).toContain('lungebetennelse');
    expect(entry.changedBy.clientId).toBe('epj-sykehus');
    const events = (await auditEvents('0301', patient.id)).filter((e) => e.action === 'entry.receive');
    expect(events.map((e) => [e.outcome, e.rule])).toEqual([['success', 'vendor-grant']]);

    // Shared by the same rules: Bergen, where the patient also lives, finds it by the author's HPR (ITI-67) and retrieves it (ITI-68).
    const inBergen = await createPatient(stack, 'bergen.admin', { nationalId: nid, name: 'Mottatt Epikrise', birthDate: birthDateOf(nid), gender: 'unknown' });
    await createRelationship(stack, 'bergen.sykepleier', inBergen.id);
    const bergen = await clientFor('bergen.sykepleier');
    const found = (await bergen.search({ resourceType: 'DocumentReference', searchParams: { 'patient.identifier': `${FNR}|${nid}`, 'author.identifier': `${HPR}|9144889` } })) as Bundle;
    expectValidFhir(found);
    expect(found.entry!.map((e) => e.resource.id)).toEqual([documentId]);
    expect(found.entry![0]!.resource).toMatchObject({ type: { coding: [{ code: 'epikrise' }] }, custodian: { identifier: { value: '0301' } } });
    const binary = (await bergen.read({ resourceType: 'Binary', id: documentId })) as unknown as Resource & { data: string };
    expectValidFhir(binary);
    expect(Buffer.from(binary.data, 'base64').toString('utf8')).toContain('Utskrevet i bedring');
  });

  it('a bad bundle is a 400 OperationOutcome naming the part, and writes nothing (one invalid part: no document at all)', async () => {
    const nid = freshNid(16);
    const patient = await patientInOslo(nid, 'Avvist Bundle');
    const client = await clientFor('oslo.lege');
    const bundle = epikriseBundle(nid, `${n}.${Date.now()}.bad`);
    // A valid List and DocumentReference, but the Binary is not base64 text and the author has no HPR.
    (bundle.entry[2]!.resource as { data: string }).data = '***';
    (bundle.entry[1]!.resource as { author: unknown[] }).author.pop();
    const bad = await refusal(client.transaction({ body: bundle }));
    expect(bad.status).toBe(400);
    const where = (bad.outcome.issue as { expression: string[] }[]).map((i) => i.expression[0]);
    expect(where).toEqual(expect.arrayContaining(['entry[2].resource.data', 'entry[1].resource.author']));
    expect((await timelineOf(patient.id)).items).toEqual([]);
    expect((await auditEvents('0301', patient.id)).filter((e) => e.action === 'entry.receive')).toEqual([]);

    // Not a transaction at all; a document for a patient the municipality does not have.
    expect((await refusal(client.transaction({ body: { ...bundle, type: 'batch' } }))).status).toBe(400);
    const unknown = await refusal(client.transaction({ body: epikriseBundle(freshNid(17), `${n}.${Date.now()}.x`) }));
    expect(unknown.status).toBe(400);
  });

  it('a clinician without a relationship to the patient is refused as in /v1, nothing written', async () => {
    const nid = freshNid(18);
    const patient = await patientInOslo(nid, 'Uten Relasjon');
    const stranger = await clientFor('oslo.sykepleier');
    const refused = await refusal(stranger.transaction({ body: { ...epikriseBundle(nid, `${n}.${Date.now()}.s`), subject: undefined } }));
    const v1 = await stack.call(`/v1/patients/${patient.id}/entries`, { as: 'oslo.sykepleier', method: 'POST', json: { type: 'epikrise', title: 'x', text: 'y' }, headers: { 'idempotency-key': `k-${Date.now()}-abc` } });
    expect(refused.status).toBe(v1.status);
    expect(refused.status).toBe(403);
    expect((await timelineOf(patient.id)).items).toEqual([]);
  });
});
