import { BatchGetItemCommand, CreateTableCommand, PutItemCommand, QueryCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { config } from '../../shared/config';
import { COUNTY_PREFIXES } from '../../shared/contracts/identifiers';
import { TABLES, type IndexDefinition } from '../../shared/db/tables';
import { controlKeys } from '../../shared/tenancy/control-keys';
import { streamOf } from '../../functions/core/chain-format';
import { demoOrgnr } from '../../local/demo-data';
import { projectionOf } from '../../local/create-tables';
import type { BenchContext, BenchScenario } from '../context';
import { countOp } from '../instrument';
import { alternating, percentile, throughputRow, type BenchResult } from '../lib';
import { MinimumCalls } from '../minimum';
import { setUp } from './journal';

const TENANT = '0301';
const USER = 'oslo.lege';
/** Norway's municipalities in 2024; the demo data provisions 3 of them. */
const MUNICIPALITIES = 357;
const CONCURRENCY = 16;
const ROUNDS = 4;
const COUNT = 2000;

const round = (n: number, d = 3) => Math.round(n * 10 ** d) / 10 ** d;

/** Kommunenummer for the municipalities the bench provisions: valid county prefixes the demo data does not use. */
function benchTenantIds(n: number): string[] {
  const ids: string[] = [];
  for (const prefix of COUNTY_PREFIXES.filter((p) => !['03', '46', '18'].includes(p))) {
    for (let k = 1; k <= 99 && ids.length < n; k++) ids.push(`${prefix}${String(k).padStart(2, '0')}`);
  }
  if (ids.length < n) throw new Error('not enough kommunenummer for the bench');
  return ids;
}

/**
 * The same audit event written to a table whose indexes project ALL (the layout before issue 19)
 * and to one whose indexes project what shared/db/tables.ts says (as deployed): the index write
 * units of each (DynamoDB Local bills an index write by its projected size, as DynamoDB does).
 */
async function indexUnitsOfEvent(dynamo: DynamoDBClient, stage: string, event: Record<string, unknown>): Promise<{ all: number; trimmed: number; tableUnits: number; bytes: number }> {
  const audit = TABLES.find((t) => t.id === 'audit')!;
  const units: Record<string, { index: number; table: number }> = {};
  for (const [name, projection] of [
    ['all', (_i: IndexDefinition) => ({ ProjectionType: 'ALL' as const })],
    ['trimmed', projectionOf],
  ] as const) {
    const table = `fj-${stage}-audit-twin-${name}`;
    const keys = ['pk', 'sk', ...audit.indexes.flatMap((i) => [i.partitionKey, i.sortKey])];
    await dynamo.send(
      new CreateTableCommand({
        TableName: table,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: keys.map((k) => ({ AttributeName: k, AttributeType: 'S' })),
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: audit.indexes.map((i) => ({
          IndexName: i.name,
          KeySchema: [
            { AttributeName: i.partitionKey, KeyType: 'HASH' },
            { AttributeName: i.sortKey, KeyType: 'RANGE' },
          ],
          Projection: projection(i),
        })),
      }),
    );
    const out = await dynamo.send(new PutItemCommand({ TableName: table, Item: marshall(event, { removeUndefinedValues: true }), ReturnConsumedCapacity: 'INDEXES' }));
    const gsis = Object.values(out.ConsumedCapacity?.GlobalSecondaryIndexes ?? {}).reduce((s, c) => s + (c.CapacityUnits ?? 0), 0);
    units[name] = { index: gsis, table: out.ConsumedCapacity?.Table?.CapacityUnits ?? 0 };
  }
  return { all: units.all!.index, trimmed: units.trimmed!.index, tableUnits: units.trimmed!.table, bytes: JSON.stringify(event).length };
}

/** The newest `entry.read` event of a patient's log (shard 0: the bench reads one at a time, so no other shard opens). */
async function lastReadEvent(dynamo: DynamoDBClient, patientId: string): Promise<Record<string, unknown>> {
  const out = await dynamo.send(
    new QueryCommand({
      TableName: config().tables.audit,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :e)',
      ExpressionAttributeValues: marshall({ ':pk': streamOf(TENANT, patientId), ':e': 'E#' }),
      ScanIndexForward: false,
      Limit: 20,
      ConsistentRead: true,
    }),
  );
  const event = (out.Items ?? []).map((i) => unmarshall(i)).find((e) => e.action === 'entry.read');
  if (!event) throw new Error('no entry.read event found');
  return event;
}

/**
 * Issue 19's figures. `audit.read.wru`: write units per audited read with the trimmed audit index
 * projections (measured: ReturnConsumedCapacity over 20 reads), and before (ALL projections): the
 * same plus twice (transactional writes bill double) the index units the read's own event costs more
 * under ALL, measured by writing that event to twin tables of each layout.
 * `scale.tenants`: provisioning time per municipality through the operator API, and gateway.tenant
 * and journal.read each beside its base (the direct BatchGetItem; bench/minimum.ts) with the demo's
 * 3 municipalities and again with 357: ratio (op/base at 357) / (op/base at 3), goal >= 0.95. The
 * bases absorb the drift between the two halves (DynamoDB Local's JIT warms up over a run).
 */
export const scaleScenario: BenchScenario = async (ctx: BenchContext) => {
  const { stack, dynamo, call, stage } = ctx;
  const rows: BenchResult[] = [];
  const fixtures = await setUp(1);
  const minimum = new MinimumCalls(dynamo);
  for (const f of fixtures) {
    for (const { table, item } of minimum.accessItems(TENANT, f.patientId, USER)) await dynamo.send(new PutItemCommand({ TableName: table, Item: marshall(item) }));
  }
  const token = await stack.tokenFor(USER);
  const pick = (i: number) => fixtures[i % fixtures.length]!;
  const read = async (i: number) => (await call(`/v1/patients/${pick(i).patientId}/entries/${pick(i).entryId}`, token)).status === 200;
  const readMinimum = (i: number) => minimum.read({ tenant: TENANT, user: USER, patientId: pick(i).patientId, entryId: pick(i).entryId });
  const tenant = async () => (await call('/v1/tenant', token)).status === 200;
  const control = config().tables.control;
  const twoEntries = () =>
    dynamo.send(new BatchGetItemCommand({ RequestItems: { [control]: { Keys: [marshall(controlKeys.tenant(TENANT)), marshall(controlKeys.user(USER))], ConsistentRead: true } } })).then(() => true);

  // Write units per audited read, after and before the projection change.
  const counts = await countOp(read);
  const event = await lastReadEvent(dynamo, pick(100_019).patientId);
  const units = await indexUnitsOfEvent(dynamo, stage, event);
  const before = counts.writeUnits + 2 * (units.all - units.trimmed);
  rows.push({ name: 'audit.read.wru', value: counts.writeUnits, unit: 'WRU/read', baseline: before, ratio: round(counts.writeUnits / before), counts: { writeUnits: counts.writeUnits, readUnits: counts.readUnits, calls: counts.calls, depth: counts.depth, commands: counts.commands } });
  rows.push({ name: 'audit.event.index-wcu', value: units.trimmed, unit: `WCU (3 indexes; ALL: ${units.all}; event ${units.bytes} B)`, baseline: units.all, ratio: round(units.trimmed / units.all) });

  // What the sharded day index costs a reader: one page of 50 of the tenant log (today's events of
  // the reads above, spread over the day's shards), merged across them.
  const auditor = await stack.tokenFor('oslo.revisor');
  const page = await countOp(async () => (await call('/v1/audit/events?limit=50', auditor)).status === 200);
  rows.push({ name: 'audit.tenant-page', value: page.readUnits, unit: 'RRU/page of 50', counts: { readUnits: page.readUnits, writeUnits: page.writeUnits, calls: page.calls, depth: page.depth, commands: page.commands } });

  // The same figures with the demo's 3 municipalities ...
  const measure = async () => {
    await alternating(twoEntries, tenant, { count: 400, concurrency: CONCURRENCY, rounds: 2 });
    const t = await alternating(twoEntries, tenant, { count: COUNT, concurrency: CONCURRENCY, rounds: ROUNDS });
    await alternating(readMinimum, read, { count: 200, concurrency: CONCURRENCY, rounds: 2 });
    const r = await alternating(readMinimum, read, { count: COUNT / 2, concurrency: CONCURRENCY, rounds: ROUNDS });
    return { tenant: t, read: r };
  };
  const few = await measure();

  // ... then provision the rest, one municipality at a time through the operator API ...
  const operator = await stack.tokenFor('drift');
  const times: number[] = [];
  for (const id of benchTenantIds(MUNICIPALITIES - 3)) {
    const t0 = performance.now();
    const res = await call('/ops/v1/tenants', operator, { method: 'POST', json: { id, name: `Benchkommune ${id}`, orgnr: demoOrgnr(id), population: 5000, region: config().region } });
    if (res.status !== 201) throw new Error(`provisioning ${id}: ${res.status}`);
    times.push(performance.now() - t0);
  }
  const sorted = [...times].sort((a, b) => a - b);
  rows.push({ name: 'scale.tenants.provision', value: round(times.reduce((s, t) => s + t, 0) / times.length, 1), unit: `ms/municipality (${times.length})`, p50_ms: round(percentile(sorted, 50), 1), p99_ms: round(percentile(sorted, 99), 1) });

  // ... and again with 357.
  const many = await measure();
  const ratio = (r: { base: { opsPerSec: number }; op: { opsPerSec: number } }) => r.op.opsPerSec / r.base.opsPerSec;
  rows.push(
    { ...throughputRow('gateway.tenant@3', few.tenant.op, few.tenant.base) },
    { ...throughputRow(`gateway.tenant@${MUNICIPALITIES}`, many.tenant.op, many.tenant.base) },
    { name: 'scale.tenants.gateway.tenant', value: round(ratio(many.tenant) / ratio(few.tenant)), unit: `ratio ${MUNICIPALITIES}/3 (goal >= 0.95)` },
    { ...throughputRow('journal.read@3', few.read.op, few.read.base) },
    { ...throughputRow(`journal.read@${MUNICIPALITIES}`, many.read.op, many.read.base) },
    { name: 'scale.tenants.journal.read', value: round(ratio(many.read) / ratio(few.read)), unit: `ratio ${MUNICIPALITIES}/3 (goal >= 0.95)` },
  );
  return rows;
};
