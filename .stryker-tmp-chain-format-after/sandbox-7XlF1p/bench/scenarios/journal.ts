// @ts-nocheck
import { inProcessSessions } from '../../shared/db/session-source';
import { randomBytes, randomUUID } from 'node:crypto';
import { GetItemCommand, QueryCommand, TransactWriteItemsCommand, type DynamoDBClient, type TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { config } from '../../shared/config';
import type { Caller } from '../../shared/auth/caller';
import { tenantKey } from '../../shared/db/keys';
import { controlKeys } from '../../shared/tenancy/control-keys';
import { syntheticNationalId } from '../../shared/contracts/identifiers';
import { createEntry, signEntry } from '../../functions/journal/entry-service';
import { etagOf } from '../../shared/http/etag';
import { journalKeys } from '../../functions/core/journal-record';
import { sharingKeys } from '../../functions/core/sharing-record';
import { createPatient } from '../../functions/journal/patient-service';
import { createRelationship } from '../../functions/journal/relationship-service';
import { DEMO_USERS } from '../../local/demo-data';
import type { BenchContext, BenchScenario } from '../context';
import { alternating, load, throughputRow } from '../lib';

const TENANT = '0301';
const USER = 'oslo.lege';
/** Patients spread over; each has its own audit chain, so concurrent operations rarely share one. */
const PATIENTS = 64;
const CONCURRENCY = 16;
const WRITES = 600;
const READS = 1500;
const ROUNDS = 4;
const NOTE = 'Pasienten vurdert i hjemmet. '.repeat(35);

function benchCaller(): Caller {
  const u = DEMO_USERS.find((x) => x.id === USER)!;
  return { sub: u.id, kind: 'person', roles: u.roles, scopes: [], name: u.name, hpr: u.hpr, profession: u.profession, tenant: u.tenant, unit: u.unit, expiresAt: 0 };
}

/** Patients with a relationship for the bench user and one signed entry each, made through the use cases. */
export async function setUp(): Promise<{ patientId: string; entryId: string }[]> {
  const caller = benchCaller();
  const sessions = await inProcessSessions(caller, TENANT);
  const req = { tenant: TENANT, session: sessions.own!, sessions, caller, requestId: 'bench-setup' };
  const admin = { ...req, caller: { ...benchCaller(), sub: 'oslo.admin', roles: ['tenant-admin' as const] } };
  const out: { patientId: string; entryId: string }[] = [];
  for (let i = 0; i < PATIENTS; i++) {
    const nid = syntheticNationalId({ day: 1 + (i % 28), month: 1 + (i % 12), year: 1940 + i }, 100 + i);
    const patient = await createPatient(admin, { nationalId: nid, name: `Bench Pasient ${i}`, birthDate: '1950-01-01', gender: 'unknown' }, `bench-p-${i}-${randomUUID()}`);
    await createRelationship(req, patient.value.id, { reasonCode: 'ordinary-care', reason: 'Ytelsestest' }, `bench-r-${randomUUID()}`);
    const draft = await createEntry(req, patient.value.id, { type: 'journalnotat', title: 'Ytelsestest', text: NOTE }, `bench-e-${randomUUID()}`);
    await signEntry(req, patient.value.id, draft.value.id, etagOf(draft.version), `bench-s-${randomUUID()}`);
    out.push({ patientId: patient.value.id, entryId: draft.value.id });
  }
  return out;
}

/**
 * The DynamoDB calls the journal makes for one request, issued directly: the baseline that shows
 * what the gateway, token check, validation, access decision and crypto add on top.
 */
class DirectCalls {
  private readonly tables = config().tables;
  constructor(private readonly dynamo: DynamoDBClient) {}

  private get(table: string, pk: string, sk: string) {
    return this.dynamo.send(new GetItemCommand({ TableName: table, Key: marshall({ pk, sk }), ConsistentRead: true }));
  }

  /**
   * Tenant status and the person's registry entry (every request); then, together, the patient with
   * its relationships, the citizen's sharing facts (the access decision) and the reads the use case needs.
   */
  private async requestAndAccess(patientId: string, alongside: (() => Promise<unknown>)[]): Promise<void> {
    const t = controlKeys.tenant(TENANT);
    const u = controlKeys.user(USER);
    await Promise.all([this.get(this.tables.control, t.pk, t.sk), this.get(this.tables.control, u.pk, u.sk)]);
    const access = new QueryCommand({
      TableName: this.tables.journal,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
      ExpressionAttributeValues: marshall({ ':pk': journalKeys.patientPk(TENANT, patientId), ':p': 'PATIENT' }),
      ConsistentRead: true,
      Limit: 200,
    });
    // The citizen's blocks, consents and emergency grants (one consistent query of their partition).
    const citizenFacts = new QueryCommand({
      TableName: this.tables.sharing,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: marshall({ ':pk': sharingKeys.citizenPk(`bench${patientId.replaceAll('-', '')}`) }),
      ConsistentRead: true,
      Limit: 500,
    });
    await Promise.all([this.dynamo.send(access), this.dynamo.send(citizenFacts), ...alongside.map((read) => read())]);
  }

  /** An audit append beside `writes`: read the stream head, then one transaction, retried if the head moved. */
  private async commitWithEvent(stream: string, writes: TransactWriteItem[]): Promise<void> {
    for (let attempt = 0; attempt < 12; attempt++) {
      const head = (await this.get(this.tables.audit, stream, 'HEAD')).Item;
      const seq = head ? (unmarshall(head).seq as number) : 0;
      // Shaped like a real event: its three index keys (by user, by day, by citizen) and ~1 KB.
      const time = new Date().toISOString();
      const event: TransactWriteItem = {
        Put: {
          TableName: this.tables.audit,
          Item: marshall({
            pk: stream,
            sk: `E#${String(seq + 1).padStart(12, '0')}`,
            payload: randomBytes(450).toString('hex'),
            gsi1pk: tenantKey(TENANT, 'AUDIT', 'USER', USER),
            gsi1sk: `${time}#${randomUUID()}`,
            gsi2pk: tenantKey(TENANT, 'AUDIT', 'DAY', time.slice(0, 10)),
            gsi2sk: `${time}#${randomUUID()}`,
            gsi3pk: tenantKey(TENANT, 'AUDIT', 'CITIZEN', stream.slice(-20)),
            gsi3sk: `${time}#${randomUUID()}`,
          }),
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      };
      const headPut: TransactWriteItem = {
        Put: {
          TableName: this.tables.audit,
          Item: marshall({ pk: stream, sk: 'HEAD', seq: seq + 1, hash: randomBytes(32).toString('hex') }),
          ...(seq === 0 ? { ConditionExpression: 'attribute_not_exists(pk)' } : { ConditionExpression: 'seq = :s', ExpressionAttributeValues: marshall({ ':s': seq }) }),
        },
      };
      try {
        await this.dynamo.send(new TransactWriteItemsCommand({ TransactItems: [...writes, event, headPut] }));
        return;
      } catch (error) {
        if ((error as Error).name !== 'TransactionCanceledException') throw error;
        await new Promise((r) => setTimeout(r, 5 * 2 ** attempt * Math.random()));
      }
    }
    throw new Error('audit head contended');
  }

  private put(table: string, item: Record<string, unknown>, condition = 'attribute_not_exists(pk)'): TransactWriteItem {
    return { Put: { TableName: table, Item: marshall(item), ConditionExpression: condition } };
  }

  /** What createEntry then signEntry do: 11 reads and 2 transactions of 5 items. */
  async createAndSign(patientId: string): Promise<void> {
    const stream = tenantKey(TENANT, 'BENCH', 'AUDIT', patientId);
    const pk = journalKeys.patientPk(TENANT, patientId);
    const entryId = randomUUID();
    const sealed = randomBytes(1100);
    // The head carries the timeline index keys, as a real entry does.
    const timeline = { gsi1pk: journalKeys.timelinePk(TENANT, patientId), gsi1sk: `${new Date().toISOString()}#${entryId}` };
    // create: tenant, access, idempotency record; then idempotency + head + version + audit.
    await this.requestAndAccess(patientId, [() => this.get(this.tables.journal, journalKeys.idempotencyPk(TENANT, randomUUID()), 'IDEM')]);
    await this.commitWithEvent(stream, [
      this.put(this.tables.journal, { pk: journalKeys.idempotencyPk(TENANT, randomUUID()), sk: 'IDEM', sealed: randomBytes(1300), expiresAt: 0 }),
      this.put(this.tables.journal, { pk, sk: `BENCH#${entryId}`, version: 1, sealed, ...timeline }),
      this.put(this.tables.journal, { pk, sk: `BENCH#${entryId}#V#000001`, version: 1, sealed }),
    ]);
    // sign: tenant, access, idempotency record, entry head; then the same five writes.
    await this.requestAndAccess(patientId, [
      () => this.get(this.tables.journal, journalKeys.idempotencyPk(TENANT, randomUUID()), 'IDEM'),
      () => this.get(this.tables.journal, pk, `BENCH#${entryId}`),
    ]);
    await this.commitWithEvent(stream, [
      this.put(this.tables.journal, { pk: journalKeys.idempotencyPk(TENANT, randomUUID()), sk: 'IDEM', sealed: randomBytes(1300), expiresAt: 0 }),
      { Put: { TableName: this.tables.journal, Item: marshall({ pk, sk: `BENCH#${entryId}`, version: 2, sealed, ...timeline }), ConditionExpression: 'version = :v', ExpressionAttributeValues: marshall({ ':v': 1 }) } },
      this.put(this.tables.journal, { pk, sk: `BENCH#${entryId}#V#000002`, version: 2, sealed }),
    ]);
  }

  /** What readEntry does: tenant, access, the entry; then the audit append. */
  async read(patientId: string, entryId: string): Promise<void> {
    await this.requestAndAccess(patientId, [() => this.get(this.tables.journal, journalKeys.patientPk(TENANT, patientId), journalKeys.entrySk(entryId))]);
    await this.commitWithEvent(tenantKey(TENANT, 'BENCH', 'AUDIT', patientId), []);
  }
}


/**
 * journal.write: create a draft and sign it through the local gateway; journal.read: read an
 * entry (its audit event stored first). Each beside the same DynamoDB calls issued directly in the
 * same run (ratio = gateway / direct; goal >= 0.8).
 */
export const journalScenario: BenchScenario = async (ctx) => {
  const { stack, dynamo } = ctx;
  const call: BenchContext['call'] = (path, token, init) => ctx.call(path, token, init);
  const fixtures = await setUp();
  const token = await stack.tokenFor(USER);
  const direct = new DirectCalls(dynamo);
  const pick = (i: number) => fixtures[i % fixtures.length]!;

  const gatewayWrite = async (i: number) => {
    const { patientId } = pick(i);
    const created = await call(`/v1/patients/${patientId}/entries`, token, {
      method: 'POST',
      json: { type: 'journalnotat', title: 'Ytelsestest', text: NOTE },
      headers: { 'idempotency-key': `bench-w-${i}-${randomUUID()}` },
    });
    if (created.status !== 201) return false;
    // The bench client has read the body already; the Location header names the new entry.
    const signed = await call(`${created.headers.get('location') ?? ''}/sign`, token, {
      method: 'POST',
      headers: { 'idempotency-key': `bench-s-${i}-${randomUUID()}`, 'if-match': created.headers.get('etag') ?? '' },
    });
    return signed.status === 200;
  };
  const gatewayRead = async (i: number) => {
    const { patientId, entryId } = pick(i);
    return (await call(`/v1/patients/${patientId}/entries/${entryId}`, token)).status === 200;
  };
  const directWrite = (i: number) => direct.createAndSign(pick(i).patientId);
  const directRead = (i: number) => direct.read(pick(i).patientId, pick(i).entryId);

  // Warm the JVM, the handler modules and the key caches before measuring.
  await load(directRead, { count: 500, concurrency: CONCURRENCY });
  await load(gatewayRead, { count: 300, concurrency: CONCURRENCY });
  await load(gatewayWrite, { count: 100, concurrency: CONCURRENCY });

  const { base: writeBase, op: write } = await alternating(directWrite, gatewayWrite, { count: WRITES, concurrency: CONCURRENCY, rounds: ROUNDS });
  const { base: readBase, op: read } = await alternating(directRead, gatewayRead, { count: READS, concurrency: CONCURRENCY, rounds: ROUNDS });

  return [
    throughputRow('journal.write.direct', writeBase),
    throughputRow('journal.write', write, writeBase),
    throughputRow('journal.read.direct', readBase),
    throughputRow('journal.read', read, readBase),
  ];
};
