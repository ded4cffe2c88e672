// @ts-nocheck
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { freePort } from '../../local/dynamodb-local';

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
  }
}

const REPO_ROOT = join(import.meta.dirname, '..', '..');

/**
 * Starts the stack exactly as `npm start` does (local/start.ts: DynamoDB Local, tables, keystore,
 * token issuer, gateway, demo data) on free ports, and stops it after the run.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (!existsSync(join(REPO_ROOT, 'web', 'dist', 'index.html'))) {
    throw new Error('web/dist is missing: run `npm run build:web` first (`npm run test:e2e` does).');
  }
  // E2E_BASE_URL reuses a stack that is already running (quicker while working on the client).
  const reuse = process.env.E2E_BASE_URL;
  if (reuse) {
    project.provide('baseUrl', reuse.replace(/\/+$/, ''));
    return async () => undefined;
  }
  const port = await freePort();
  const dynamoPort = await freePort();
  const started = Date.now();
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'local/start.ts', '--port', String(port), '--dynamo-port', String(dynamoPort)], {
    cwd: REPO_ROOT,
    env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'WARN', POWERTOOLS_METRICS_DISABLED: 'true', POWERTOOLS_TRACE_ENABLED: 'false' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  let exited = false;
  child.once('exit', () => (exited = true));

  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (exited) throw new Error(`npm start exited during start-up:\n${output}`);
    if (output.includes('Fellesjournal is running')) {
      const health = await fetch(`${baseUrl}/health`).catch(() => undefined);
      if (health?.ok) break;
    }
    if (Date.now() > deadline) {
      child.kill('SIGTERM');
      throw new Error(`The stack did not come up within 90 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  console.log(`e2e: stack up on ${baseUrl} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  project.provide('baseUrl', baseUrl);

  return async () => {
    if (exited) return;
    // SIGTERM lets start.ts stop the gateway and DynamoDB Local (Java) itself.
    await new Promise<void>((resolve) => {
      const hard = setTimeout(() => child.kill('SIGKILL'), 15_000);
      child.once('exit', () => {
        clearTimeout(hard);
        resolve();
      });
      child.kill('SIGTERM');
    });
  };
}
