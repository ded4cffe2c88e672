import { inProcessSessions } from '../../shared/db/session-source';
import { randomUUID } from 'node:crypto';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { Caller } from '../../shared/auth/caller';
import { syntheticNationalId } from '../../shared/contracts/identifiers';
import { documentIdOf } from '../../shared/contracts/sharing';
import { createEntry, signEntry } from '../../functions/journal/entry-service';
import { etagOf } from '../../shared/http/etag';
import { createPatient } from '../../functions/journal/patient-service';
import { createRelationship } from '../../functions/journal/relationship-service';
import { DEMO_USERS } from '../../local/demo-data';
import type { BenchScenario } from '../context';
import { measureOperation } from '../measure';
import { MinimumCalls } from '../minimum';

/** Bergen writes, Oslo reads: each patient is in both, with a signed epikrise in Bergen. */
const ORIGIN = '4601';
const READER_TENANT = '0301';
const READER_USER = 'oslo.lege';
const PATIENTS = 32;
const CONCURRENCY = 16;
const READS = 1000;
const ROUNDS = 4;
const NOTE = 'Epikrise etter opphold. '.repeat(40);

function callerOf(userId: string): Caller {
  const u = DEMO_USERS.find((x) => x.id === userId)!;
  return { sub: u.id, kind: 'person', roles: u.roles, scopes: [], name: u.name, hpr: u.hpr, profession: u.profession, tenant: u.tenant, unit: u.unit, expiresAt: 0 };
}

export interface Fixture {
  originPatientId: string;
  /** The same person's record in the reading municipality. */
  readerPatientId: string;
  entryId: string;
  documentId: string;
}

let fixtures: Promise<Fixture[]> | undefined;

/**
 * The shared documents the sharing, FHIR and FHIR-provide scenarios read and write beside, made
 * once per bench run: the patients are keyed by national id, one record per municipality, so a
 * second set-up in the same run was refused (409) and `npm run bench` stopped at the second of them.
 */
export function setUp(): Promise<Fixture[]> {
  fixtures ??= makeFixtures();
  return fixtures;
}

async function makeFixtures(): Promise<Fixture[]> {
  const req = async (tenant: string, user: string) => {
    const caller = callerOf(user);
    const sessions = await inProcessSessions(caller, tenant);
    return { tenant, session: sessions.own!, sessions, caller, requestId: 'bench-setup' };
  };
  const out: Fixture[] = [];
  for (let i = 0; i < PATIENTS; i++) {
    const nationalId = syntheticNationalId({ day: 1 + (i % 28), month: 1 + (i % 12), year: 2001 + (i % 20) }, 500 + i * 3);
    const body = { nationalId, name: `Delingstest ${i}`, birthDate: '2001-01-01', gender: 'unknown' as const };
    const origin = await createPatient(await req(ORIGIN, 'bergen.admin'), body, `bench-sp-${randomUUID()}`);
    const reader = await createPatient(await req(READER_TENANT, 'oslo.admin'), body, `bench-sp-${randomUUID()}`);
    await createRelationship(await req(ORIGIN, 'bergen.lege'), origin.value.id, { reasonCode: 'gp-list', reason: 'Ytelsestest' }, `bench-sr-${randomUUID()}`);
    await createRelationship(await req(READER_TENANT, 'oslo.lege'), reader.value.id, { reasonCode: 'referral', reason: 'Ytelsestest' }, `bench-sr-${randomUUID()}`);
    const draft = await createEntry(await req(ORIGIN, 'bergen.lege'), origin.value.id, { type: 'epikrise', title: 'Epikrise', text: NOTE }, `bench-se-${randomUUID()}`);
    await signEntry(await req(ORIGIN, 'bergen.lege'), origin.value.id, draft.value.id, etagOf(draft.version), `bench-ss-${randomUUID()}`);
    out.push({ originPatientId: origin.value.id, readerPatientId: reader.value.id, entryId: draft.value.id, documentId: documentIdOf(ORIGIN, draft.value.id) });
  }
  return out;
}

/**
 * sharing.retrieve: an Oslo clinician retrieves a Bergen document through the local gateway (the
 * decision, decrypting in Bergen's key context, audit events in both municipalities), beside the
 * least DynamoDB work a retrieval can do (bench/minimum.ts: one BatchGetItem, then both logs in one
 * transaction), with its counts and CPU per request (`http.sharing.retrieve`). Goal: ratio >= 0.6.
 */
export const sharingScenario: BenchScenario = async (ctx) => {
  const fixtures = await setUp();
  const reader = await ctx.stack.tokenFor(READER_USER);
  const minimum = new MinimumCalls(ctx.dynamo);
  for (const f of fixtures) {
    const items = [...minimum.accessItems(READER_TENANT, f.readerPatientId, READER_USER), ...minimum.accessItems(ORIGIN, f.originPatientId, READER_USER)];
    for (const { table, item } of items) await ctx.dynamo.send(new PutItemCommand({ TableName: table, Item: marshall(item) }));
  }
  const pick = (i: number) => fixtures[i % fixtures.length]!;
  const crossTenant = async (i: number) => (await ctx.call(`/v1/sharing/documents/${pick(i).documentId}`, reader)).status === 200;
  const minimal = (i: number) => {
    const f = pick(i);
    return minimum.retrieve({ readerTenant: READER_TENANT, user: READER_USER, readerPatientId: f.readerPatientId, originTenant: ORIGIN, originPatientId: f.originPatientId, entryId: f.entryId });
  };
  return measureOperation(ctx, {
    name: 'sharing.retrieve',
    httpName: 'http.sharing.retrieve',
    op: crossTenant,
    minimum: minimal,
    http: { token: reader, mode: 'get', items: fixtures.map((f) => ({ path: `/v1/sharing/documents/${f.documentId}` })) },
    requests: 1,
    count: READS,
    concurrency: CONCURRENCY,
    rounds: ROUNDS,
    // DynamoDB Local's JIT is still compiling after a few hundred requests.
    warmup: 600,
  });
};
