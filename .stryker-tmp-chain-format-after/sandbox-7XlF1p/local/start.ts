// @ts-nocheck
import './terminal-env';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ENV } from '../shared/config/env-names';
import { DEMO_TENANTS, DEMO_USERS } from './demo-data';
import { assertJavaAvailable, assertPortFree, startDynamoLocal, type RunningDynamo } from './dynamodb-local';
import { seedDemoData } from './seed';
import { REPO_ROOT, startLocalStack, type LocalStack } from './stack';

/** `npm start`: the whole platform on this machine, with demo data. */
async function main(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const { values } = parseArgs({
    options: {
      persist: { type: 'boolean', default: false },
      port: { type: 'string', default: process.env.PORT ?? '3000' },
      'dynamo-port': { type: 'string', default: process.env.DYNAMO_PORT ?? '8765' },
    },
  });
  const port = Number(values.port);
  const dynamoPort = Number(values['dynamo-port']);
  const dataDir = join(REPO_ROOT, '.data');
  assertJavaAvailable();
  await assertPortFree(port, 'gateway');
  const started = Date.now();
  let dynamo: RunningDynamo | undefined;
  let stack: LocalStack | undefined;
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    await stack?.stop();
    await dynamo?.stop();
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  // Last resort: never leave a Java process behind, even on an unexpected exit.
  process.on('exit', () => void dynamo?.stop());

  // Tree heads describe the tables they were made from: kept under .data/ with --persist, else
  // in a folder of this run's own that goes with the in-memory tables.
  const anchorDir = values.persist ? join(dataDir, 'anchors') : mkdtempSync(join(tmpdir(), 'fj-anchors-'));
  process.env[ENV.anchorDir] = anchorDir;
  if (!values.persist) process.on('exit', () => rmSync(anchorDir, { recursive: true, force: true }));

  try {
    dynamo = await startDynamoLocal({ port: dynamoPort, persistDir: values.persist ? join(dataDir, 'dynamodb') : undefined });
    stack = await startLocalStack({
      dynamoEndpoint: dynamo.endpoint,
      stage: 'local',
      port,
      keystoreDir: join(dataDir, 'keys'),
      issuerKeyFile: values.persist ? join(dataDir, 'issuer-key.json') : undefined,
    });
    await seedDemoData('eu-north-1');
  } catch (error) {
    console.error(`Could not start Fellesjournal: ${error instanceof Error ? error.message : String(error)}`);
    await stop(1);
    return;
  }

  // What AWS runs on a schedule (infra: EventBridge every 5 minutes), this process runs on a timer.
  const { handler: deliverPendingAudit } = await import('../functions/sharing/jobs/deliver-pending-audit');
  setInterval(() => void deliverPendingAudit().catch((error: unknown) => console.error(`audit outbox sweep failed: ${String(error)}`)), 5 * 60_000).unref();

  // The anchoring beat (infra: EventBridge every minute): signed tree heads under .data/keys/anchors.
  const { handler: anchorBeat } = await import('../functions/anchor/handlers/anchor-beat');
  const { anchorBeatMs } = await import('../functions/core/anchor-deps');
  const anchor = () => void anchorBeat().catch((error: unknown) => console.error(`audit anchoring failed: ${String(error)}`));
  anchor();
  setInterval(anchor, anchorBeatMs()).unref();

  const url = stack.url;
  const lines = [
    '',
    `Fellesjournal is running (${((Date.now() - started) / 1000).toFixed(1)} s) — ${values.persist ? 'data kept under .data/' : 'in-memory data, gone on exit (use npm start -- --persist to keep it)'}`,
    '',
    `  Web client   ${url}/`,
    `  API          ${url}/v1/...   (OpenAPI: ${url}/openapi.json, health: ${url}/health)`,
    `  Token issuer ${url}/local-auth  (JWKS: ${url}/local-auth/jwks.json)`,
    `  DynamoDB     ${dynamo.endpoint}`,
    '',
    `  Municipalities: ${DEMO_TENANTS.map((t) => `${t.id} ${t.name}`).join(', ')}`,
    '  Demo users (log in as any of them):',
    ...DEMO_USERS.map((u) => `    ${u.id.padEnd(20)} ${u.roles.join(',').padEnd(13)} ${u.tenant ?? '-'}  ${u.name}`),
    '',
    '  Get a token and call the API:',
    `    TOKEN=$(curl -s -X POST ${url}/local-auth/token -d grant_type=urn:fellesjournal:demo-login -d username=oslo.sykepleier | node -pe 'JSON.parse(require("fs").readFileSync(0)).access_token')`,
    `    curl -H "Authorization: Bearer $TOKEN" ${url}/v1/me`,
    '',
    '  Ctrl-C stops everything.',
    '',
  ];
  console.log(lines.join('\n'));
}

main().catch((error: unknown) => {
  // What a person can act on, in one line: a port in use, no Java, an unknown option.
  console.error(`Could not start Fellesjournal: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
