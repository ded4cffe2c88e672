// @ts-nocheck
import { inProcessSessions } from '../../shared/db/session-source';
import { randomUUID } from 'node:crypto';
import type { Caller } from '../../shared/auth/caller';
import { syntheticNationalId } from '../../shared/contracts/identifiers';
import { documentIdOf } from '../../shared/contracts/sharing';
import { createEntry, signEntry } from '../../functions/journal/entry-service';
import { etagOf } from '../../shared/http/etag';
import { createPatient } from '../../functions/journal/patient-service';
import { createRelationship } from '../../functions/journal/relationship-service';
import { DEMO_USERS } from '../../local/demo-data';
import type { BenchScenario } from '../context';
import { alternating, load, throughputRow } from '../lib';

/** Bergen writes, Oslo reads: each patient is in both, with a signed epikrise in Bergen. */
const ORIGIN = '4601';
const READER_TENANT = '0301';
const PATIENTS = 32;
const CONCURRENCY = 16;
const READS = 1200;
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

export async function setUp(): Promise<Fixture[]> {
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
 * decision, decrypting in Bergen's key context, audit events in both municipalities). Baseline,
 * in the same run: a Bergen clinician reads the same entry in Bergen's own journal
 * (sharing.retrieve.same-tenant). Goal: ratio >= 0.8.
 */
export const sharingScenario: BenchScenario = async (ctx) => {
  const fixtures = await setUp();
  const [reader, owner] = await Promise.all([ctx.stack.tokenFor('oslo.lege'), ctx.stack.tokenFor('bergen.lege')]);
  const pick = (i: number) => fixtures[i % fixtures.length]!;
  const sameTenant = async (i: number) => {
    const f = pick(i);
    return (await ctx.call(`/v1/patients/${f.originPatientId}/entries/${f.entryId}`, owner)).status === 200;
  };
  const crossTenant = async (i: number) => (await ctx.call(`/v1/sharing/documents/${pick(i).documentId}`, reader)).status === 200;

  // Warm the handler modules, the key caches and DynamoDB Local's JIT (still compiling after a few
  // hundred requests) before measuring.
  for (let i = 0; i < 2; i++) {
    await load(sameTenant, { count: 500, concurrency: CONCURRENCY });
    await load(crossTenant, { count: 500, concurrency: CONCURRENCY });
  }

  const { base: baseline, op: shared } = await alternating(sameTenant, crossTenant, { count: READS, concurrency: CONCURRENCY, rounds: ROUNDS });
  return [throughputRow('sharing.retrieve.same-tenant', baseline), throughputRow('sharing.retrieve', shared, baseline)];
};
