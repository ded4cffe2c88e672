// @ts-nocheck
import { describe, expect, it } from 'vitest';
import { syntheticNationalId } from '../../shared/contracts/identifiers';
import type { CitizenAccessEntry } from '../../shared/contracts/audit';
import type { MyRecord } from '../../shared/contracts/journal';
import type { Block, BlockList } from '../../shared/contracts/sharing';
import { useTestStack } from '../support/local-stack';
import { createCitizen, createPatient, createRelationship, createSignedEntry } from '../support/patients';
import { expectJson } from '../support/requests';
import { auditEvents } from '../support/tables';

/**
 * Issue 16.6: the citizen blocks a person or unit from a row of their own access log (by the
 * row's opaque `actorRef`), or by name and municipality; never by an internal id, and nothing in
 * the answers confirms or denies who works where.
 */

const stack = useTestStack();
let n = 0;
const freshNid = () => syntheticNationalId({ day: 14, month: 2, year: 1950 + (n % 40) }, 500 + ++n * 7);

type Log = { items: CitizenAccessEntry[] };
type StoredEvent = Record<string, unknown> & { action: string; outcome: string; rule?: string; actor: { sub: string }; details?: Record<string, unknown> };

/** A patient of Oslo treated by the nurse and the doctor, and the citizen's login. */
async function scenario() {
  const nid = freshNid();
  const patient = await createPatient(stack, 'oslo.admin', { nationalId: nid, name: 'Navngitt Sperring', birthDate: '1950-02-14', gender: 'unknown' });
  await createRelationship(stack, 'oslo.sykepleier', patient.id);
  await createSignedEntry(stack, 'oslo.sykepleier', patient.id, { type: 'journalnotat', title: 'Besøk', text: 'Stell' });
  await createRelationship(stack, 'oslo.lege', patient.id);
  const who = await createCitizen(nid, 'Navngitt Sperring', 'innbygger.ns');
  return { nid, patient, who };
}

const blockAs = (who: string, body: Record<string, unknown>) => stack.post('/v1/sharing/me/blocks', who, body);
const myBlocks = async (who: string) => expectJson<BlockList>(await stack.call('/v1/sharing/me/blocks', { as: who }));
const timeline = async (as: string, patientId: string) => (await stack.call(`/v1/patients/${patientId}/timeline`, { as })).status;

/** The newest row of the citizen's log where `name` acted. */
async function rowOf(who: string, name: string): Promise<CitizenAccessEntry> {
  const log = await expectJson<Log>(await stack.call('/v1/audit/access-log?limit=100', { as: who }));
  const row = log.items.find((i) => i.who.name === name);
  expect(row, name).toBeDefined();
  return row!;
}

/** What differs between two blocks set at different moments. */
const alike = (b: Block) => ({ ...b, id: '<id>', createdAt: '<time>' });

describe('blocking from the access log', () => {
  it('"block this person": the row’s handle blocks the nurse everywhere (as an unknown patient), the doctor keeps access, and no internal id is shown', async () => {
    const s = await scenario();
    const row = await rowOf(s.who, 'Sara Sykepleier (oslo)');
    const res = await blockAs(s.who, { kind: 'logged-person', actorRef: row.actorRef });
    expect(res.status).toBe(201);
    const block = (await res.json()) as Block;
    expect(block).toMatchObject({ target: { kind: 'person' }, targetLabel: 'Sara Sykepleier (oslo)', active: true, createdBy: { kind: 'citizen' } });
    expect(await timeline('oslo.sykepleier', s.patient.id)).toBe(404);
    expect(await timeline('oslo.lege', s.patient.id)).toBe(200);
    const list = await myBlocks(s.who);
    expect(list.blocks.map((b) => b.targetLabel)).toEqual(['Sara Sykepleier (oslo)']);
    expect(JSON.stringify(list)).not.toContain('oslo.sykepleier');
    // Staff registering blocks on the patient's behalf still see whom it names.
    const staff = await expectJson<BlockList>(await stack.call(`/v1/sharing/patients/${s.patient.id}/blocks`, { as: 'oslo.lege' }));
    expect(staff.blocks[0]?.target).toEqual({ kind: 'person', userId: 'oslo.sykepleier' });
  });

  it('"block this unit": the unit the person acted from in that row, by its name', async () => {
    const s = await scenario();
    const row = await rowOf(s.who, 'Sara Sykepleier (oslo)');
    const block = await expectJson<Block>(await blockAs(s.who, { kind: 'logged-unit', actorRef: row.actorRef, entryId: row.id }), 201);
    expect(block).toMatchObject({ target: { kind: 'unit', tenant: '0301' }, targetLabel: 'Hjemmetjenesten Sagene (Oslo)' });
    expect(JSON.stringify(block)).not.toContain('0301-hjem-sagene');
    expect(await timeline('oslo.sykepleier', s.patient.id)).toBe(404);
    expect(await timeline('oslo.lege', s.patient.id)).toBe(200);
  });

  it('refuses a handle that is not a row of this citizen’s log (400, nothing written): made up, another citizen’s, their own, or a row of someone else', async () => {
    const s = await scenario();
    const other = await scenario();
    const othersRow = await rowOf(other.who, 'Sara Sykepleier (oslo)');
    expect((await stack.call('/v1/me/record', { as: s.who })).status).toBe(200);
    const ownRow = (await expectJson<Log>(await stack.call('/v1/audit/access-log?who=own&limit=100', { as: s.who }))).items[0];
    const mine = await rowOf(s.who, 'Sara Sykepleier (oslo)');
    const doctorsRow = await rowOf(s.who, 'Lars Lege (oslo)');
    const bad = [
      { kind: 'logged-person', actorRef: 'p-AAAAAAAAAAAAAAAAAAAAAA' },
      { kind: 'logged-person', actorRef: othersRow.actorRef },
      { kind: 'logged-person', actorRef: ownRow?.actorRef ?? 'p-BBBBBBBBBBBBBBBBBBBBBB' },
      { kind: 'logged-unit', actorRef: mine.actorRef, entryId: doctorsRow.id },
      { kind: 'logged-person', actorRef: 'oslo.sykepleier' },
      // The internal id is no longer something a citizen can give (or probe with).
      { kind: 'person', userId: 'oslo.sykepleier' },
      { kind: 'unit', tenant: '0301', unitId: '0301-hjem-sagene' },
    ];
    expect(ownRow).toBeDefined();
    for (const body of bad) {
      const res = await blockAs(s.who, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
    expect((await myBlocks(s.who)).blocks).toEqual([]);
    expect(await timeline('oslo.sykepleier', s.patient.id)).toBe(200);
  });
});

describe('blocking by name and municipality', () => {
  it('answers alike whether or not the name matches anyone; the block holds for whoever matched', async () => {
    const s = await scenario();
    const known = await blockAs(s.who, { kind: 'named-person', tenant: '0301', name: '  sara   SYKEPLEIER (oslo) ' });
    const unknown = await blockAs(s.who, { kind: 'named-person', tenant: '0301', name: 'Finnes Ikke Person' });
    expect([known.status, unknown.status]).toEqual([201, 201]);
    const [a, b] = [(await known.json()) as Block, (await unknown.json()) as Block];
    expect(Object.keys(a).sort()).toEqual(Object.keys(b).sort());
    expect(alike(b)).toEqual({ ...alike(a), target: { ...a.target, name: 'Finnes Ikke Person' }, targetLabel: 'Finnes Ikke Person (Oslo)' });
    expect(a).toMatchObject({ target: { kind: 'named-person', tenant: '0301', name: 'sara SYKEPLEIER (oslo)' }, targetLabel: 'sara SYKEPLEIER (oslo) (Oslo)', active: true });
    // The one who bears the name no longer finds the patient; the doctor still does.
    expect(await timeline('oslo.sykepleier', s.patient.id)).toBe(404);
    expect(await timeline('oslo.lege', s.patient.id)).toBe(200);
    // The list and the audit trail say nothing of who matched.
    const list = await myBlocks(s.who);
    expect(list.blocks.map((x) => x.targetLabel).sort()).toEqual(['Finnes Ikke Person (Oslo)', 'sara SYKEPLEIER (oslo) (Oslo)']);
    expect(JSON.stringify(list)).not.toContain('oslo.sykepleier');
    const created = (await auditEvents<StoredEvent>('0301', s.patient.id)).filter((e) => e.action === 'sharing.block.create');
    expect(created.map((e) => e.details)).toEqual([{ kind: 'named-person' }, { kind: 'named-person' }]);
    // Lifting the block by name gives the access back.
    const lifted = await stack.call(`/v1/sharing/me/blocks/${a.id}`, { method: 'DELETE', as: s.who, headers: { 'idempotency-key': crypto.randomUUID() } });
    expect(lifted.status).toBe(200);
    expect(await timeline('oslo.sykepleier', s.patient.id)).toBe(200);
  });

  it('a unit by name: everyone in it, and an unknown unit name is answered the same way', async () => {
    const s = await scenario();
    const unit = await expectJson<Block>(await blockAs(s.who, { kind: 'named-unit', tenant: '0301', name: 'hjemmetjenesten sagene' }), 201);
    const none = await expectJson<Block>(await blockAs(s.who, { kind: 'named-unit', tenant: '0301', name: 'Ingen Slik Enhet' }), 201);
    expect(alike(none)).toEqual({ ...alike(unit), target: { ...unit.target, name: 'Ingen Slik Enhet' }, targetLabel: 'Ingen Slik Enhet (Oslo)' });
    expect(await timeline('oslo.sykepleier', s.patient.id)).toBe(404);
    expect(await timeline('oslo.lege', s.patient.id)).toBe(200);
  });

  it('refuses a malformed name or an unknown municipality (municipalities are public) with a field-level 400', async () => {
    const s = await scenario();
    for (const [body, field] of [
      [{ kind: 'named-person', tenant: '0301', name: 'x' }, 'body.name'],
      [{ kind: 'named-person', tenant: '0301', name: 'Sara#Sykepleier' }, 'body.name'],
      [{ kind: 'named-person', tenant: '9999', name: 'Sara Sykepleier (oslo)' }, 'body.tenant'],
    ] as const) {
      const res = await blockAs(s.who, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(((await res.json()) as { errors?: { field: string }[] }).errors?.map((e) => e.field)).toContain(field);
    }
    expect((await myBlocks(s.who)).blocks).toEqual([]);
  });
});

describe('Min journal', () => {
  it('names the unit each entry was written in', async () => {
    const s = await scenario();
    const record = await expectJson<MyRecord>(await stack.call('/v1/me/record', { as: s.who }));
    const entry = record.records.find((r) => r.tenant === '0301')?.entries[0];
    expect(entry).toMatchObject({ unit: '0301-hjem-sagene', unitName: 'Hjemmetjenesten Sagene' });
  });
});
