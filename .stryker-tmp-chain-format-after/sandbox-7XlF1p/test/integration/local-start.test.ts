// @ts-nocheck
import { spawnSync } from 'node:child_process';
import { mkdtempSync, symlinkSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const REPO_ROOT = join(import.meta.dirname, '..', '..');

/** Runs `npm start`'s entry point as a user would and returns what they see. */
function start(args: string[], env: NodeJS.ProcessEnv = process.env) {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'local/start.ts', ...args], { cwd: REPO_ROOT, env, encoding: 'utf8', timeout: 30_000 });
  return { code: run.status, stderr: run.stderr.trim(), stdout: run.stdout.trim() };
}

describe('npm start refuses to start with one clear line', () => {
  let busy: Server;
  let busyPort = 0;
  beforeAll(async () => {
    busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    busyPort = (busy.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((resolve) => busy.close(() => resolve())));

  it('when the port is in use', () => {
    const run = start(['--port', String(busyPort), '--dynamo-port', '1']);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`Could not start Fellesjournal: Port ${busyPort} (gateway) is already in use; stop what holds it or pick another port.`);
  });

  it('when Java is missing', () => {
    // A PATH that has node but no java.
    const bin = mkdtempSync(join(tmpdir(), 'fj-nojava-'));
    symlinkSync(process.execPath, join(bin, 'node'));
    const run = start(['--port', '0'], { ...process.env, PATH: bin });
    expect(run.code).toBe(1);
    expect(run.stderr.split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/^Could not start Fellesjournal: Java 17 or newer is required/);
  });

  it('when an option is unknown', () => {
    const run = start(['--prot', '3000']);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe("Could not start Fellesjournal: Unknown option '--prot'");
  });
});
