import '../local/terminal-env';
import { request, Agent } from 'node:http';
import { parseArgs } from 'node:util';
import { BatchGetItemCommand, CreateTableCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { freePort, startDynamoLocal } from '../local/dynamodb-local';

/**
 * `node --import tsx bench/sdk-call-cost.ts [--calls 4000] [--rounds 4]`: the Node CPU one DynamoDB
 * call costs the process that makes it, apart from everything else a request does. The same
 * strongly consistent BatchGetItem of one ~2 KB item, 8 in flight, issued three ways against
 * DynamoDB Local: the SDK as the platform configures it (shared/db/client.ts: cached middleware),
 * the SDK with its defaults (the stack resolved on every send), and a plain keep-alive HTTP POST
 * of the same JSON (no signing, no serde: what the socket and Node's HTTP client cost alone;
 * DynamoDB Local does not check signatures). CPU is `process.cpuUsage` over the measured calls,
 * after a warm-up of each client; rounds alternate so drift falls on all three.
 */

const TABLE = 'sdk_call_cost';
const KEY = { pk: { S: 'p' }, sk: { S: 's' } };

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { calls: { type: 'string', default: '4000' }, rounds: { type: 'string', default: '4' } } });
  const calls = Number(values.calls);
  const dynamo = await startDynamoLocal({ port: await freePort() });
  try {
    const client = (cacheMiddleware: boolean) =>
      new DynamoDBClient({ region: 'eu-north-1', endpoint: dynamo.endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 3, cacheMiddleware });
    const setup = client(true);
    await setup.send(new CreateTableCommand({
      TableName: TABLE,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
    }));
    await setup.send(new PutItemCommand({ TableName: TABLE, Item: { ...KEY, body: { S: 'x'.repeat(2000) } } }));

    const input = { RequestItems: { [TABLE]: { Keys: [KEY], ConsistentRead: true } } };
    const cached = client(true);
    const uncached = client(false);
    const agent = new Agent({ keepAlive: true, maxSockets: 50 });
    const body = JSON.stringify(input);
    const url = new URL(dynamo.endpoint);
    const raw = () =>
      new Promise<void>((resolve, reject) => {
        const req = request({ host: url.hostname, port: url.port, method: 'POST', path: '/', agent, headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.BatchGetItem', authorization: 'AWS4-HMAC-SHA256 Credential=local/20261205/eu-north-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0', 'content-length': Buffer.byteLength(body) } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`${res.statusCode} ${Buffer.concat(chunks).toString()}`))));
        });
        req.on('error', reject);
        req.end(body);
      });
    const ways: [string, () => Promise<unknown>][] = [
      ['sdk, cached middleware (as configured)', () => cached.send(new BatchGetItemCommand(input))],
      ['sdk, defaults', () => uncached.send(new BatchGetItemCommand(input))],
      ['plain http POST', raw],
    ];
    const cpu: Record<string, number[]> = {};
    const measure = async (fn: () => Promise<unknown>, n: number) => {
      const start = process.cpuUsage();
      for (let i = 0; i < n; i += 8) await Promise.all(Array.from({ length: 8 }, fn));
      const used = process.cpuUsage(start);
      return (used.user + used.system) / n / 1000;
    };
    for (const [, fn] of ways) await measure(fn, 2000);
    for (let r = 0; r < Number(values.rounds); r++) {
      const order = r % 2 === 0 ? ways : [...ways].reverse();
      for (const [name, fn] of order) (cpu[name] ??= []).push(await measure(fn, calls));
    }
    console.log(`Node CPU per DynamoDB call (BatchGetItem of one ~2 KB item, 8 in flight, ${calls} calls per round; median of ${values.rounds} rounds):`);
    for (const [name] of ways) {
      const sorted = [...cpu[name]!].sort((a, b) => a - b);
      console.log(`  ${sorted[Math.floor(sorted.length / 2)]!.toFixed(3)} ms  ${name}   (rounds: ${cpu[name]!.map((v) => v.toFixed(3)).join(', ')})`);
    }
    agent.destroy();
  } finally {
    await dynamo.stop();
  }
}

await main();
