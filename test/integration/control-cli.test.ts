import { execFile } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { demoOrgnr } from '../../local/demo-data';
import { REPO_ROOT } from '../../local/stack';
import { useTempDir, useTestStack } from '../support/local-stack';
import { syntheticPidFor } from '../support/tokens';

const stack = useTestStack();
const exportRoot = useTempDir('fj-cli-export-');

/** Runs the operator CLI as a child process, as `npm run ops -- ...` would. */
function ops(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolvePromise) => {
    execFile(process.execPath, ['--import', 'tsx', 'local/ops-cli.ts', ...args, '--url', stack.url], { cwd: REPO_ROOT, env: { ...process.env, FJ_URL: '' }, timeout: 60_000 }, (error, stdout, stderr) => {
      resolvePromise({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

describe('the operator CLI', () => {
  it('creates a municipality and shows it as a readable table', async () => {
    const created = await ops('tenants', 'create', '4204', '--name', 'Kristiansand', '--orgnr', demoOrgnr('4204'), '--population', '116000', '--region', 'eu-north-1', '--admin', 'kristiansand.admin', '--admin-pid', syntheticPidFor('kristiansand.admin'), '--unit', 'hjemmetjeneste:Hjemmetjenesten Vågsbygd', '--unit', 'helsestasjon:Lund helsestasjon');
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/^Created 4204 Kristiansand \(first admin: kristiansand\.admin\)/);
    expect(created.stdout).toMatch(/Provisioning: +registry=done key=done usage=done admin=done activate=done/);
    expect(created.stdout).toMatch(new RegExp(`Orgnr: +${demoOrgnr('4204')}\n`));
    expect(created.stdout).toMatch(/Tier: +large \(116000 inhabitants\)/);
    expect(created.stdout).toMatch(/4204-hjemmetjenesten-vagsbygd +Hjemmetjenesten Vågsbygd +hjemmetjeneste +active/);

    const again = await ops('tenants', 'create', '4204', '--name', 'Kristiansand', '--orgnr', demoOrgnr('4204'));
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^Already exists, unchanged: 4204/);

    const list = await ops('tenants', 'list');
    expect(list.code).toBe(0);
    const lines = list.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^KOMMUNE +NAME +REGION +STATUS +UNITS +KEY +CHANGED$/);
    expect(lines[1]).toMatch(/^-+ +-+/);
    expect(lines.find((l) => l.startsWith('4204'))).toMatch(/^4204 +Kristiansand +eu-north-1 +active +2 +local:4204/);
    expect(lines.filter((l) => /^\d{4} /.test(l)).map((l) => l.slice(0, 4))).toEqual(['0301', '1804', '4204', '4601']);
  });

  it('suspends and resumes', async () => {
    const suspended = await ops('tenants', 'suspend', '4204', '--reason', 'Vedlikehold');
    expect(suspended.code).toBe(0);
    expect(suspended.stdout).toMatch(/Suspended 4204 Kristiansand/);
    expect((await stack.call('/v1/tenant', { as: 'kristiansand.admin' })).status).toBe(403);
    const shown = await ops('tenants', 'show', '4204');
    expect(shown.stdout).toMatch(/Status: +suspended \(Vedlikehold\)/);
    expect((await ops('tenants', 'resume', '4204')).code).toBe(0);
    expect((await stack.call('/v1/tenant', { as: 'kristiansand.admin' })).status).toBe(200);
  });

  it('registers a vendor and shows the credentials once', async () => {
    const out = await ops('vendors', 'register', '--name', 'Pleieplan AS', '--org-number', '994598759', '--contact-name', 'Per Plan', '--contact-email', 'per@pleieplan.example');
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/client_id: +vnd-[0-9a-f]{16}/);
    expect(out.stdout).toMatch(/client_secret: +\S{43}/);
    const list = await ops('vendors', 'list');
    expect(list.stdout).toMatch(/vnd-[0-9a-f]{16} +Pleieplan AS +994598759 +active +per@pleieplan\.example/);
    expect(list.stdout).not.toMatch(/secret/i);
  });

  it('offboards into a directory and shows every step', async () => {
    const out = await ops('tenants', 'offboard', '4204', '--to', exportRoot, '--wait');
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/^Offboarded 4204 Kristiansand/);
    expect(out.stdout).toMatch(/Offboarding: +freeze=done export=done verify=done key=done finish=done/);
    expect(out.stdout).toMatch(new RegExp(`Export: +0 records -> ${exportRoot}/fellesjournal-4204-`));
    expect(out.stdout).toMatch(/Key deletion: +disabled-until-due, destroy after \d{4}-\d{2}-\d{2}/);
    const list = await ops('tenants', 'list');
    expect(list.stdout).toMatch(/4204 +Kristiansand +eu-north-1 +offboarded/);
    // The job stays there to look at: asking again answers with it, finished.
    const again = await ops('tenants', 'offboard', '4204', '--to', exportRoot, '--json');
    const job = JSON.parse(again.stdout) as { jobId: string; state: string };
    expect(job.state).toBe('succeeded');
    const status = await ops('tenants', 'offboard-status', job.jobId);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/State: +succeeded/);
    expect(status.stdout).toMatch(/Export: +1 pages, 0 records -> /);
  });

  it('prints errors as one clear line with a non-zero exit code', async () => {
    const bad = await ops('tenants', 'create', '9901', '--name', 'Ukjent', '--orgnr', demoOrgnr('9901'));
    expect(bad.code).toBe(1);
    expect(bad.stdout).toBe('');
    const lines = bad.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^ops: Ugyldig forespørsel \(HTTP 400\).*body\.id: Ugyldig kommunenummer/);

    const unknown = await ops('tenants', 'show', '1103');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr.trim()).toMatch(/^ops: Finnes ikke \(HTTP 404\): Kommune 1103 finnes ikke/);

    const usage = await ops('tenants', 'suspend', '4601');
    expect(usage.code).toBe(2);
    expect(usage.stderr.trim()).toBe('ops: missing --reason (see npm run ops -- help)');

    const notOperator = await ops('tenants', 'list', '--user', 'oslo.admin');
    expect(notOperator.code).toBe(1);
    expect(notOperator.stderr.trim()).toMatch(/^ops: Ingen tilgang \(HTTP 403\)/);
  });

  it('says so in one line when the stack is not running', async () => {
    const out = await new Promise<{ code: number; stderr: string }>((r) =>
      execFile(process.execPath, ['--import', 'tsx', 'local/ops-cli.ts', 'tenants', 'list', '--url', 'http://127.0.0.1:9'], { cwd: REPO_ROOT }, (error, _stdout, stderr) =>
        r({ code: error && typeof error.code === 'number' ? error.code : 0, stderr }),
      ),
    );
    expect(out.code).toBe(1);
    expect(out.stderr.trim()).toMatch(/^ops: cannot reach Fellesjournal at http:\/\/127\.0\.0\.1:9/);
  });
});
