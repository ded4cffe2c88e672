// @ts-nocheck
import { BatchGetItemCommand, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { config } from '../../shared/config';
import { controlKeys } from '../../shared/tenancy/control-keys';
import type { BenchScenario } from '../context';
import { load, throughputRow } from '../lib';

const COUNT = 3000;
const CONCURRENCY = 16;

/**
 * The base: a trivial authenticated route through the local gateway (token verified; the tenant's
 * and the user's registry entries read in one BatchGetItem) beside the same BatchGetItem issued
 * directly, and raw DynamoDB Local GetItems for scale.
 */
export const platformScenario: BenchScenario = async ({ stack, dynamo, call }) => {
  const token = await stack.tokenFor('oslo.sykepleier');
  const table = config().tables.control;
  await dynamo.send(new PutItemCommand({ TableName: table, Item: marshall({ pk: 'BENCH#1', sk: 'X', payload: 'x'.repeat(1024) }) }));
  const getItem = () => dynamo.send(new GetItemCommand({ TableName: table, Key: marshall(controlKeys.tenant('0301')), ConsistentRead: true })).then(() => true);
  const twoEntries = () =>
    dynamo
      .send(new BatchGetItemCommand({ RequestItems: { [table]: { Keys: [marshall(controlKeys.tenant('0301')), marshall(controlKeys.user('oslo.sykepleier'))], ConsistentRead: true } } }))
      .then(() => true);
  const me = () => call('/v1/me', token).then((r) => r.status === 200);
  const tenant = () => call('/v1/tenant', token).then((r) => r.status === 200);

  // The JVM and the handler modules are slow on first use; warm both before measuring.
  await load(getItem, { count: 2000, concurrency: CONCURRENCY });
  await load(tenant, { count: 500, concurrency: CONCURRENCY });

  const raw = await load(getItem, { count: COUNT, concurrency: CONCURRENCY });
  const batch = await load(twoEntries, { count: COUNT, concurrency: CONCURRENCY });
  const meResult = await load(me, { count: COUNT, concurrency: CONCURRENCY });
  const tenantResult = await load(tenant, { count: COUNT, concurrency: CONCURRENCY });
  return [
    throughputRow('dynamodb.getitem', raw),
    throughputRow('dynamodb.batchget2', batch),
    throughputRow('gateway.me', meResult),
    throughputRow('gateway.tenant', tenantResult, batch),
  ];
};
