// @ts-nocheck
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, inject } from 'vitest';
import { seedDemoData } from '../../local/seed';
import { startLocalStack, type LocalStack, type LocalStackOptions } from '../../local/stack';
import { gatewayClient, type GatewayClient } from './requests';

export interface TestStack extends LocalStack, GatewayClient {
  stage: string;
  keystoreDir: string;
}

export type TestStackOptions = Partial<LocalStackOptions> & { seed?: boolean };

/**
 * The whole local stack (gateway, token issuer, keystore) against the run's DynamoDB Local, with
 * tables of its own (a fresh stage) and the demo data loaded. One per test file.
 */
export async function startTestStack(options: TestStackOptions = {}): Promise<TestStack> {
  const stage = `t${randomBytes(4).toString('hex')}`;
  const keystoreDir = mkdtempSync(join(tmpdir(), 'fj-keys-'));
  const stack = await startLocalStack({ dynamoEndpoint: inject('dynamoEndpoint'), stage, port: 0, keystoreDir, ...options });
  if (options.seed !== false) await seedDemoData('eu-north-1');
  return {
    ...stack,
    ...gatewayClient(stack.url, stack.tokenFor),
    stage,
    keystoreDir,
    async stop() {
      await stack.stop();
      rmSync(keystoreDir, { recursive: true, force: true });
    },
  };
}

/**
 * A test stack for this file: started before its tests, stopped after them. The returned stack
 * may be used inside tests and hooks (not while the file is collected).
 */
export function useTestStack(options: TestStackOptions = {}): TestStack {
  let started: TestStack | undefined;
  beforeAll(async () => {
    started = await startTestStack(options);
  });
  afterAll(async () => started?.stop());
  const current = (): TestStack => {
    if (!started) throw new Error('The test stack is used before it has started (use it inside a test or hook).');
    return started;
  };
  return {
    get url() {
      return current().url;
    },
    get issuer() {
      return current().issuer;
    },
    get gateway() {
      return current().gateway;
    },
    get stage() {
      return current().stage;
    },
    get keystoreDir() {
      return current().keystoreDir;
    },
    tokenFor: (userId) => current().tokenFor(userId),
    call: (path, init) => current().call(path, init),
    post: (path, as, json, headers) => current().post(path, as, json, headers),
    stop: () => current().stop(),
  };
}

/** A fresh temporary directory for this test file, removed after its tests. */
export function useTempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
