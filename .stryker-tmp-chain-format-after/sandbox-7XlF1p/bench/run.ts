// @ts-nocheck
import '../local/terminal-env';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { freePort, startDynamoLocal } from '../local/dynamodb-local';
import { seedDemoData } from '../local/seed';
import { REPO_ROOT, startLocalStack } from '../local/stack';
import type { BenchContext } from './context';
import { printResults, writeResults, type BenchResult } from './lib';
import { QUIET_SCENARIOS, SCENARIOS } from './scenarios';

/** `npm run bench [-- --only name]`: starts its own DynamoDB Local and stack, runs every scenario. */
async function main(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  const { values } = parseArgs({ options: { only: { type: 'string', multiple: true } } });
  const results: BenchResult[] = [];
  // Scenarios that need no stack run first, on a quiet machine.
  for (const scenario of QUIET_SCENARIOS) {
    if (values.only && !values.only.includes(scenario.name)) continue;
    console.error(`bench: ${scenario.name} ...`);
    results.push(...(await scenario.run()));
  }
  const dynamo = await startDynamoLocal({ port: await freePort() });
  try {
    const stage = 'bench';
    const stack = await startLocalStack({ dynamoEndpoint: dynamo.endpoint, stage, port: 0, keystoreDir: mkdtempSync(join(tmpdir(), 'fj-bench-keys-')) });
    await seedDemoData('eu-north-1');
    const client = new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'eu-north-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    const ctx: BenchContext = {
      stack,
      stage,
      dynamo: client,
      call: (path, token, init = {}) =>
        fetch(`${stack.url}${path}`, {
          method: init.method ?? 'GET',
          headers: { authorization: `Bearer ${token}`, ...(init.json !== undefined ? { 'content-type': 'application/json' } : {}), ...init.headers },
          body: init.json !== undefined ? JSON.stringify(init.json) : undefined,
        }).then(async (r) => {
          await r.arrayBuffer();
          return r;
        }),
    };
    for (const scenario of SCENARIOS) {
      if (values.only && !values.only.includes(scenario.name)) continue;
      console.error(`bench: ${scenario.name} ...`);
      results.push(...(await scenario.run(ctx)));
    }
    await stack.stop();
    client.destroy();
  } finally {
    await dynamo.stop();
  }
  printResults(results);
  console.log(`\nwritten: ${writeResults(join(REPO_ROOT, 'bench', 'results'), results)}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
