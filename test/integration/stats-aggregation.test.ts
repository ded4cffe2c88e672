import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { applyStatsChanges } from '../../functions/stats/aggregator';
import type { StatsChange } from '../../functions/stats/contributions';
import { applyBatch, readCells, statsKeys, type CellItem } from '../../functions/stats/stats-store';
import type { StatsWork } from '../../functions/stats/contributions';
import { syntheticNationalId } from '../../shared/contracts/identifiers';
import type { StatsReport } from '../../shared/contracts/stats';
import { platformDb } from '../../shared/db/sessions';
import { startStreamFeeder, type StreamFeeder } from '../../local/stream-feeder';
import { useTestStack } from '../support/local-stack';
import { createDraft, createPatient, createRelationship, createSignedEntry } from '../support/patients';
import { tenantDb, tenantSession } from '../support/tables';

/**
 * Statistics kept current from the tables' change streams: the local runtime's stream feeder
 * (what DynamoDB Streams and the aggregator function are in AWS) reads DynamoDB Local's streams
 * and hands them to the aggregator; nothing here scans the journal or calls the statistics from
 * the journal's write path.
 */

const stack = useTestStack();
const GP_OSLO = '0301-lege-torshov';
const month = new Date().toISOString().slice(0, 7);
const seen: StatsChange[] = [];
let feeder: StreamFeeder;

beforeAll(async () => {
  feeder = await startStreamFeeder({
    endpoint: inject('dynamoEndpoint'),
    stage: stack.stage,
    intervalMs: 0,
    apply: async (changes) => {
      seen.push(...changes);
      return applyStatsChanges(changes);
    },
  });
});
afterAll(async () => feeder?.stop());

let n = 0;
const nid = () => syntheticNationalId({ day: 3, month: 7, year: 1950 + (n % 50) }, 400 + ++n * 7);

function count(cells: CellItem[], metric: string, unit = '-', category = '-'): number {
  return cells.filter((c) => c.metric === metric && c.unit === unit && c.category === category && c.month === month).reduce((a, c) => a + c.count, 0);
}

async function municipal(tenant: string): Promise<CellItem[]> {
  await feeder.drain();
  return readCells({ session: tenantSession(tenant) }, [month]);
}

async function report(as: string, path = '/v1/stats'): Promise<{ status: number; body: StatsReport & Record<string, unknown> }> {
  const res = await stack.call(`${path}?from=${month}&to=${month}`, { as });
  return { status: res.status, body: (await res.json()) as StatsReport & Record<string, unknown> };
}

describe('statistics from the change streams', () => {
  const HOME = '0301-hjem-sagene';
  const GP = '0301-lege-torshov';
  const patientIds: string[] = [];

  it('counts new patients, patients served per unit (once each), entries by type and unit, relationships by reason', async () => {
    const before = await municipal('0301');
    for (let i = 0; i < 3; i++) patientIds.push((await createPatient(stack, 'oslo.sykepleier', { nationalId: nid(), name: 'Statistikk Testesen', birthDate: '1950-01-01', gender: 'unknown' })).id);
    for (const id of patientIds) await createRelationship(stack, 'oslo.sykepleier', id, { reasonCode: 'service-decision' });
    await createRelationship(stack, 'oslo.lege', patientIds[0]!, { reasonCode: 'gp-list' });
    // Two notes for the first patient at home care: one patient served, two entries.
    for (const id of [patientIds[0]!, patientIds[0]!, patientIds[1]!]) await createDraft(stack, 'oslo.sykepleier', id, { type: 'journalnotat', title: 'Besøk', text: 'Synthetic' });
    await createDraft(stack, 'oslo.lege', patientIds[0]!, { type: 'epikrise', title: 'Epikrise', text: 'Synthetic' });

    const after = await municipal('0301');
    const delta = (metric: string, unit?: string, category?: string) => count(after, metric, unit, category) - count(before, metric, unit, category);
    expect(delta('patients.new')).toBe(3);
    expect(delta('patients.served', HOME)).toBe(2);
    expect(delta('patients.served', GP)).toBe(1);
    expect(delta('entries.created', HOME, 'journalnotat')).toBe(3);
    expect(delta('entries.created', GP, 'epikrise')).toBe(1);
    expect(delta('relationships.created', HOME, 'service-decision')).toBe(3);
    expect(delta('relationships.created', GP, 'gp-list')).toBe(1);
    // Nothing stored names a person: cells hold metric, month, unit, category and a count.
    const stored = JSON.stringify(after);
    for (const id of patientIds) expect(stored).not.toContain(id);
    for (const c of after) expect(Object.keys(c).sort()).toEqual(['category', 'count', 'metric', 'month', 'unit']);
  });

  it('counts a stream record once when it is delivered again', async () => {
    await feeder.drain();
    const before = await municipal('0301');
    const nationalBefore = await readCells({ platform: platformDb() }, [month]);
    expect(seen.length).toBeGreaterThan(10);
    // Redeliver everything the streams have carried so far, twice over, as Lambda may after a failure.
    await applyStatsChanges(seen);
    await applyStatsChanges([...seen].reverse());
    expect(await readCells({ session: tenantSession('0301') }, [month])).toEqual(before);
    expect(await readCells({ platform: platformDb() }, [month])).toEqual(nationalBefore);
  });

  it('counts emergency accesses and, once, their first review', async () => {
    const before = await municipal('0301');
    const patientId = patientIds[2]!;
    const res = await stack.post(`/v1/sharing/patients/${patientId}/emergency-access`, 'oslo.lege', { reason: 'Akutt forverring, fastlege utilgjengelig' });
    expect(res.status).toBe(201);
    const queue = (await (await stack.call('/v1/audit/review-queue?kind=emergency-access&status=open', { as: 'oslo.revisor' })).json()) as { items: { id: string; action: string }[] };
    const item = queue.items.find((i) => i.action === 'sharing.emergency-access.grant');
    expect(item).toBeDefined();
    for (const conclusion of ['follow-up', 'no-action']) {
      const review = await stack.post(`/v1/audit/review-queue/${item!.id}/reviews`, 'oslo.revisor', { conclusion, note: 'Gjennomgått' });
      expect(review.status).toBe(201);
    }
    const after = await municipal('0301');
    expect(count(after, 'emergency.granted', GP) - count(before, 'emergency.granted', GP)).toBe(1);
    // Two reviews of one emergency access: reviewed once, under the first conclusion.
    expect(count(after, 'emergency.reviewed', '-', 'follow-up') - count(before, 'emergency.reviewed', '-', 'follow-up')).toBe(1);
    expect(count(after, 'emergency.reviewed', '-', 'no-action') - count(before, 'emergency.reviewed', '-', 'no-action')).toBe(0);
  });

  it("counts a citizen's blocks and consents in the municipalities where they are a patient, counts only", async () => {
    const before = await municipal('0301');
    const block = await stack.post('/v1/sharing/me/blocks', 'innbygger.kari', { kind: 'all-sharing' });
    expect(block.status).toBe(201);
    const consent = await stack.call('/v1/sharing/me/consents', { as: 'innbygger.kari', method: 'PUT', json: { category: 'tiltaksplan', status: 'given' }, headers: { 'idempotency-key': `consent-${Date.now()}` } });
    expect(consent.status).toBe(200);
    const after = await municipal('0301');
    expect(count(after, 'blocks.set') - count(before, 'blocks.set')).toBe(1);
    expect(count(after, 'consents.given') - count(before, 'consents.given')).toBe(1);
  });

  it("keeps each municipality's statistics in its own partitions", async () => {
    const bergenBefore = await municipal('4601');
    const osloBefore = await readCells({ session: tenantSession('0301') }, [month]);
    await createPatient(stack, 'bergen.sykepleier', { nationalId: nid(), name: 'Bergen Testesen', birthDate: '1960-01-01', gender: 'unknown' });
    const bergen = await municipal('4601');
    const oslo = await readCells({ session: tenantSession('0301') }, [month]);
    expect(count(bergen, 'patients.new') - count(bergenBefore, 'patients.new')).toBe(1);
    expect(oslo).toEqual(osloBefore);
    expect(count(bergen, 'entries.created', HOME, 'journalnotat')).toBe(0);
    expect(count(oslo, 'patients.new')).toBeGreaterThanOrEqual(3);
    // The national sums are the municipalities' sums, without units.
    const national = await readCells({ platform: platformDb() }, [month]);
    expect(count(national, 'patients.new')).toBe(count(oslo, 'patients.new') + count(bergen, 'patients.new') + count(await readCells({ session: tenantSession('1804') }, [month]), 'patients.new'));
    expect(national.every((c) => c.unit === '-')).toBe(true);
  });
});

describe("the leader's and the operator's reports", () => {
  it('gives the leader the municipality per unit and month with every small cell suppressed', async () => {
    await feeder.drain();
    const { status, body } = await report('oslo.leder');
    expect(status).toBe(200);
    expect(body).toMatchObject({ scope: 'municipality', tenant: '0301', months: [month], threshold: 5 });
    const served = body.tables.find((t) => t.metric === 'patients.served')!;
    // A handful of synthetic patients: a naive table would show 2 and 1; nothing below 5 is published.
    expect(served.rows.map((r) => r.unit)).toEqual(expect.arrayContaining(['0301-hjem-sagene', '0301-lege-torshov']));
    const numbers = body.tables.flatMap((t) => [...t.rows.flatMap((r) => [...r.cells, r.total]), ...t.columnTotals, t.grandTotal]).filter((v) => v !== null);
    for (const v of numbers) expect(v).toBeGreaterThanOrEqual(5);
  });

  it('publishes a count once it reaches the threshold', async () => {
    for (let i = 0; i < 6; i++) await createPatient(stack, 'oslo.admin', { nationalId: nid(), name: 'Terskel Testesen', birthDate: '1970-01-01', gender: 'unknown' });
    await feeder.drain();
    const { body } = await report('oslo.leder');
    const created = body.tables.find((t) => t.metric === 'patients.new')!;
    const cells = await readCells({ session: tenantSession('0301') }, [month]);
    expect(created.grandTotal).toBe(count(cells, 'patients.new'));
    expect(created.grandTotal).toBeGreaterThanOrEqual(9);
  });

  it('shows what was counted since the last read: a report read again equals a recount of the stored items', async () => {
    // The raw month item, read past any cache: what the report must equal.
    const recount = async () => {
      const page = await tenantDb('0301').query({ table: 'journal', partition: statsKeys.yearPk('0301', month), sortBeginsWith: `${month}#patients.new` });
      return Number(page.items[0]?.[statsKeys.countAttribute({ unit: '-', category: '-' })] ?? 0);
    };
    const grand = async () => (await report('oslo.leder')).body.tables.find((t) => t.metric === 'patients.new')!.grandTotal;
    await feeder.drain();
    const before = await grand();
    expect(before).toBe(await recount());
    // Read again with nothing counted in between: the same figures.
    expect(await grand()).toBe(before);
    for (let i = 0; i < 2; i++) await createPatient(stack, 'oslo.admin', { nationalId: nid(), name: 'Versjon Testesen', birthDate: '1970-01-01', gender: 'unknown' });
    await feeder.drain();
    const after = await grand();
    expect(after).toBe(await recount());
    expect(after).toBe(before! + 2);
  });

  it('refuses the statistics to anyone but a leader, and a bad period with 400 naming the field', async () => {
    for (const as of ['oslo.sykepleier', 'oslo.admin', 'oslo.revisor', 'innbygger.kari', 'drift']) expect((await report(as)).status, as).toBe(403);
    const bad = await stack.call('/v1/stats?from=2026-13&to=2026-01', { as: 'oslo.leder' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { errors: { field: string }[] }).errors.map((e) => e.field)).toContain('query.from');
    const tooLong = await stack.call('/v1/stats?from=2020-01&to=2026-01', { as: 'oslo.leder' });
    expect(tooLong.status).toBe(400);
  });

  it('gives the operator national figures summed over municipalities, suppressed again, never per unit', async () => {
    const { status, body } = await report('drift', '/v1/platform/stats');
    expect(status).toBe(200);
    expect(body.scope).toBe('national');
    expect(body.tenant).toBeUndefined();
    const created = body.tables.find((t) => t.metric === 'patients.new')!;
    const national = await readCells({ platform: platformDb() }, [month]);
    expect(created.grandTotal).toBe(count(national, 'patients.new'));
    for (const t of body.tables) for (const r of t.rows) expect(r.unit).toBe('-');
    // Bergen's single new patient is a cell of its own nowhere: the national table has no municipality dimension.
    expect(JSON.stringify(body)).not.toContain('4601');
    expect((await report('oslo.leder', '/v1/platform/stats')).status).toBe(403);
  });
});

describe('documents shared in and out, end to end', () => {
  it('counts a retrieval across municipalities as shared out at the origin and shared in (per unit) at the reader, in both leaders\' reports and the national sums', async () => {
    // A patient in both municipalities: Bergen's nurse signs an epikrise, Oslo's GP retrieves it five times.
    const id = nid();
    const bergen = await createPatient(stack, 'bergen.admin', { nationalId: id, name: 'Delt Testesen', birthDate: '1950-07-03', gender: 'unknown' });
    await createRelationship(stack, 'bergen.sykepleier', bergen.id);
    const oslo = await createPatient(stack, 'oslo.admin', { nationalId: id, name: 'Delt Testesen', birthDate: '1950-07-03', gender: 'unknown' });
    await createRelationship(stack, 'oslo.lege', oslo.id);
    await createSignedEntry(stack, 'bergen.sykepleier', bergen.id, { type: 'epikrise', title: 'Epikrise', text: 'Synthetic' });
    const bergenBefore = await municipal('4601');
    const osloBefore = await readCells({ session: tenantSession('0301') }, [month]);
    const nationalBefore = await readCells({ platform: platformDb() }, [month]);

    const list = (await (await stack.call(`/v1/sharing/patients/${oslo.id}/documents`, { as: 'oslo.lege' })).json()) as { documents: { id: string }[] };
    expect(list.documents).toHaveLength(1);
    for (let i = 0; i < 5; i++) expect((await stack.call(`/v1/sharing/documents/${list.documents[0]!.id}`, { as: 'oslo.lege' })).status).toBe(200);

    const bergenAfter = await municipal('4601');
    const osloAfter = await readCells({ session: tenantSession('0301') }, [month]);
    const nationalAfter = await readCells({ platform: platformDb() }, [month]);
    expect(count(bergenAfter, 'documents.shared-out') - count(bergenBefore, 'documents.shared-out')).toBe(5);
    const sharedInAnyUnit = (cells: CellItem[]) => cells.filter((c) => c.metric === 'documents.shared-in' && c.month === month).reduce((a, c) => a + c.count, 0);
    expect(sharedInAnyUnit(bergenAfter)).toBe(sharedInAnyUnit(bergenBefore));
    expect(count(osloAfter, 'documents.shared-in', GP_OSLO) - count(osloBefore, 'documents.shared-in', GP_OSLO)).toBe(5);
    expect(count(osloAfter, 'documents.shared-out') - count(osloBefore, 'documents.shared-out')).toBe(0);
    expect(count(nationalAfter, 'documents.shared-out') - count(nationalBefore, 'documents.shared-out')).toBe(5);
    expect(count(nationalAfter, 'documents.shared-in') - count(nationalBefore, 'documents.shared-in')).toBe(5);

    // Each leader sees their own side (five reaches the threshold, so it is published).
    const table = (body: StatsReport, metric: string) => body.tables.find((t) => t.metric === metric)!;
    const bergenReport = await report('bergen.leder');
    expect(table(bergenReport.body, 'documents.shared-out').grandTotal).toBe(count(bergenAfter, 'documents.shared-out'));
    const osloReport = await report('oslo.leder');
    const sharedIn = table(osloReport.body, 'documents.shared-in');
    expect(sharedIn.rows.find((r) => r.unit === GP_OSLO)?.total).toBe(count(osloAfter, 'documents.shared-in', GP_OSLO));
  });
});

describe('the aggregator counts a batch in a few writes', () => {
  const tenant = '1804';
  const past = '2020-03';
  const works = (from: number, n: number, units = 40): StatsWork[] =>
    Array.from({ length: n }, (_, i) => ({
      tenant,
      eventId: `batch-test-${from + i}`,
      cells: [{ month: past, metric: 'entries.created', unit: `1804-unit-${(from + i) % units}`, category: 'journalnotat', n: 1 }],
      served: { month: past, unit: `1804-unit-${(from + i) % units}`, patientId: `batch-patient-${from + i}` },
    }));
  const total = (cells: CellItem[], metric: string) => cells.filter((c) => c.metric === metric).reduce((a, c) => a + c.count, 0);

  it('moves each month\'s metric item once per transaction with the batch\'s sums, and counts each record once when a batch is delivered again', async () => {
    const session = tenantSession(tenant);
    // 150 records over 40 units: 150 record markers, 150 served markers, and four count items (entries and
    // patients served, the municipality's and the national) fit in four transactions of at most 100 items,
    // where one transaction per record (or per cell) would take 300.
    const { transactions } = await applyBatch(session, works(0, 150));
    expect(transactions).toBeLessThanOrEqual(4);
    let cells = await readCells({ session }, [past]);
    expect(total(cells, 'entries.created')).toBe(150);
    expect(total(cells, 'patients.served')).toBe(150);
    expect(new Set(cells.filter((c) => c.metric === 'entries.created').map((c) => c.unit)).size).toBe(40);
    // The month is one item per metric, however many units: a report reads a bounded number of items.
    const items = await tenantDb(tenant).query({ table: 'journal', partition: statsKeys.yearPk(tenant, past) });
    expect(items.items.map((i) => i.sk).sort()).toEqual([`${past}#entries.created`, `${past}#patients.served`]);

    // Redelivered with 50 new records among the old: only the new ones count.
    await applyBatch(session, [...works(100, 100), ...works(0, 20)]);
    cells = await readCells({ session }, [past]);
    expect(total(cells, 'entries.created')).toBe(200);
    expect(total(cells, 'patients.served')).toBe(200);
    const national = await readCells({ platform: platformDb() }, [past]);
    expect(total(national, 'entries.created')).toBe(200);
  });
});
