import { randomUUID } from 'node:crypto';
import { Client } from 'fhir-kit-client';
import { describe, expect, it } from 'vitest';
import { syntheticNationalId } from '../../shared/contracts/identifiers';
import type { Entry } from '../../shared/contracts/journal';
import { useTestStack } from '../support/local-stack';
import { createPatient, createRelationship } from '../support/patients';
import { readJson } from '../support/requests';
import { auditEvents } from '../support/tables';
import { expectValidFhir } from '../support/fhir-validate';
import { clientCredentialsToken, onBehalfToken } from '../support/tokens';

/**
 * Journal notes as DocumentReference through fhir-kit-client: created as a draft, edited and
 * signed by PUT with If-Match, each through the journal's own use case (same decision, rules and
 * audit as /v1), every answer valid R4.
 */

const stack = useTestStack();
const HPR = 'urn:oid:2.16.578.1.12.4.1.4.4';

type Resource = { resourceType: string; id: string; meta?: { versionId?: string }; [k: string]: unknown };
interface HttpError {
  response: { status: number; data: unknown };
}

let n = 0;
async function patient(): Promise<{ id: string }> {
  n += 1;
  const nid = syntheticNationalId({ day: 11, month: 4, year: 1950 + n }, 200 + n * 7);
  const p = await createPatient(stack, 'oslo.admin', { nationalId: nid, name: 'Notat Fhirsen', birthDate: `${1950 + n}-04-11`, gender: 'unknown' });
  await createRelationship(stack, 'oslo.lege', p.id);
  return p;
}

async function clientFor(user: string | { token: string }): Promise<Client> {
  const token = typeof user === 'string' ? await stack.tokenFor(user) : user.token;
  return new Client({ baseUrl: `${stack.url}/fhir/R4`, customHeaders: { authorization: `Bearer ${token}` } });
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

type NoteBody = { resourceType: 'DocumentReference'; [k: string]: unknown };

function note(patientId: string, text: string, extra: Record<string, unknown> = {}): NoteBody {
  return {
    resourceType: 'DocumentReference' as const,
    status: 'current',
    docStatus: 'preliminary',
    type: { coding: [{ system: 'urn:fellesjournal:entry-type', code: 'journalnotat' }] },
    subject: { reference: `Patient/${patientId}` },
    description: 'Konsultasjon',
    content: [{ attachment: { contentType: 'text/plain', data: Buffer.from(text, 'utf8').toString('base64') } }],
    context: { period: { start: '2026-12-01T10:00:00.000Z' } },
    ...extra,
  };
}

const textOf = (r: Resource) => Buffer.from((r.content as { attachment: { data: string } }[])[0]!.attachment.data, 'base64').toString('utf8');

describe('notes as DocumentReference', () => {
  it('creates a draft through the journal (audited, visible in /v1), reads it back with ETag, edits and signs it by PUT with If-Match', async () => {
    const p = await patient();
    const client = await clientFor('oslo.lege');
    const created = (await client.create({ resourceType: 'DocumentReference', body: note(p.id, 'Pasienten er i bedring.') })) as Resource;
    expectValidFhir(created);
    const http = Client.httpFor(created).response!;
    expect(http.status).toBe(201);
    expect(http.headers.get('etag')).toBe('W/"1"');
    expect(http.headers.get('location')).toBe(`DocumentReference/${created.id}/_history/1`);
    expect(created).toMatchObject({
      docStatus: 'preliminary',
      status: 'current',
      meta: { versionId: '1' },
      subject: { reference: `Patient/${p.id}` },
      author: [{ reference: 'Practitioner/9100002', identifier: { system: HPR, value: '9100002' } }],
      custodian: { reference: 'Organization/0301', identifier: { value: '0301' } },
    });
    expect(textOf(created)).toBe('Pasienten er i bedring.');

    // The same entry in /v1: a draft by the clinician, and its creation audited in the journal.
    const entryId = ((created.identifier as { value: string }[])[0]!.value).replace('urn:uuid:', '');
    const v1 = await readJson<Entry>(await stack.call(`/v1/patients/${p.id}/entries/${entryId}`, { as: 'oslo.lege' }));
    expect(v1).toMatchObject({ status: 'draft', title: 'Konsultasjon', text: 'Pasienten er i bedring.', author: { sub: 'oslo.lege' } });
    const creates = (await auditEvents('0301', p.id)).filter((e) => e.action === 'entry.create');
    expect(creates.map((e) => [e.outcome, e.recordId])).toEqual([['success', entryId]]);

    const read = (await client.read({ resourceType: 'DocumentReference', id: created.id })) as Resource;
    expectValidFhir(read);
    expect(Client.httpFor(read).response!.headers.get('etag')).toBe('W/"1"');

    // Edit the draft (docStatus stays preliminary), then sign it: each needs the version just read.
    const edited = (await client.update({ resourceType: 'DocumentReference', id: created.id, body: note(p.id, 'Pasienten er frisk.'), options: { headers: { 'if-match': 'W/"1"' } } })) as Resource;
    expectValidFhir(edited);
    expect([edited.meta!.versionId, edited.docStatus, textOf(edited)]).toEqual(['2', 'preliminary', 'Pasienten er frisk.']);
    const signed = (await client.update({
      resourceType: 'DocumentReference',
      id: created.id,
      body: note(p.id, 'Pasienten er frisk.', { docStatus: 'final' }),
      options: { headers: { 'if-match': 'W/"2"' } },
    })) as Resource;
    expectValidFhir(signed);
    expect(signed).toMatchObject({ docStatus: 'final', meta: { versionId: '3' }, authenticator: { reference: 'Practitioner/9100002' } });
    const after = await readJson<Entry>(await stack.call(`/v1/patients/${p.id}/entries/${entryId}`, { as: 'oslo.lege' }));
    expect([after.status, after.version, after.signedBy?.sub]).toEqual(['signed', 3, 'oslo.lege']);
    const actions = (await auditEvents('0301', p.id)).filter((e) => e.recordId === entryId).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['entry.create', 'entry.update', 'entry.sign']));
  });

  it('If-Match: missing is 428, another version 412, and nothing changes; a signed note is not changed by PUT (409)', async () => {
    const p = await patient();
    const client = await clientFor('oslo.lege');
    const created = (await client.create({ resourceType: 'DocumentReference', body: note(p.id, 'Utkast') })) as Resource;
    const sign = (ifMatch?: string, text = 'Utkast') =>
      client.update({ resourceType: 'DocumentReference', id: created.id, body: note(p.id, text, { docStatus: 'final' }), ...(ifMatch ? { options: { headers: { 'if-match': ifMatch } } } : {}) });
    const missing = await refusal(sign());
    expect([missing.status, missing.outcome.issue[0]!.code]).toEqual([428, 'required']);
    const stale = await refusal(sign('W/"7"'));
    expect([stale.status, stale.outcome.issue[0]!.code]).toEqual([412, 'conflict']);
    // Signing signs what was read: changed content is refused, naming the field.
    const changed = await refusal(sign('W/"1"', 'Noe annet'));
    expect(changed.status).toBe(400);
    expect(changed.outcome.issue[0]!.expression).toEqual(['content[0].attachment.data']);
    const still = (await client.read({ resourceType: 'DocumentReference', id: created.id })) as Resource;
    expect([still.meta!.versionId, still.docStatus]).toEqual(['1', 'preliminary']);

    const signed = (await sign('W/"1"')) as Resource;
    expect(signed.docStatus).toBe('final');
    // The same PUT again is answered as before (idempotent by its condition), not signed twice.
    const again = (await sign('W/"1"')) as Resource;
    expect(again.meta!.versionId).toBe(signed.meta!.versionId);
    const edit = await refusal(client.update({ resourceType: 'DocumentReference', id: created.id, body: note(p.id, 'Endret'), options: { headers: { 'if-match': 'W/"2"' } } }));
    expect(edit.status).toBe(409);
  });

  it('If-None-Exist: a second create with the same identifier answers the first note (200), no duplicate', async () => {
    const p = await patient();
    const client = await clientFor('oslo.lege');
    const identifier = `urn:ietf:rfc:3986|urn:uuid:${randomUUID()}`;
    const create = () => client.create({ resourceType: 'DocumentReference', body: note(p.id, 'Én gang'), options: { headers: { 'if-none-exist': `identifier=${identifier}` } } });
    const first = (await create()) as Resource;
    const second = (await create()) as Resource;
    expect(Client.httpFor(first).response!.status).toBe(201);
    expect(Client.httpFor(second).response!.status).toBe(200);
    expect(second.id).toBe(first.id);
    expect(first.identifier).toEqual(expect.arrayContaining([expect.objectContaining({ system: 'urn:ietf:rfc:3986', value: identifier.split('|')[1] })]));
    const timeline = await readJson<{ items: { entryId?: string; id?: string }[] }>(await stack.call(`/v1/patients/${p.id}/timeline`, { as: 'oslo.lege' }));
    expect(timeline.items).toHaveLength(1);
    const bad = await refusal(client.create({ resourceType: 'DocumentReference', body: note(p.id, 'x'), options: { headers: { 'if-none-exist': 'patient=Patient/x' } } }));
    expect([bad.status, bad.outcome.issue[0]!.expression]).toEqual([400, ['if-none-exist']]);
  });

  it('refuses a bad note naming every field, and a note for a patient without a care relationship (403, audited), writing nothing', async () => {
    const p = await patient();
    const client = await clientFor('oslo.lege');
    const bad = await refusal(
      client.create({
        resourceType: 'DocumentReference',
        body: { ...note(p.id, 'x'), type: { coding: [{ system: 'urn:x', code: 'y' }] }, description: '', content: [{ attachment: { contentType: 'application/pdf', data: 'AAAA' } }] },
      }),
    );
    expect(bad.status).toBe(400);
    expect(bad.outcome.issue.map((i) => i.expression![0]).sort()).toEqual(['content[0].attachment.contentType', 'description', 'type.coding'].sort());
    const unknownField = await refusal(client.create({ resourceType: 'DocumentReference', body: { ...note(p.id, 'x'), relatesTo: [] } }));
    expect(unknownField.status).toBe(400);
    const signedAtOnce = await refusal(client.create({ resourceType: 'DocumentReference', body: note(p.id, 'x', { docStatus: 'final' }) }));
    expect(signedAtOnce.outcome.issue[0]!.expression).toEqual(['docStatus']);

    const stranger = await clientFor('oslo.sykepleier');
    const denied = await refusal(stranger.create({ resourceType: 'DocumentReference', body: note(p.id, 'Uten relasjon') }));
    expect(denied.status).toBe(403);
    const events = (await auditEvents('0301', p.id)).filter((e) => e.action === 'entry.create');
    expect(events.map((e) => [e.outcome, (e.actor as { sub: string }).sub])).toEqual([['denied', 'oslo.sykepleier']]);
    const timeline = await readJson<{ items: unknown[] }>(await stack.call(`/v1/patients/${p.id}/timeline`, { as: 'oslo.lege' }));
    expect(timeline.items).toEqual([]);
  });

  it('a vendor system on behalf of the clinician writes and signs a note; the author is the clinician, the vendor named, no client id', async () => {
    const res = await stack.call('/ops/v1/vendors', { method: 'POST', as: 'drift', json: { name: 'Notatsystem Nord AS', orgNumber: '983887457', contact: { name: 'Vera Vendor', email: 'vera@notat.example' } } });
    expect(res.status).toBe(201);
    const { clientId, clientSecret } = await readJson<{ clientId: string; clientSecret: string }>(res);
    expect((await stack.call(`/v1/admin/vendor-grants/${clientId}`, { method: 'PUT', as: 'oslo.admin', json: { scopes: ['journal.read', 'journal.write'] } })).status).toBe(200);
    const p = await patient();
    const client = await clientFor({ token: await onBehalfToken(stack.url, 'oslo.lege', clientId, clientSecret, 'journal.read journal.write') });
    const created = (await client.create({ resourceType: 'DocumentReference', body: note(p.id, 'Fra leverandøren') })) as Resource;
    const signed = (await client.update({ resourceType: 'DocumentReference', id: created.id, body: note(p.id, 'Fra leverandøren', { docStatus: 'final' }), options: { headers: { 'if-match': 'W/"1"' } } })) as Resource;
    expectValidFhir(signed);
    expect(signed).toMatchObject({ docStatus: 'final', author: [{ reference: 'Practitioner/9100002' }] });
    expect(JSON.stringify(signed)).toContain('Notatsystem Nord AS');
    expect(JSON.stringify(signed)).not.toContain(clientId);
  });
});

describe('IHE MHD for vendor systems', () => {
  it('a vendor on behalf of a clinician finds shared documents with sharing.read; without it, or as itself, it is refused', async () => {
    const res = await stack.call('/ops/v1/vendors', { method: 'POST', as: 'drift', json: { name: 'Dokumentsystem Sør AS', orgNumber: '983887457', contact: { name: 'Vera Vendor', email: 'vera@dok.example' } } });
    expect(res.status).toBe(201);
    const { clientId, clientSecret } = await readJson<{ clientId: string; clientSecret: string }>(res);
    expect((await stack.call(`/v1/admin/vendor-grants/${clientId}`, { method: 'PUT', as: 'oslo.admin', json: { scopes: ['journal.read', 'sharing.read'] } })).status).toBe(200);
    const p = await patient();
    const find = async (scope: string) => {
      const client = await clientFor({ token: await onBehalfToken(stack.url, 'oslo.lege', clientId, clientSecret, scope) });
      return client.search({ resourceType: 'DocumentReference', searchParams: { patient: `Patient/${p.id}` } });
    };
    const found = (await find('sharing.read')) as Resource & { type: string };
    expectValidFhir(found);
    expect(found.type).toBe('searchset');
    expect((await refusal(find('journal.read'))).status).toBe(403);
    const machine = new Client({
      baseUrl: `${stack.url}/fhir/R4`,
      customHeaders: { authorization: `Bearer ${await clientCredentialsToken(stack.url, clientId, clientSecret, 'sharing.read')}`, 'x-tenant': '0301' },
    });
    expect((await refusal(machine.search({ resourceType: 'DocumentReference', searchParams: { patient: `Patient/${p.id}` } }))).status).toBe(403);
  });

  it('the /v1 sharing routes follow the same rule: sharing.read on behalf of a clinician finds and retrieves; without it, or as itself, 403', async () => {
    const res = await stack.call('/ops/v1/vendors', { method: 'POST', as: 'drift', json: { name: 'Delingssystem Vest AS', orgNumber: '983887457', contact: { name: 'Vera Vendor', email: 'vera@del.example' } } });
    expect(res.status).toBe(201);
    const { clientId, clientSecret } = await readJson<{ clientId: string; clientSecret: string }>(res);
    expect((await stack.call(`/v1/admin/vendor-grants/${clientId}`, { method: 'PUT', as: 'oslo.admin', json: { scopes: ['journal.read', 'sharing.read'] } })).status).toBe(200);
    const p = await patient();
    const unknownDocument = `/v1/sharing/documents/4601-${randomUUID()}`;
    const asVendor = async (scope: string) => {
      const token = await onBehalfToken(stack.url, 'oslo.lege', clientId, clientSecret, scope);
      return [(await stack.call(`/v1/sharing/patients/${p.id}/documents`, { token })).status, (await stack.call(unknownDocument, { token })).status];
    };
    // With the grant the clinician's own rules decide: a listing, and no such document (404).
    expect(await asVendor('sharing.read')).toEqual([200, 404]);
    expect(await asVendor('journal.read')).toEqual([403, 403]);
    const machine = await clientCredentialsToken(stack.url, clientId, clientSecret, 'sharing.read');
    expect((await stack.call(`/v1/sharing/patients/${p.id}/documents`, { token: machine, tenant: '0301' })).status).toBe(403);
    // A municipality that did not grant sharing.read: the token's scope alone is not enough.
    expect((await stack.call(`/v1/admin/vendor-grants/${clientId}`, { method: 'PUT', as: 'oslo.admin', json: { scopes: ['journal.read'] } })).status).toBe(200);
    expect(await asVendor('sharing.read')).toEqual([403, 403]);
  });
});

describe('Practitioner and Organization', () => {
  it('a note’s author, signer and custodian references resolve to valid no-basis resources from the registry', async () => {
    const p = await patient();
    const client = await clientFor('oslo.lege');
    const created = (await client.create({ resourceType: 'DocumentReference', body: note(p.id, 'Referanser') })) as Resource;
    const authorRef = (created.author as { reference: string }[])[0]!.reference;
    const [type, id] = authorRef.split('/') as ['Practitioner', string];
    const practitioner = (await client.read({ resourceType: type, id })) as Resource;
    expectValidFhir(practitioner);
    expect(practitioner).toMatchObject({
      resourceType: 'Practitioner',
      id: '9100002',
      meta: { profile: ['http://hl7.no/fhir/StructureDefinition/no-basis-Practitioner'] },
      identifier: [{ system: HPR, value: '9100002' }],
      active: true,
    });
    const custodianRef = (created.custodian as { reference: string }).reference;
    const organization = (await client.read({ resourceType: 'Organization', id: custodianRef.split('/')[1]! })) as Resource;
    expectValidFhir(organization);
    expect(organization).toMatchObject({
      id: '0301',
      address: [{ _district: { extension: [{ url: 'http://hl7.no/fhir/StructureDefinition/no-basis-municipalitycode', valueCoding: { code: '0301' } }] } }],
    });
    expect(String(organization.name)).toContain('Oslo');
    expect(organization.identifier).toContainEqual({ use: 'official', system: 'urn:oid:2.16.578.1.12.4.1.1.3402', value: '0301' });
    // Another municipality (a shared document's custodian) resolves too.
    expect(((await client.read({ resourceType: 'Organization', id: '4601' })) as Resource).id).toBe('4601');

    expect((await refusal(client.read({ resourceType: 'Practitioner', id: '123456' }))).status).toBe(404);
    expect((await refusal(client.read({ resourceType: 'Organization', id: '9999' }))).status).toBe(404);
    expect((await refusal(client.read({ resourceType: 'Practitioner', id: 'oslo.lege' }))).status).toBe(400);
    // The operating company reads no tenant's data, registry references included.
    const operator = await refusal((await clientFor('drift')).read({ resourceType: 'Organization', id: '0301' }));
    expect(operator.status).toBe(403);
  });
});
