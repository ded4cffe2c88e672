import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { seedDemoData } from '../../local/seed';
import { startLocalStack, type LocalStack, type LocalStackOptions } from '../../local/stack';

export interface TestStack extends LocalStack {
  stage: string;
  keystoreDir: string;
  /** fetch against the gateway, with a bearer token for `as` when given. */
  call(path: string, init?: RequestInit & { as?: string; json?: unknown }): Promise<Response>;
}

/**
 * The whole local stack (gateway, token issuer, keystore) against the run's DynamoDB Local, with
 * tables of its own (a fresh stage) and the demo data loaded. One per test file.
 */
export async function startTestStack(options: Partial<LocalStackOptions> & { seed?: boolean } = {}): Promise<TestStack> {
  const stage = `t${randomBytes(4).toString('hex')}`;
  const keystoreDir = mkdtempSync(join(tmpdir(), 'fj-keys-'));
  const stack = await startLocalStack({ dynamoEndpoint: inject('dynamoEndpoint'), stage, port: 0, keystoreDir, ...options });
  if (options.seed !== false) await seedDemoData('eu-north-1');
  const tokens = new Map<string, string>();
  return {
    ...stack,
    stage,
    keystoreDir,
    async call(path, init = {}) {
      const { as, json, ...rest } = init;
      const headers = new Headers(rest.headers);
      if (as) {
        let token = tokens.get(as);
        if (!token) {
          token = await stack.tokenFor(as);
          tokens.set(as, token);
        }
        headers.set('authorization', `Bearer ${token}`);
      }
      if (json !== undefined) headers.set('content-type', 'application/json');
      return fetch(`${stack.url}${path}`, { ...rest, headers, body: json !== undefined ? JSON.stringify(json) : rest.body });
    },
    async stop() {
      await stack.stop();
      rmSync(keystoreDir, { recursive: true, force: true });
    },
  };
}
