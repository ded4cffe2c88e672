// @ts-nocheck
import { tenantDb } from '../support/tables';
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import { syntheticNationalId } from '../../shared/contracts/identifiers';
import type { Entry, EntryVersion, Patient, Relationship } from '../../shared/contracts/journal';
import { tableName } from '../../shared/db/tables';
import { journalKeys } from '../../functions/core/journal-record';
import { METRICS } from '../../shared/metric-names';
import { metrics } from '../../shared/observability';
import { useTestStack } from '../support/local-stack';
import { createPatient, createRelationship, createSignedEntry } from '../support/patients';
import { newIdempotencyKey } from '../support/requests';
import { blockAuditLog, journalPartition, localDynamoClient } from '../support/tables';

const stack = useTestStack();
const post = stack.post;

let n = 500;
const freshNid = () => syntheticNationalId({ day: 20, month: 7, year: 1950 + (n % 40) }, ++n * 7);

async function patientWithRelationship(): Promise<Patient> {
  const patient = await createPatient(stack, 'oslo.admin', { nationalId: freshNid(), name: 'Samtidig Pasient', birthDate: '1970-01-01', gender: 'unknown' });
  for (const as of ['oslo.lege', 'oslo.sykepleier']) await createRelationship(stack, as, patient.id);
  return patient;
}

async function signedEntry(patientId: string): Promise<Entry> {
  return (await createSignedEntry(stack, 'oslo.lege', patientId, { type: 'epikrise', title: 'Epikrise', text: 'v1' })).entry;
}

describe('Idempotency-Key', () => {
  it('answers a retry with the same key and body with the first result and writes nothing', async () => {
    const patient = await patientWithRelationship();
    const key = newIdempotencyKey();
    const body = { type: 'journalnotat', title: 'Idempotent', text: 'Én gang' };
    const path = `/v1/patients/${patient.id}/entries`;
    const first = await post(path, 'oslo.lege', body, { 'idempotency-key': key });
    expect(first.status).toBe(201);
    const firstBody = (await first.json()) as Entry;
    const before = await journalPartition('0301', patient.id);
    // Key order in the body does not matter.
    const retry = await post(path, 'oslo.lege', { text: 'Én gang', title: 'Idempotent', type: 'journalnotat' }, { 'idempotency-key': key });
    expect(retry.status).toBe(201);
    expect(await retry.json()).toEqual(firstBody);
    expect(retry.headers.get('etag')).toBe(first.headers.get('etag'));
    expect(await journalPartition('0301', patient.id)).toEqual(before);

    // The same key with another body is refused and changes nothing.
    const other = await post(path, 'oslo.lege', { ...body, text: 'Noe annet' }, { 'idempotency-key': key });
    expect(other.status).toBe(409);
    expect(await journalPartition('0301', patient.id)).toEqual(before);
    // Keys are per caller: another user may use the same key for their own request.
    expect((await post(path, 'oslo.sykepleier', body, { 'idempotency-key': key })).status).toBe(201);
  });

  it('replays a sign whose answer was lost, although the If-Match is now stale', async () => {
    const patient = await patientWithRelationship();
    const created = (await (await post(`/v1/patients/${patient.id}/entries`, 'oslo.lege', { type: 'journalnotat', title: 't', text: 'x' })).json()) as Entry;
    const key = newIdempotencyKey();
    const path = `/v1/patients/${patient.id}/entries/${created.id}/sign`;
    const first = await post(path, 'oslo.lege', undefined, { 'idempotency-key': key, 'if-match': '"v1"' });
    const again = await post(path, 'oslo.lege', undefined, { 'idempotency-key': key, 'if-match': '"v1"' });
    expect(first.status).toBe(200);
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual(await first.json());
    const versions = (await journalPartition('0301', patient.id)).filter((i) => i.itemType === 'entry-version');
    expect(versions).toHaveLength(2);
  });

  it('runs concurrent requests with one key exactly once', async () => {
    const key = newIdempotencyKey();
    const body = { nationalId: freshNid(), name: 'Én Gang', birthDate: '1970-01-01', gender: 'unknown' };
    const results = await Promise.all(Array.from({ length: 5 }, () => post('/v1/patients', 'oslo.admin', body, { 'idempotency-key': key })));
    const bodies = await Promise.all(results.map((r) => r.json() as Promise<Patient>));
    expect(results.map((r) => r.status)).toEqual([201, 201, 201, 201, 201]);
    expect(new Set(bodies.map((b) => b.id)).size).toBe(1);
  });

  it('requires the header on POSTs that change something (400 naming it)', async () => {
    const res = await stack.call('/v1/patients', { method: 'POST', as: 'oslo.admin', json: { nationalId: freshNid(), name: 'X', birthDate: '1970-01-01', gender: 'unknown' } });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { errors: { field: string }[] }).errors.map((e) => e.field)).toEqual(['headers.idempotency-key']);
  });
});

describe('concurrent writers', () => {
  it('20 concurrent corrections of one entry: every success is a version in the history, contiguous, none lost', async () => {
    const patient = await patientWithRelationship();
    const entry = await signedEntry(patient.id);
    const path = `/v1/patients/${patient.id}/entries/${entry.id}`;
    let stale = 0;
    const writer = async (w: number): Promise<{ version: number; text: string }> => {
      // Read once; after a 412 go on from the version the refusal names (the client has seen it change).
      const current = await stack.call(path, { as: 'oslo.lege' });
      let etag = current.status === 200 ? current.headers.get('etag')! : '"v2"';
      for (let attempt = 0; attempt < 80; attempt++) {
        const text = `Retting fra skriver ${w}`;
        // The entry's author corrects (a signed entry is corrected by its author or a journal-responsible).
        const res = await post(`${path}/corrections`, 'oslo.lege', { title: 'Epikrise', text, reason: `Retting ${w}` }, { 'if-match': etag });
        if (res.status === 200) return { version: ((await res.json()) as Entry).version, text };
        // A clean refusal: someone else moved the version first (412) or the chain is busy (429).
        expect([412, 429]).toContain(res.status);
        if (res.status === 412) {
          stale++;
          const { currentVersion } = (await res.json()) as { currentVersion?: number };
          if (currentVersion) etag = `"v${currentVersion}"`;
          else {
            const again = await stack.call(path, { as: 'oslo.lege' });
            if (again.status === 200) etag = again.headers.get('etag')!;
          }
        }
        await new Promise((r) => setTimeout(r, Math.random() * 20));
      }
      throw new Error(`writer ${w} never got through`);
    };
    const wins = await Promise.all(Array.from({ length: 20 }, (_, w) => writer(w)));
    const history = (await (await stack.call(`${path}/versions?limit=100`, { as: 'oslo.lege' })).json()) as { versions: EntryVersion[] };
    expect(history.versions.map((v) => v.version)).toEqual(Array.from({ length: 22 }, (_, i) => i + 1));
    for (const win of wins) expect(history.versions.find((v) => v.version === win.version)?.text).toBe(win.text);
    expect(new Set(wins.map((w) => w.version)).size).toBe(20);
    expect(stale).toBeGreaterThan(0);
    const head = (await (await stack.call(path, { as: 'oslo.lege' })).json()) as Entry;
    expect(head.version).toBe(22);
  }, 120_000);
});

describe('a change and its audit event are one transaction', () => {
  // Records what would be emitted, only while these tests run (metrics are off in tests).
  let addMetric: MockInstance<typeof metrics.addMetric> | undefined;
  const counted = (name: string) => addMetric?.mock.calls.filter(([metric]) => metric === name).length ?? 0;
  beforeEach(() => {
    addMetric = vi.spyOn(metrics, 'addMetric').mockImplementation(() => metrics);
  });
  afterEach(() => addMetric?.mockRestore());
  it('leaves nothing behind when the audit write fails inside the transaction', async () => {
    const patient = await patientWithRelationship();
    const db = tenantDb('0301');
    // Occupy the next sequence number of every shard of the patient's log: every append must now fail its condition.
    await blockAuditLog('0301', patient.id);
    const before = await journalPartition('0301', patient.id);
    const key = newIdempotencyKey();
    const res = await post(`/v1/patients/${patient.id}/entries`, 'oslo.lege', { type: 'journalnotat', title: 'Blokkert', text: 'Skal ikke lagres' }, { 'idempotency-key': key });
    expect(res.status).toBe(429);
    // A refusal the client can act on: problem+json, and when to try again.
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.headers.get('retry-after')).toBe('1');
    expect(await res.json()).toMatchObject({ status: 429, type: 'urn:fellesjournal:problem:too-many-requests', retryAfter: 1 });
    expect(await journalPartition('0301', patient.id)).toEqual(before);
    // The alarm on failed audit writes sees it.
    expect(counted(METRICS.auditWriteFailed)).toBeGreaterThan(0);
    expect((await db.query({ table: 'journal', partition: journalKeys.patientPk('0301', patient.id), sortBeginsWith: 'ENTRY#', limit: 10 })).items).toEqual([]);
    // Fail closed: a read whose event cannot be stored is not answered.
    const read = await stack.call(`/v1/patients/${patient.id}/relationships`, { as: 'oslo.lege' });
    expect(read.status).toBe(429);
    expect(read.headers.get('retry-after')).toBe('1');
  });

  it('leaves nothing behind when the audit table is gone (and says 500, not 2xx)', async () => {
    const patient = await patientWithRelationship();
    const entry = await signedEntry(patient.id);
    const before = await journalPartition('0301', patient.id);
    const client = localDynamoClient();
    await client.send(new DeleteTableCommand({ TableName: tableName(stack.stage, 'audit') }));
    client.destroy();
    const path = `/v1/patients/${patient.id}/entries`;
    expect((await post(path, 'oslo.lege', { type: 'journalnotat', title: 'x', text: 'y' })).status).toBe(500);
    expect((await post(`${path}/${entry.id}/corrections`, 'oslo.lege', { title: 'x', text: 'y', reason: 'test' }, { 'if-match': '"v2"' })).status).toBe(500);
    const rel = (await (await stack.call(`/v1/patients/${patient.id}/relationships`, { as: 'oslo.admin' })).json()) as { relationships?: Relationship[] };
    expect(rel.relationships).toBeUndefined();
    // Fail closed: a read whose event cannot be stored is not answered either.
    expect((await stack.call(`${path}/${entry.id}`, { as: 'oslo.lege' })).status).toBe(500);
    expect(await journalPartition('0301', patient.id)).toEqual(before);
    expect(counted(METRICS.auditWriteFailed)).toBeGreaterThanOrEqual(3);
  });
});
