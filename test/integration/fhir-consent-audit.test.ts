import { Client } from 'fhir-kit-client';
import { describe, expect, it } from 'vitest';
import { syntheticNationalId } from '../../shared/contracts/identifiers';
import { useTestStack } from '../support/local-stack';
import { createPatient, createRelationship, createSignedEntry } from '../support/patients';
import { auditEvents } from '../support/tables';
import { expectValidFhir, statusOf } from '../support/fhir-validate';

/**
 * Consent (the citizen's blocks) and AuditEvent (the municipality's log, IHE BALP) over FHIR,
 * through fhir-kit-client: the sharing and audit services' own views, with their access rules and
 * audit, every resource valid R4.
 */

const stack = useTestStack();

type Resource = { resourceType: string; id: string; [k: string]: unknown };
type Bundle = Resource & { type: string; link: { relation: string; url: string }[]; entry?: { fullUrl: string; resource: Resource }[] };

async function clientFor(user: string): Promise<Client> {
  return new Client({ baseUrl: `${stack.url}/fhir/R4`, customHeaders: { authorization: `Bearer ${await stack.tokenFor(user)}` } });
}

let n = 0;
async function patient() {
  n += 1;
  const nid = syntheticNationalId({ day: 9, month: 6, year: 1960 + n }, 400 + n * 13);
  const p = await createPatient(stack, 'oslo.admin', { nationalId: nid, name: 'Samtykke Fhirsen', birthDate: `${1960 + n}-06-09`, gender: 'unknown' });
  await createRelationship(stack, 'oslo.lege', p.id);
  return p;
}

describe('Consent', () => {
  it('the patient’s blocks are Consents denying sharing (category, unit), active until lifted; listed as /v1 lists them, audited', async () => {
    const p = await patient();
    const category = await stack.post(`/v1/sharing/patients/${p.id}/blocks`, 'oslo.lege', { target: { kind: 'category', category: 'epikrise' }, reason: 'Pasienten ba om det' });
    expect(category.status).toBe(201);
    const unit = await stack.post(`/v1/sharing/patients/${p.id}/blocks`, 'oslo.lege', { target: { kind: 'unit', tenant: '4601', unitId: '4601-hjem-fana' }, reason: 'Pasienten ba om det' });
    expect(unit.status).toBe(201);
    const liftedId = ((await unit.json()) as { id: string }).id;
    const lift = await stack.call(`/v1/sharing/patients/${p.id}/blocks/${liftedId}`, { method: 'DELETE', as: 'oslo.lege', headers: { 'idempotency-key': `lift-${liftedId}` } });
    expect(lift.status).toBe(200);

    const client = await clientFor('oslo.lege');
    const bundle = (await client.search({ resourceType: 'Consent', searchParams: { patient: `Patient/${p.id}` } })) as Bundle;
    expectValidFhir(bundle);
    const consents = (bundle.entry ?? []).map((e) => e.resource);
    expect(consents).toHaveLength(2);
    const byStatus: Record<string, Resource> = Object.fromEntries(consents.map((c) => [String(c.status), c]));
    expect(byStatus.active).toMatchObject({ patient: { reference: `Patient/${p.id}` }, provision: { type: 'deny', code: [{ coding: [{ code: 'epikrise' }] }] } });
    expect(byStatus.inactive).toMatchObject({ provision: { type: 'deny', period: { end: expect.any(String) as string } } });
    const active = (await client.search({ resourceType: 'Consent', searchParams: { patient: p.id, status: 'active' } })) as Bundle;
    expect(active.entry!.map((e) => e.resource.id)).toEqual([byStatus.active!.id]);

    const read = (await client.read({ resourceType: 'Consent', id: byStatus.active!.id })) as Resource;
    expectValidFhir(read);
    expect(read).toEqual(byStatus.active);

    const lists = (await auditEvents('0301', p.id)).filter((e) => e.action === 'sharing.block.list');
    expect(lists.length).toBeGreaterThanOrEqual(3);
    // A person of another municipality finds no such patient; a search without a patient is refused.
    expect(await statusOf((await clientFor('bergen.lege')).search({ resourceType: 'Consent', searchParams: { patient: p.id } }))).toBe(404);
    expect(await statusOf(client.search({ resourceType: 'Consent', searchParams: {} }))).toBe(400);
  });
});

describe('AuditEvent', () => {
  it('the auditor searches a patient’s log as BALP AuditEvents with an opaque next page; the search is itself audited', async () => {
    const p = await patient();
    await createSignedEntry(stack, 'oslo.lege', p.id, { type: 'journalnotat', title: 'Logget', text: 'Noe som ble logget.' });
    const auditor = await clientFor('oslo.revisor');
    const first = (await auditor.search({ resourceType: 'AuditEvent', searchParams: { patient: `Patient/${p.id}`, _count: '2' } })) as Bundle;
    expectValidFhir(first);
    expect(first.entry).toHaveLength(2);
    const event = first.entry![0]!.resource;
    expect(event.resourceType).toBe('AuditEvent');
    expect(first.entry![0]!.fullUrl).toBe(`${stack.url}/fhir/R4/AuditEvent/${event.id}`);
    expect((event.meta as { profile: string[] }).profile[0]).toMatch(/^https:\/\/profiles\.ihe\.net\/ITI\/BALP\/StructureDefinition\/IHE\.BasicAudit\.Patient/);
    const next = first.link.find((l) => l.relation === 'next');
    expect(next?.url).toMatch(/_page=/);
    const second = (await auditor.nextPage({ bundle: first })) as Bundle;
    expectValidFhir(second);
    expect(second.entry!.map((e) => e.resource.id)).not.toContain(event.id);
    const reads = (await auditEvents('0301', p.id)).filter((e) => e.action === 'audit.read');
    expect(reads.map((e) => (e.actor as { sub: string }).sub)).toEqual(['oslo.revisor', 'oslo.revisor']);

    // The municipality's log by date, and one user's activity.
    const today = new Date().toISOString().slice(0, 10);
    const tenantLog = (await auditor.search({ resourceType: 'AuditEvent', searchParams: { date: today, _count: '5' } })) as Bundle;
    expectValidFhir(tenantLog);
    expect(tenantLog.entry!.length).toBeGreaterThan(0);
    const byUser = (await auditor.search({ resourceType: 'AuditEvent', searchParams: { agent: 'oslo.lege', _count: '5' } })) as Bundle;
    expect(byUser.entry!.length).toBeGreaterThan(0);
  });

  it('a clinician sees only their own activity; a patient’s log and the municipality’s are refused (403, the refusal audited)', async () => {
    const p = await patient();
    const clinician = await clientFor('oslo.lege');
    const own = (await clinician.search({ resourceType: 'AuditEvent', searchParams: { agent: 'oslo.lege', _count: '3' } })) as Bundle;
    expectValidFhir(own);
    expect(own.entry!.length).toBeGreaterThan(0);
    expect(await statusOf(clinician.search({ resourceType: 'AuditEvent', searchParams: { agent: 'oslo.sykepleier' } }))).toBe(403);
    expect(await statusOf(clinician.search({ resourceType: 'AuditEvent', searchParams: { patient: p.id } }))).toBe(403);
    expect(await statusOf(clinician.search({ resourceType: 'AuditEvent', searchParams: {} }))).toBe(403);
    expect(await statusOf(clinician.search({ resourceType: 'AuditEvent', searchParams: { date: '13.01.2026' } }))).toBe(400);
    const denied = (await auditEvents('0301')).filter((e) => e.action === 'audit.read' && e.outcome === 'denied' && (e.actor as { sub: string }).sub === 'oslo.lege');
    expect(denied.length).toBeGreaterThanOrEqual(3);
  });
});
