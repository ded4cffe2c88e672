import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openExportFor, type ExportWriter, type OpenExport } from '../../functions/tenants/export-writer';
import { makeHandler as makeStepHandler, RetryableStepError } from '../../functions/tenants/jobs/offboard-step';
import type { JournalExportSource } from '../../functions/tenants/journal-source';
import { defaultTenantDeps, journalExport } from '../../functions/tenants/tenant-deps';
import { getOffboardJob, requestOffboarding, runOffboardJob, runOffboardStep, type ActorContext, type TenantServiceDeps } from '../../functions/tenants/tenant-service';
import { demoOrgnr } from '../../local/demo-data';
import type { Caller } from '../../shared/auth/caller';
import { syntheticNationalId } from '../../shared/contracts/identifiers';
import { LocalKeystore } from '../../shared/crypto/local-keystore';
import { getTenant } from '../../shared/tenancy/tenant-store';
import { useTempDir, useTestStack } from '../support/local-stack';
import { readJson } from '../support/requests';
import { auditEvents } from '../support/tables';
import { syntheticPidFor } from '../support/tokens';
import { journalLines } from '../support/offboarding-export';

// The offboarding job against DynamoDB Local with the journal's own paged export: failures injected
// in the middle of the export, each resumed from the page's cursor, nothing written twice or lost.

const stack = useTestStack();
const exportRoot = useTempDir('fj-offboard-job-');
const operator: Caller = { sub: 'drift', kind: 'person', roles: ['operator'], scopes: [], name: 'Dina Drift', expiresAt: Math.floor(Date.now() / 1000) + 3600 };
const ctx: ActorContext = { caller: operator, requestId: 'test-request' };
const TENANT = '1103';
const PATIENTS = 5;

async function seedJournal(): Promise<string[]> {
  const create = await stack.call('/ops/v1/tenants', {
    method: 'POST',
    as: 'drift',
    json: { id: TENANT, name: 'Stavanger', orgnr: demoOrgnr(TENANT), region: 'eu-north-1', admin: { id: 'stavanger.admin', name: 'Siv Admin', pid: syntheticPidFor('stavanger.admin') }, units: [{ id: `${TENANT}-hjem`, name: 'Hjemmetjenesten', kind: 'hjemmetjeneste' }] },
  });
  expect(create.status).toBe(201);
  const admin = await stack.call('/v1/admin/users', {
    method: 'POST',
    as: 'stavanger.admin',
    json: { id: 'stavanger.lege', name: 'Sigurd Lege', roles: ['clinician'], unit: `${TENANT}-hjem`, hpr: '9300001', profession: 'lege', pid: syntheticPidFor('stavanger.lege') },
  });
  expect(admin.status).toBe(201);
  const texts: string[] = [];
  for (let i = 0; i < PATIENTS; i++) {
    const post = (path: string, body: unknown, headers: Record<string, string> = {}) => stack.post(path, 'stavanger.lege', body, headers);
    const patient = await post('/v1/patients', { nationalId: syntheticNationalId({ day: 10 + i, month: 5, year: 1940 + i }, 500 + i), name: `Pasient ${i} Avviklesen`, birthDate: `${1940 + i}-05-${10 + i}`, gender: 'unknown' });
    expect(patient.status).toBe(201);
    const { id } = await readJson<{ id: string }>(patient);
    expect((await post(`/v1/patients/${id}/relationships`, { reasonCode: 'ordinary-care', reason: 'Hjemmesykepleie' })).status).toBe(201);
    const text = `Vurdering ${i} som bare finnes kryptert`;
    texts.push(text);
    const entry = await post(`/v1/patients/${id}/entries`, { type: 'journalnotat', title: 'Besøk', text });
    expect(entry.status).toBe(201);
    const { id: entryId } = await readJson<{ id: string }>(entry);
    expect((await post(`/v1/patients/${id}/entries/${entryId}/sign`, undefined, { 'if-match': entry.headers.get('etag')! })).status).toBe(200);
  }
  return texts;
}

/** Faults for one run: the read of a page fails, or a page's file is written and the step dies before recording it. */
interface Faults {
  failReadAt?: string | undefined;
  failAfterWriting?: string;
}

describe('the offboarding job', () => {
  it('resumes an interrupted export from its cursor: every record once, none lost, then verifies and schedules the key', async () => {
    const texts = await seedJournal();
    // Two patients per page: five patients make three pages.
    const real = await journalExport(2);
    const cursorsRead: (string | undefined)[] = [];
    let faults: Faults = {};
    const journal = async (): Promise<JournalExportSource> => ({
      countTenantRecords: (t) => real.countTenantRecords(t),
      async exportPage(tenant, cursor) {
        cursorsRead.push(cursor);
        if (faults.failReadAt !== undefined && cursor === faults.failReadAt) {
          faults = {};
          throw new Error('injected: DynamoDB read failed');
        }
        return real.exportPage(tenant, cursor);
      },
    });
    const local = openExportFor('local');
    const openExport: OpenExport = async (target, folder, options) => {
      const writer = await local(target, folder, options);
      const faulty: ExportWriter = {
        location: writer.location,
        writeJson: (n, v, o) => writer.writeJson(n, v, o),
        async writeNdjson(name, records, o) {
          const file = await writer.writeNdjson(name, records, o);
          if (faults.failAfterWriting === name) {
            faults = {};
            throw new Error('injected: the step died after writing its page');
          }
          return file;
        },
      };
      return faulty;
    };
    const started: { tenant: string; jobId: string }[] = [];
    const deps: TenantServiceDeps = { ...defaultTenantDeps(), journal, openExport, startJob: async (job) => void started.push(job) };

    const job = await requestOffboarding(TENANT, exportRoot, ctx, deps);
    expect(job).toMatchObject({ tenant: TENANT, state: 'running', step: 'export' });
    expect(started).toEqual([{ tenant: TENANT, jobId: job.jobId }]);
    // Closed to the data plane as soon as it is asked for.
    expect((await stack.call('/v1/tenant', { as: 'stavanger.lege' })).status).toBe(403);

    // 1st run: page 1 is recorded; page 2 is written, then the step dies before recording it.
    faults = { failAfterWriting: 'journal-00002.ndjson' };
    await expect(runOffboardJob(TENANT, job.jobId, deps)).rejects.toThrow(/injected/);
    let status = await getOffboardJob(job.jobId);
    expect(status).toMatchObject({ state: 'failed', step: 'export', export: { pages: 1, done: false } });
    const cursorAfterPage1 = (await getTenant(TENANT))?.offboardCursor;
    expect(typeof cursorAfterPage1).toBe('string');
    expect(cursorsRead).toEqual([undefined, cursorAfterPage1]);

    // 2nd run: resumes at page 2 (not at the start), records it, then the read of page 3 fails.
    cursorsRead.length = 0;
    faults = { failReadAt: 'next' };
    const deps2: TenantServiceDeps = {
      ...deps,
      journal: async () => {
        const j = await journal();
        return {
          ...j,
          exportPage: async (tenant, cursor) => {
            // The page after the resumed one is the one whose read fails.
            if (cursor !== cursorAfterPage1 && faults.failReadAt === 'next') faults.failReadAt = cursor;
            return j.exportPage(tenant, cursor);
          },
        };
      },
    };
    await expect(runOffboardJob(TENANT, job.jobId, deps2)).rejects.toThrow(/injected/);
    const cursorAfterPage2 = (await getTenant(TENANT))?.offboardCursor;
    expect(cursorsRead).toEqual([cursorAfterPage1, cursorAfterPage2]);
    status = await getOffboardJob(job.jobId);
    expect(status).toMatchObject({ state: 'failed', step: 'export', export: { pages: 2, done: false } });

    // Asked for again (as the operator would): the same job resumes, and this time runs to the end.
    cursorsRead.length = 0;
    const again = await requestOffboarding(TENANT, exportRoot, ctx, deps);
    expect(again.jobId).toBe(job.jobId);
    const finished = await runOffboardJob(TENANT, job.jobId, deps);
    // Never restarted: the export read the start exactly once, in the first run.
    expect(cursorsRead).toEqual([cursorAfterPage2]);
    expect(finished).toMatchObject({ state: 'succeeded', export: { pages: 3, done: true } });
    expect(finished.keyDeletion?.state).toBe('disabled-until-due');

    const tenant = (await getTenant(TENANT))!;
    expect(tenant.status).toBe('offboarded');
    expect(tenant.offboardCursor).toBeUndefined();
    const o = tenant.offboarding!;
    const lines = journalLines(o.export!.location);
    // Exactly what the table holds, each record once.
    expect(lines).toHaveLength(o.countedRecords!);
    expect(o.countedByKind).toEqual({ patient: PATIENTS, 'care-relationship': PATIENTS, 'journal-entry': PATIENTS, 'journal-entry-version': expect.any(Number) as number });
    // A page written twice would repeat its lines exactly.
    expect(new Set(lines.map((l) => JSON.stringify(l))).size).toBe(lines.length);
    expect(new Set(lines.filter((l) => l.kind === 'journal-entry').map((l) => l.id)).size).toBe(PATIENTS);
    expect(lines.filter((l) => l.kind === 'patient')).toHaveLength(PATIENTS);
    const dump = JSON.stringify(lines);
    for (const text of texts) expect(dump).toContain(text);
    const manifest = JSON.parse(readFileSync(join(o.export!.location, 'manifest.json'), 'utf8')) as { journalRecords: number; files: { name: string; sha256: string }[] };
    expect(manifest.journalRecords).toBe(lines.length);
    expect(manifest.files.map((f) => f.name)).toEqual(['journal-00001.ndjson', 'journal-00002.ndjson', 'journal-00003.ndjson', 'registry.json']);
    expect(new LocalKeystore(stack.keystoreDir).hasKey(TENANT)).toBe(false);

    // Every step in the municipality's own log, the failures too, and the export's digest with it.
    const actions = (await auditEvents<{ action: string; outcome: string; details?: Record<string, unknown> }>(TENANT)).filter((e) => e.action.startsWith('tenant.offboard') || e.action.startsWith('tenant.key.schedule'));
    expect(actions.map((e) => `${e.action}:${e.outcome}`)).toEqual([
      'tenant.offboard.start:success',
      'tenant.offboard.export:failure',
      'tenant.offboard.export:failure',
      'tenant.offboard.export:success',
      'tenant.offboard.verify:success',
      'tenant.key.schedule-deletion:success',
      'tenant.offboard.complete:success',
    ]);
    expect(actions[3]?.details).toMatchObject({ records: lines.length, pages: 3, exportDigest: expect.stringMatching(/^[0-9a-f]{64}$/) as string });
  }, 120_000);

  it('runs as Step Functions tasks: a step out of order is refused, a step already done is not run again, unknown jobs are not found', async () => {
    const handler = makeStepHandler(defaultTenantDeps());
    const jobId = (await getOffboardJob((await getTenant(TENANT))!.offboarding!.jobId!)).jobId;
    // Done steps answer with the job's end, doing nothing (a retried task after a lost answer).
    await expect(handler({ action: 'offboard-step', tenant: TENANT, jobId, step: 'export' })).resolves.toMatchObject({ tenant: TENANT, jobId, next: 'done', pages: 3 });
    await expect(handler({ action: 'offboard-step', tenant: TENANT, jobId: `${TENANT}-20260101T000000000Z-abcd`, step: 'verify' })).rejects.toThrow(/finnes ikke/);
    // An infrastructure failure is retried by the state machine; it surfaces as RetryableStepError.
    const broken = makeStepHandler({ ...defaultTenantDeps(), journal: () => Promise.reject(new Error('connection reset')) });
    await stack.call('/ops/v1/tenants', { method: 'POST', as: 'drift', json: { id: '1106', name: 'Haugesund', orgnr: demoOrgnr('1106'), region: 'eu-north-1' } });
    const job = await requestOffboarding('1106', exportRoot, ctx, { ...defaultTenantDeps(), startJob: async () => undefined });
    await expect(broken({ action: 'offboard-step', tenant: '1106', jobId: job.jobId, step: 'export' })).rejects.toBeInstanceOf(RetryableStepError);
    await expect(runOffboardStep('1106', job.jobId, 'verify', defaultTenantDeps())).rejects.toThrow(/før export er ferdig/);
    // The state machine carries the cursor: each export task answers with where the next one starts.
    const handler2 = makeStepHandler({ ...defaultTenantDeps(), journal: () => journalExport(1) });
    const first = await handler2({ action: 'offboard-step', tenant: '1106', jobId: job.jobId, step: 'export' });
    expect(first).toMatchObject({ next: 'verify', pages: 1 });
    expect(await runOffboardJob('1106', job.jobId, defaultTenantDeps())).toMatchObject({ state: 'succeeded', countedRecords: 0 });
  }, 60_000);

  it('answers the operator 202 with the job, which they follow through the API until it succeeds', async () => {
    await stack.call('/ops/v1/tenants', { method: 'POST', as: 'drift', json: { id: '1108', name: 'Sandnes', orgnr: demoOrgnr('1108'), region: 'eu-north-1' } });
    const res = await stack.call('/ops/v1/tenants/1108/offboard', { method: 'POST', as: 'drift', json: { target: exportRoot } });
    expect(res.status).toBe(202);
    const job = await readJson<{ jobId: string }>(res);
    let state = 'running';
    for (let i = 0; i < 600 && state === 'running'; i++) {
      state = (await readJson<{ state: string }>(await stack.call(`/ops/v1/offboarding-jobs/${job.jobId}`, { as: 'drift' }))).state;
      if (state === 'running') await new Promise((r) => setTimeout(r, 50));
    }
    expect(state).toBe('succeeded');
    // Asking again for an offboarded municipality: 200 with the finished job, nothing started.
    const again = await stack.call('/ops/v1/tenants/1108/offboard', { method: 'POST', as: 'drift', json: { target: exportRoot } });
    expect(again.status).toBe(200);
    expect((await readJson<{ jobId: string; state: string }>(again)).jobId).toBe(job.jobId);
    // Not the operator's: a clinician gets 403; an unknown or malformed job id 404 / 400.
    expect((await stack.call(`/ops/v1/offboarding-jobs/${job.jobId}`, { as: 'bergen.admin' })).status).toBe(403);
    expect((await stack.call('/ops/v1/offboarding-jobs/1108-20260101T000000000Z-abcd', { as: 'drift' })).status).toBe(404);
    expect((await stack.call('/ops/v1/offboarding-jobs/nope', { as: 'drift' })).status).toBe(400);
  }, 60_000);
});
