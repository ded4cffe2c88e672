// @ts-nocheck
import { describe, expect, it } from 'vitest';
import { syntheticNationalId } from '../../shared/contracts/identifiers';
import type { Patient } from '../../shared/contracts/journal';
import type { CitizenAccessEntry } from '../../shared/contracts/audit';
import type { RetrievedDocument, SharedDocumentList } from '../../shared/contracts/sharing';
import { useTestStack } from '../support/local-stack';
import { createCitizen, createPatient, createRelationship, createSignedEntry } from '../support/patients';
import { auditEvents, blockAuditLog } from '../support/tables';

/** Sharing across municipalities: the index, finding, retrieving, auditing, isolation and bad input. */

const stack = useTestStack();
const post = stack.post;

let n = 0;
const freshNid = () => syntheticNationalId({ day: 12, month: 7, year: 1950 + (n % 40) }, 200 + ++n * 7);

const patientIn = (as: string, nationalId: string) => createPatient(stack, as, { nationalId, name: 'Delt Pasient', birthDate: '1950-07-12', gender: 'unknown' });
const signed = (as: string, patientId: string, body: { type: string; title: string; text: string }) => createSignedEntry(stack, as, patientId, body);

async function list(as: string, patientId: string): Promise<{ status: number; body: SharedDocumentList & { rule?: string } }> {
  const res = await stack.call(`/v1/sharing/patients/${patientId}/documents`, { as });
  return { status: res.status, body: (await res.json()) as SharedDocumentList & { rule?: string } };
}

/** Bergen writes, Oslo reads: a patient in both, Bergen's nurse and Oslo's doctor each with a relationship at home. */
async function sharedPatient() {
  const nid = freshNid();
  const bergen = await patientIn('bergen.admin', nid);
  await createRelationship(stack, 'bergen.sykepleier', bergen.id);
  const oslo = await patientIn('oslo.admin', nid);
  await createRelationship(stack, 'oslo.lege', oslo.id);
  return { nid, bergen, oslo };
}

describe('share and retrieve', () => {
  it('indexes what Bergen signs and lets an Oslo clinician with a relationship find and retrieve it, audited in both logs and the citizen’s', async () => {
    const p = await sharedPatient();
    const { entry } = await signed('bergen.sykepleier', p.bergen.id, { type: 'epikrise', title: 'Epikrise hjemmesykepleie', text: 'Sårstell avsluttet, såret grodd.' });
    // Not indexed: a non-sharable type, and a draft of a sharable one.
    await signed('bergen.sykepleier', p.bergen.id, { type: 'sykepleienotat', title: 'Intern notat', text: 'Kun for Bergen' });
    expect((await post(`/v1/patients/${p.bergen.id}/entries`, 'bergen.sykepleier', { type: 'vaksinasjon', title: 'Utkast', text: 'Ikke signert' })).status).toBe(201);

    const found = await list('oslo.lege', p.oslo.id);
    expect(found.status).toBe(200);
    expect(found.body.documents).toHaveLength(1);
    const doc = found.body.documents[0]!;
    expect(doc).toMatchObject({
      id: `4601-${entry.id}`,
      type: 'epikrise',
      title: 'Epikrise hjemmesykepleie',
      status: 'current',
      corrected: false,
      author: { id: 'bergen.sykepleier', profession: 'sykepleier' },
      organisation: { tenantId: '4601', name: 'Bergen kommune', unit: { id: '4601-hjem-fana', name: 'Hjemmesykepleien Fana' } },
    });
    expect(found.body.access).toEqual({ rule: 'care-relationship-user', emergency: false });

    const res = await stack.call(`/v1/sharing/documents/${doc.id}`, { as: 'oslo.lege' });
    expect(res.status).toBe(200);
    const retrieved = (await res.json()) as RetrievedDocument;
    expect(retrieved).toMatchObject({ id: doc.id, title: 'Epikrise hjemmesykepleie', text: 'Sårstell avsluttet, såret grodd.', access: { emergency: false } });

    // The origin's log (in the patient's chain there) and the caller's municipality's log.
    const atOrigin = (await auditEvents('4601', p.bergen.id)).filter((e) => String(e.action).startsWith('sharing.'));
    expect(atOrigin.map((e) => [e.action, e.outcome, e.fromTenant])).toEqual([
      ['sharing.documents.list', 'success', '0301'],
      ['sharing.document.retrieve', 'success', '0301'],
    ]);
    expect(atOrigin[1]).toMatchObject({ recordId: entry.id, rule: 'care-relationship-user', purposeOfUse: 'TREAT', actor: { sub: 'oslo.lege', tenant: '0301' } });
    const here = (await auditEvents('0301', p.oslo.id)).filter((e) => e.action === 'sharing.document.retrieve');
    expect(here).toHaveLength(1);
    expect(here[0]).toMatchObject({ outcome: 'success', recordId: doc.id, details: { originTenant: '4601' } });
    // No note text in any event.
    expect(JSON.stringify([...atOrigin, ...here])).not.toContain('Sårstell');

    // The citizen sees the retrieval, from both municipalities, as sharing.
    const who = await createCitizen(p.nid, 'Delt Pasient');
    const log = (await (await stack.call('/v1/audit/access-log', { as: who })).json()) as { items: CitizenAccessEntry[] };
    const shared = log.items.filter((i) => i.action === 'sharing.document.retrieve');
    expect(shared.map((i) => i.tenant.id).sort()).toEqual(['0301', '4601']);
    expect(shared[0]).toMatchObject({ kind: 'shared', who: { name: 'Lars Lege (oslo)' }, organisation: { tenantId: '0301' }, emergencyAccess: false });

    // The citizen's own view lists the document.
    const mine = (await (await stack.call('/v1/sharing/me/documents', { as: who })).json()) as { documents: { id: string; blockedBy: string[] }[] };
    expect(mine.documents.map((d) => d.id)).toEqual([doc.id]);
  });

  it('records a retrieval in both municipalities\' logs or in neither, and answers only when both hold it', async () => {
    const p = await sharedPatient();
    const { entry } = await signed('bergen.sykepleier', p.bergen.id, { type: 'epikrise', title: 'Epikrise', text: 'Hemmelig innhold' });
    const id = `4601-${entry.id}`;
    // Oslo's log for the patient cannot take another event: the next slot of each of its shards holds something that is not one.
    await blockAuditLog('0301', p.oslo.id);

    const res = await stack.call(`/v1/sharing/documents/${id}`, { as: 'oslo.lege' });
    expect(res.status).toBe(429);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.headers.get('retry-after')).toBe('1');
    expect(await res.text()).not.toContain('Hemmelig');
    // Bergen's log does not claim a retrieval that Oslo's log could not record.
    expect((await auditEvents('4601', p.bergen.id)).filter((e) => e.action === 'sharing.document.retrieve')).toEqual([]);
  }, 30_000);

  it('shows a correction and an entered-in-error mark in the index; a withdrawn document is listed without title and not retrievable', async () => {
    const p = await sharedPatient();
    const first = await signed('bergen.sykepleier', p.bergen.id, { type: 'legemiddel', title: 'Legemiddelliste', text: 'Paracet 1 g x 4' });
    const corrected = await post(`/v1/patients/${p.bergen.id}/entries/${first.entry.id}/corrections`, 'bergen.sykepleier', { title: 'Legemiddelliste (rettet)', text: 'Paracet 500 mg x 4', reason: 'Feil dose' }, { 'if-match': first.etag });
    expect(corrected.status).toBe(200);
    let docs = (await list('oslo.lege', p.oslo.id)).body.documents;
    expect(docs).toHaveLength(1);
    expect(docs[0]).toMatchObject({ title: 'Legemiddelliste (rettet)', corrected: true, version: 3, status: 'current' });
    const res = await stack.call(`/v1/sharing/documents/${docs[0]!.id}`, { as: 'oslo.lege' });
    expect(await res.json()).toMatchObject({ text: 'Paracet 500 mg x 4', reason: 'Feil dose', version: 3 });

    const marked = await post(`/v1/patients/${p.bergen.id}/entries/${first.entry.id}/entered-in-error`, 'bergen.sykepleier', { reason: 'Feil pasient' }, { 'if-match': corrected.headers.get('etag')! });
    expect(marked.status).toBe(200);
    docs = (await list('oslo.lege', p.oslo.id)).body.documents;
    expect(docs).toHaveLength(1);
    expect(docs[0]).toMatchObject({ status: 'entered-in-error', version: 4 });
    expect(docs[0]!.title).toBeUndefined();
    const gone = await stack.call(`/v1/sharing/documents/${docs[0]!.id}`, { as: 'oslo.lege' });
    expect(gone.status).toBe(404);
    expect(gone.headers.get('content-type')).toContain('application/problem+json');
    expect(JSON.stringify(await gone.json())).not.toContain('Paracet');
  });
});

describe('demo data', () => {
  async function find(as: string, nationalId: string): Promise<string> {
    const res = await post('/v1/patients/search', as, { nationalId });
    return ((await res.json()) as { patients: Patient[] }).patients[0]!.id;
  }

  it('shows shared documents across the demo municipalities, and Kari’s block on a named Bodø nurse', async () => {
    const olaInOslo = await find('oslo.lege', '15838512329');
    expect((await list('oslo.lege', olaInOslo)).body.documents.map((d) => [d.organisation.tenantId, d.title])).toEqual([['4601', 'Influensavaksine']]);
    const olaInBergen = await find('bergen.lege', '15838512329');
    expect((await list('bergen.lege', olaInBergen)).body.documents.map((d) => [d.organisation.tenantId, d.title])).toEqual([['0301', 'Epikrise legevakt']]);
    const kariInBodo = await find('bodo.lege', '01817045606');
    expect((await list('bodo.lege', kariInBodo)).body.documents.map((d) => [d.organisation.tenantId, d.title])).toEqual([['0301', 'Legemiddelgjennomgang']]);
    const blocked = await stack.call(`/v1/patients/${kariInBodo}/timeline`, { as: 'bodo.sykepleier' });
    // The block does not reveal itself: the answer for a patient that does not exist (issue 16.5).
    const hidden = (await blocked.json()) as Record<string, unknown>;
    expect(hidden).toMatchObject({ status: 404, detail: 'Pasienten finnes ikke i denne kommunen.' });
    expect(hidden.rule).toBeUndefined();
    const blocks = (await (await stack.call('/v1/sharing/me/blocks', { as: 'innbygger.kari' })).json()) as { blocks: { target: unknown; targetLabel?: string }[] };
    // Set by name and municipality: shown as she named it, with no internal id (issue 16.6).
    expect(blocks.blocks).toEqual([expect.objectContaining({ target: { kind: 'named-person', tenant: '1804', name: 'Sara Sykepleier (bodo)' }, targetLabel: 'Sara Sykepleier (bodo) (Bodø)' })]);
    expect(JSON.stringify(blocks)).not.toContain('bodo.sykepleier');
  });
});

describe('tenant isolation', () => {
  it('refuses clinicians without a relationship, other roles and other municipalities, audits the refusal and leaks nothing', async () => {
    const p = await sharedPatient();
    const { entry } = await signed('bergen.sykepleier', p.bergen.id, { type: 'epikrise', title: 'Hemmelig epikrise', text: 'Hemmelig innhold' });
    const docId = `4601-${entry.id}`;

    // Oslo's nurse has no relationship with the patient in Oslo.
    const refused = await list('oslo.sykepleier', p.oslo.id);
    expect(refused.status).toBe(403);
    expect(refused.body.rule).toBe('no-care-relationship');
    const denied = await stack.call(`/v1/sharing/documents/${docId}`, { as: 'oslo.sykepleier' });
    expect(denied.status).toBe(403);
    const deniedBody = JSON.stringify(await denied.json());
    expect(deniedBody).not.toContain('Hemmelig');
    expect((await auditEvents('4601', p.bergen.id)).filter((e) => e.action === 'sharing.document.retrieve').map((e) => [e.outcome, e.rule, e.fromTenant])).toEqual([['denied', 'no-care-relationship', '0301']]);

    // Bodø has no record of the patient at all: the document id alone opens nothing.
    const bodo = await stack.call(`/v1/sharing/documents/${docId}`, { as: 'bodo.lege' });
    expect(bodo.status).toBe(403);
    expect(JSON.stringify(await bodo.json())).not.toContain('Hemmelig');
    // The patient id of another municipality is unknown here.
    expect((await list('bodo.lege', p.bergen.id)).status).toBe(404);

    // Auditors, tenant admins and the operator never retrieve content.
    for (const as of ['oslo.revisor', 'oslo.admin', 'drift']) {
      expect((await stack.call(`/v1/sharing/documents/${docId}`, { as })).status, as).toBe(403);
    }
    // A citizen cannot use the staff routes, and another citizen's document is not theirs.
    expect((await stack.call(`/v1/sharing/documents/${docId}`, { as: 'innbygger.kari' })).status).toBe(403);
    const kari = (await (await stack.call('/v1/sharing/me/documents', { as: 'innbygger.kari' })).json()) as { documents: { id: string }[] };
    expect(kari.documents.map((d) => d.id)).not.toContain(docId);
  });

  it('answers bad input with 400 problem+json naming the field, and changes nothing', async () => {
    const p = await sharedPatient();
    const bad = await stack.call('/v1/sharing/documents/not-a-document', { as: 'oslo.lege' });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    expect(((await bad.json()) as { errors: { field: string }[] }).errors[0]?.field).toContain('documentId');
    expect((await stack.call('/v1/sharing/patients/123/documents', { as: 'oslo.lege' })).status).toBe(400);
    // A well-formed id of a document that does not exist.
    expect((await stack.call('/v1/sharing/documents/4601-00000000-0000-4000-8000-000000000000', { as: 'oslo.lege' })).status).toBe(404);
    const before = await auditEvents('0301', p.oslo.id);
    expect((await post(`/v1/sharing/patients/${p.oslo.id}/emergency-access`, 'oslo.sykepleier', { reason: 'x'.repeat(251) })).status).toBe(400);
    expect((await post(`/v1/sharing/patients/${p.oslo.id}/blocks`, 'oslo.lege', { target: { kind: 'everything' }, reason: 'Pasientens ønske' })).status).toBe(400);
    expect(await auditEvents('0301', p.oslo.id)).toEqual(before);
  });
});
