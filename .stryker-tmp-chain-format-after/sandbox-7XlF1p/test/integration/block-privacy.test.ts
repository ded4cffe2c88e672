// @ts-nocheck
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { syntheticNationalId } from '../../shared/contracts/identifiers';
import type { AuditEventView, CitizenAccessEntry } from '../../shared/contracts/audit';
import type { Patient, PatientSearchResult } from '../../shared/contracts/journal';
import { useTestStack } from '../support/local-stack';
import { createCitizen, createPatient, createRelationship, createSignedEntry } from '../support/patients';
import { auditEvents } from '../support/tables';

/**
 * Issue 16.5: a block must not reveal itself. To a person or unit the citizen has blocked, the
 * citizen answers as one that does not exist, on every path (search, open, sub-resources, register),
 * while the refused look is still in the audit log with the real rule.
 */

const stack = useTestStack();
const post = stack.post;

let n = 0;
const freshNid = () => syntheticNationalId({ day: 11, month: 4, year: 1950 + (n % 40) }, 400 + ++n * 13);

type StoredEvent = Record<string, unknown> & { action: string; outcome: string; actor: { sub: string }; rule?: string; patientId?: string; citizenKey?: string };
const stream = (tenant: string, patientId?: string) => auditEvents<StoredEvent>(tenant, patientId);

/** An answer as the caller sees it, without what differs per request. */
async function answer(res: Response): Promise<{ status: number; type: string | null; body: unknown }> {
  const text = await res.text();
  let body: unknown = text;
  try {
    const json = JSON.parse(text) as Record<string, unknown>;
    delete json.instance;
    delete json.requestId;
    delete json.traceId;
    body = json;
  } catch {
    // not JSON: compared as text
  }
  return { status: res.status, type: res.headers.get('content-type'), body };
}

const BLOCKED = 'oslo.sykepleier';
// Named as a citizen names them (issue 16.6): by name and municipality, the nurse and her unit.
const TARGETS = {
  person: { kind: 'named-person', tenant: '0301', name: 'Sara Sykepleier (oslo)' },
  unit: { kind: 'named-unit', tenant: '0301', name: 'Hjemmetjenesten Sagene' },
} as const;
const RULE = { person: 'blocked-person', unit: 'blocked-unit' } as const;

async function citizenBlocks(nid: string, target: Record<string, unknown>): Promise<string> {
  const who = await createCitizen(nid, 'Skjult Pasient', 'innbygger.s');
  const res = await post('/v1/sharing/me/blocks', who, target);
  expect(res.status).toBe(201);
  return who;
}

/**
 * A patient of Oslo that the nurse treated (care relationship, a signed note) before the citizen
 * blocked her (or her unit); and a citizen with the same block who is not registered in Oslo.
 */
async function scenario(kind: keyof typeof TARGETS) {
  const nid = freshNid();
  const body = { nationalId: nid, name: `Skjult Pasient${n}`, birthDate: '1950-04-11', gender: 'unknown' as const };
  const patient = await createPatient(stack, 'oslo.admin', body);
  const relationship = await createRelationship(stack, BLOCKED, patient.id);
  const { entry } = await createSignedEntry(stack, BLOCKED, patient.id, { type: 'journalnotat', title: 'Besøk', text: 'Synlig før sperringen' });
  const who = await citizenBlocks(nid, TARGETS[kind]);
  const ghostNid = freshNid();
  await citizenBlocks(ghostNid, TARGETS[kind]);
  return { nid, who, body, patient, entry, relationship, ghostNid, ghostBody: { ...body, nationalId: ghostNid } };
}

/** Every patient-scoped request, for patient `id` (entry `entryId`). */
function paths(id: string, entryId: string, relationshipId: string): [string, (as: string) => Promise<Response>][] {
  return [
    ['open', (as) => stack.call(`/v1/patients/${id}`, { as })],
    ['timeline', (as) => stack.call(`/v1/patients/${id}/timeline`, { as })],
    ['entry', (as) => stack.call(`/v1/patients/${id}/entries/${entryId}`, { as })],
    ['entry versions', (as) => stack.call(`/v1/patients/${id}/entries/${entryId}/versions`, { as })],
    ['new entry', (as) => post(`/v1/patients/${id}/entries`, as, { type: 'journalnotat', title: 'x', text: 'y' })],
    ['relationships', (as) => stack.call(`/v1/patients/${id}/relationships`, { as })],
    ['new relationship', (as) => post(`/v1/patients/${id}/relationships`, as, { reasonCode: 'ordinary-care', reason: 'Oppfølging' })],
    ['end relationship', (as) => post(`/v1/patients/${id}/relationships/${relationshipId}/end`, as, {}, { 'if-match': '"v1"' })],
    ['shared documents', (as) => stack.call(`/v1/sharing/patients/${id}/documents`, { as })],
    ['emergency access', (as) => post(`/v1/sharing/patients/${id}/emergency-access`, as, { reason: 'Akutt forverring, trenger opplysninger' })],
    ['active emergency access', (as) => stack.call(`/v1/sharing/patients/${id}/emergency-access`, { as })],
    ['blocks', (as) => stack.call(`/v1/sharing/patients/${id}/blocks`, { as })],
  ];
}

async function search(as: string, body: Record<string, string>) {
  return answer(await post('/v1/patients/search', as, body));
}

describe.each(['person', 'unit'] as const)('a %s block does not reveal itself', (kind) => {
  it('search by national id and by name answers as for a patient that does not exist', async () => {
    const s = await scenario(kind);
    const unknown = await search(BLOCKED, { nationalId: freshNid() });
    expect(await search(BLOCKED, { nationalId: s.nid })).toEqual(unknown);
    expect(((await search(BLOCKED, { name: s.body.name })).body as PatientSearchResult).patients).toEqual([]);
    // The rest of the municipality still finds the patient.
    expect(((await search('oslo.lege', { nationalId: s.nid })).body as PatientSearchResult).patients.map((p) => p.id)).toEqual([s.patient.id]);
    const refused = (await stream('0301', s.patient.id)).filter((e) => e.action === 'patient.search' && e.outcome === 'denied');
    expect(refused.map((e) => [e.rule, e.actor.sub])).toEqual([
      [RULE[kind], BLOCKED],
      [RULE[kind], BLOCKED],
    ]);
  });

  it('opening the record or any of its parts by id answers exactly as for an unknown patient id, and each refused look is audited with the real rule', async () => {
    const s = await scenario(kind);
    const unknownId = randomUUID();
    for (const [[what, blocked], [, unknown]] of paths(s.patient.id, s.entry.id, s.relationship.id).map((p, i) => [p, paths(unknownId, s.entry.id, s.relationship.id)[i]!] as const)) {
      const got = await answer(await blocked(BLOCKED));
      const want = await answer(await unknown(BLOCKED));
      expect({ what, ...got }).toEqual({ what, ...want });
      expect(got.status).toBe(404);
      expect(JSON.stringify(got.body)).not.toMatch(/sperr|block/i);
    }
    // A colleague outside the block still opens it.
    expect((await stack.call(`/v1/patients/${s.patient.id}/timeline`, { as: 'oslo.lege' })).status).toBeLessThan(500);
    expect((await stack.call(`/v1/patients/${s.patient.id}`, { as: 'oslo.lege' })).status).toBe(200);

    const denied = (await stream('0301', s.patient.id)).filter((e) => e.outcome === 'denied' && e.actor.sub === BLOCKED);
    const actions = new Set(denied.map((e) => e.action));
    for (const action of ['patient.read', 'patient.timeline', 'entry.read', 'entry.history', 'entry.create', 'relationship.list', 'relationship.create', 'relationship.end', 'sharing.documents.list', 'sharing.emergency-access.grant', 'sharing.block.list']) {
      expect(actions, action).toContain(action);
    }
    expect(new Set(denied.map((e) => e.rule))).toEqual(new Set([RULE[kind]]));

    // The auditor sees the refused looks with the rule; the citizen sees them in their access log.
    const audited = (await (await stack.call(`/v1/audit/patients/${s.patient.id}/events?limit=100`, { as: 'oslo.revisor' })).json()) as { items: AuditEventView[] };
    expect(audited.items.filter((e) => e.outcome === 'denied' && e.action === 'patient.read').map((e) => e.rule)).toEqual([RULE[kind]]);
    const log = (await (await stack.call('/v1/audit/access-log?limit=100', { as: s.who })).json()) as { items: CitizenAccessEntry[] };
    expect(log.items.filter((i) => i.outcome === 'denied' && i.action === 'patient.read')).toHaveLength(1);
  });

  it('registering the citizen answers the same whether or not they are registered here, never 409, creates nothing, and is audited', async () => {
    const s = await scenario(kind);
    const existing = await answer(await post('/v1/patients', BLOCKED, s.body));
    const ghost = await answer(await post('/v1/patients', BLOCKED, s.ghostBody));
    expect(existing).toEqual(ghost);
    expect(existing.status).not.toBe(409);
    expect(JSON.stringify(existing.body)).not.toContain(s.patient.id);
    expect(JSON.stringify(existing.body)).not.toMatch(/sperr|block|finnes allerede/i);

    // No duplicate, no record for the unregistered citizen.
    const found = async (nationalId: string) => ((await search('oslo.lege', { nationalId })).body as PatientSearchResult).patients.map((p: Patient) => p.id);
    expect(await found(s.nid)).toEqual([s.patient.id]);
    expect(await found(s.ghostNid)).toEqual([]);
    // Someone outside the block still gets the honest answer.
    expect((await post('/v1/patients', 'oslo.lege', s.body)).status).toBe(409);

    const inPatient = (await stream('0301', s.patient.id)).filter((e) => e.action === 'patient.create' && e.outcome === 'denied');
    expect(inPatient.map((e) => [e.rule, e.actor.sub])).toEqual([[RULE[kind], BLOCKED]]);
    const inTenant = (await stream('0301')).filter((e) => e.action === 'patient.create' && e.outcome === 'denied' && e.actor.sub === BLOCKED);
    expect(inTenant.map((e) => e.rule)).toContain(RULE[kind]);
  });
});
