import { inProcessSessions } from '../../shared/db/session-source';
import { randomUUID } from 'node:crypto';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { nationalIdKey } from '../../shared/crypto/lookup-hash';
import type { Caller } from '../../shared/auth/caller';
import { syntheticNationalId } from '../../shared/contracts/identifiers';
import { createEntry, signEntry } from '../../functions/journal/entry-service';
import { etagOf } from '../../shared/http/etag';
import { journalKeys } from '../../functions/core/journal-record';
import { createPatient } from '../../functions/journal/patient-service';
import { createRelationship } from '../../functions/journal/relationship-service';
import { DEMO_USERS } from '../../local/demo-data';
import type { BenchContext, BenchScenario } from '../context';
import type { BenchResult } from '../lib';
import { countOp } from '../instrument';
import { httpRow, measureOperation, model } from '../measure';
import { MinimumCalls } from '../minimum';

const TENANT = '0301';
const USER = 'oslo.lege';
/** Patients spread over; each has its own audit chain, so concurrent operations rarely share one. */
const PATIENTS = 64;
const CONCURRENCY = 16;
const WRITES = 400;
const READS = 1000;
const SEARCHES = 600;
const ROUNDS = 4;
/** A ~1 KB note body (the bench's entries). */
export const NOTE = 'Pasienten vurdert i hjemmet. '.repeat(35);

function benchCaller(): Caller {
  const u = DEMO_USERS.find((x) => x.id === USER)!;
  return { sub: u.id, kind: 'person', roles: u.roles, scopes: [], name: u.name, hpr: u.hpr, profession: u.profession, tenant: u.tenant, unit: u.unit, expiresAt: 0 };
}

export interface JournalFixture {
  patientId: string;
  entryId: string;
  nationalId: string;
  lookup: { pk: string; sk: string };
}

const fixtureSeries = new Map<number, Promise<JournalFixture[]>>();

/**
 * Patients with a relationship for the bench user and one signed entry each, made through the use
 * cases once per series and bench run (`series` keeps other scenarios' national ids apart):
 * the journal, hot-patient, messaging and stats scenarios read and write beside the same ones (a
 * patient is one per national id and municipality, so a second set-up of a series was refused with
 * 409 and `npm run bench` stopped there). Another series has other national ids.
 */
export function setUp(series = 0): Promise<JournalFixture[]> {
  let made = fixtureSeries.get(series);
  if (!made) {
    made = makeFixtures(series);
    fixtureSeries.set(series, made);
  }
  return made;
}

async function makeFixtures(series: number): Promise<JournalFixture[]> {
  const caller = benchCaller();
  const sessions = await inProcessSessions(caller, TENANT);
  const req = { tenant: TENANT, session: sessions.own!, sessions, caller, requestId: 'bench-setup' };
  const admin = { ...req, caller: { ...benchCaller(), sub: 'oslo.admin', roles: ['tenant-admin' as const] } };
  const out: JournalFixture[] = [];
  for (let i = 0; i < PATIENTS; i++) {
    const nid = syntheticNationalId({ day: 1 + (i % 28), month: 1 + (i % 12), year: 1940 + i }, 100 + series * PATIENTS + i);
    const patient = await createPatient(admin, { nationalId: nid, name: `Bench Pasient ${i}`, birthDate: '1950-01-01', gender: 'unknown' }, `bench-p-${i}-${randomUUID()}`);
    await createRelationship(req, patient.value.id, { reasonCode: 'ordinary-care', reason: 'Ytelsestest' }, `bench-r-${randomUUID()}`);
    const draft = await createEntry(req, patient.value.id, { type: 'journalnotat', title: 'Ytelsestest', text: NOTE }, `bench-e-${randomUUID()}`);
    await signEntry(req, patient.value.id, draft.value.id, etagOf(draft.version), `bench-s-${randomUUID()}`);
    out.push({ patientId: patient.value.id, entryId: draft.value.id, nationalId: nid, lookup: { pk: journalKeys.nationalIdPk(TENANT, await nationalIdKey(nid)), sk: journalKeys.nationalIdSk } });
  }
  return out;
}

/**
 * journal.read, journal.write (create + sign), patient.search and timeline.page through the local
 * gateway, each beside the least DynamoDB work the operation can do with today's guarantees,
 * issued directly in the same run (bench/minimum.ts; ratio = gateway / minimum, goal >= 0.6), with
 * per-operation counts (calls, sequential depth, capacity units, key calls) and the CPU per
 * request measured from an out-of-process HTTP client at 16 connections (`http.*` rows).
 */
export const journalScenario: BenchScenario = async (ctx) => {
  const { stack, dynamo } = ctx;
  const call: BenchContext['call'] = (path, token, init) => ctx.call(path, token, init);
  const fixtures = await setUp();
  const token = await stack.tokenFor(USER);
  const minimum = new MinimumCalls(dynamo);
  for (const f of fixtures) {
    for (const { table, item } of minimum.accessItems(TENANT, f.patientId, USER)) await dynamo.send(new PutItemCommand({ TableName: table, Item: marshall(item) }));
  }
  const pick = (i: number) => fixtures[i % fixtures.length]!;
  const created = (r: Response) => r.status === 201;

  const gatewayWrite = async (i: number) => {
    const { patientId } = pick(i);
    const made = await call(`/v1/patients/${patientId}/entries`, token, {
      method: 'POST',
      json: { type: 'journalnotat', title: 'Ytelsestest', text: NOTE },
      headers: { 'idempotency-key': `bench-w-${i}-${randomUUID()}` },
    });
    if (!created(made)) return false;
    // The bench client has read the body already; the Location header names the new entry.
    const signed = await call(`${made.headers.get('location') ?? ''}/sign`, token, {
      method: 'POST',
      headers: { 'idempotency-key': `bench-s-${i}-${randomUUID()}`, 'if-match': made.headers.get('etag') ?? '' },
    });
    return signed.status === 200;
  };
  // Written and signed in one request, one audited transaction (issue 18).
  const gatewayWriteSigned = async (i: number) =>
    created(
      await call(`/v1/patients/${pick(i).patientId}/entries`, token, {
        method: 'POST',
        json: { type: 'journalnotat', title: 'Ytelsestest', text: NOTE, sign: true },
        headers: { 'idempotency-key': `bench-ws-${i}-${randomUUID()}` },
      }),
    );
  const gatewayRead = async (i: number) => {
    const { patientId, entryId } = pick(i);
    return (await call(`/v1/patients/${patientId}/entries/${entryId}`, token)).status === 200;
  };
  const gatewaySearch = async (i: number) => (await call('/v1/patients/search', token, { method: 'POST', json: { nationalId: pick(i).nationalId } })).status === 200;
  const gatewayTimeline = async (i: number) => (await call(`/v1/patients/${pick(i).patientId}/timeline`, token)).status === 200;
  const base = (i: number) => ({ tenant: TENANT, user: USER, patientId: pick(i).patientId, entryId: pick(i).entryId });
  const entryBody = { type: 'journalnotat', title: 'Ytelsestest', text: NOTE };
  const common = { concurrency: CONCURRENCY, rounds: ROUNDS, warmup: 200 };

  const rows: BenchResult[] = [];
  rows.push(
    ...(await measureOperation(ctx, {
      ...common,
      name: 'journal.read',
      httpName: 'http.journal.read',
      op: gatewayRead,
      minimum: (i) => minimum.read(base(i)),
      http: { token, mode: 'get', items: fixtures.map((f) => ({ path: `/v1/patients/${f.patientId}/entries/${f.entryId}` })) },
      requests: 1,
      count: READS,
      warmup: 400,
    })),
  );
  rows.push(
    ...(await measureOperation(ctx, {
      ...common,
      name: 'journal.write',
      httpName: 'http.journal.create-sign',
      op: gatewayWriteSigned,
      minimum: (i) => minimum.writeSigned(base(i)),
      http: { token, mode: 'post', items: fixtures.map((f) => ({ path: `/v1/patients/${f.patientId}/entries`, body: { ...entryBody, sign: true } })) },
      requests: 1,
      count: WRITES,
      warmup: 100,
    })),
  );
  // The same signed entry the older way, a create and then a sign (two requests, two transactions).
  const twoRequests = await countOp(gatewayWrite);
  const twoHttp = await httpRow(ctx, 'http.journal.create-then-sign', {
    token,
    mode: 'create-sign',
    items: fixtures.map((f) => ({ path: `/v1/patients/${f.patientId}/entries`, body: entryBody })),
    count: WRITES / 4,
    concurrency: CONCURRENCY,
    warmup: 25,
  }, 2);
  rows.push({ ...twoHttp.row, counts: { ...twoRequests, requests: 2, nodeCpuMs: twoHttp.nodeCpuMs, dynamoCpuMs: twoHttp.dynamoCpuMs, ...model(twoRequests, twoHttp.nodeCpuMs, 2) } });
  rows.push(
    (
      await httpRow(ctx, 'http.journal.create', {
        token,
        mode: 'post',
        items: fixtures.map((f) => ({ path: `/v1/patients/${f.patientId}/entries`, body: entryBody })),
        count: WRITES / 2,
        concurrency: CONCURRENCY,
        warmup: 50,
      })
    ).row,
  );
  rows.push(
    ...(await measureOperation(ctx, {
      ...common,
      name: 'patient.search',
      httpName: 'http.patient.search',
      op: gatewaySearch,
      minimum: (i) => minimum.search({ ...base(i), lookup: pick(i).lookup }),
      http: { token, mode: 'post', items: fixtures.map((f) => ({ path: '/v1/patients/search', body: { nationalId: f.nationalId } })) },
      requests: 1,
      count: SEARCHES,
    })),
  );
  rows.push(
    ...(await measureOperation(ctx, {
      ...common,
      name: 'timeline.page',
      httpName: 'http.timeline.page',
      op: gatewayTimeline,
      minimum: (i) => minimum.timeline(base(i)),
      http: { token, mode: 'get', items: fixtures.map((f) => ({ path: `/v1/patients/${f.patientId}/timeline` })) },
      requests: 1,
      count: SEARCHES,
    })),
  );
  return rows;
};
