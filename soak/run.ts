import '../local/terminal-env';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { freePort, startDynamoLocal } from '../local/dynamodb-local';
import { seedDemoData } from '../local/seed';
import { startLocalStack, type LocalStack } from '../local/stack';
import { syntheticNationalId } from '../shared/contracts/identifiers';
import { controlKeys } from '../shared/tenancy/control-keys';
import { putUser } from '../shared/tenancy/user-store';
import { jobSession } from '../shared/db/sessions';
import { percentile, summarize, type Sample } from './stats';

/**
 * `npm run soak -- --minutes N [--connections 16]` (issue 20, point 3): hours-like mixed load on
 * the local stack (its own DynamoDB Local, gateway, keystore, demo data): clinicians reading,
 * writing, signing and retrieving across municipalities, citizens reading their record and access
 * log, an auditor listing the log, and a vendor system reading through /v1. Every minute it prints
 * throughput, p99, errors and this Node process's memory (the gateway and every handler run in it;
 * heap measured after a full GC), then verifies every audit chain of the municipalities involved.
 * Exits non-zero on any error, a broken chain, or heap growth of 10 % or more after warm-up.
 */

interface Op {
  name: string;
  weight: number;
  run: () => Promise<Response>;
  /** Statuses that are the right answer (default: 2xx). */
  ok?: (status: number) => boolean;
}

const VENDOR = 'soak-epj';
const SCOPES = ['journal.read', 'journal.write', 'audit.read'];

async function main(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  const { values } = parseArgs({ options: { minutes: { type: 'string', default: '1' }, connections: { type: 'string', default: '16' }, 'sample-seconds': { type: 'string', default: '10' } } });
  const minutes = Number(values.minutes);
  const connections = Number(values.connections);
  const sampleMs = Number(values['sample-seconds']) * 1000;
  if (!(minutes > 0) || !(connections > 0) || !(sampleMs > 0)) throw new Error('--minutes, --connections and --sample-seconds must be positive numbers');
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) console.error('soak: run with node --expose-gc (npm run soak does) for heap figures after a full GC');

  const dynamo = await startDynamoLocal({ port: await freePort() });
  const keystoreDir = mkdtempSync(join(tmpdir(), 'fj-soak-keys-'));
  let stack: LocalStack | undefined;
  try {
    stack = await startLocalStack({ dynamoEndpoint: dynamo.endpoint, stage: 'soak', port: 0, keystoreDir });
    await seedDemoData('eu-north-1');
    const failures = await soak(stack, { minutes, connections, sampleMs, gc });
    process.exitCode = failures ? 1 : 0;
  } finally {
    await stack?.stop();
    await dynamo.stop();
    rmSync(keystoreDir, { recursive: true, force: true });
  }
}

async function soak(stack: LocalStack, opts: { minutes: number; connections: number; sampleMs: number; gc?: () => void }): Promise<number> {
  const tokens = new Map<string, string>();
  const issueTokens = async () => {
    for (const user of ['oslo.lege', 'oslo.sykepleier', 'oslo.admin', 'oslo.revisor', 'bergen.sykepleier', 'bergen.admin', 'bergen.revisor', 'innbygger.ola', 'innbygger.soak']) {
      tokens.set(user, await stack.tokenFor(user));
    }
    tokens.set(VENDOR, (await stack.issuer.issueForClient(VENDOR, SCOPES)).access_token);
  };
  const call = async (path: string, as: string, init: { method?: string; json?: unknown; headers?: Record<string, string>; tenant?: string } = {}) => {
    const res = await fetch(`${stack.url}${path}`, {
      method: init.method ?? 'GET',
      headers: {
        authorization: `Bearer ${tokens.get(as)}`,
        ...(init.json !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(init.tenant ? { 'x-tenant': init.tenant } : {}),
        ...init.headers,
      },
      body: init.json !== undefined ? JSON.stringify(init.json) : undefined,
    });
    return res;
  };
  let keySeq = 0;
  const post = (path: string, as: string, json?: unknown, headers: Record<string, string> = {}) =>
    call(path, as, { method: 'POST', json, headers: { 'idempotency-key': `soak-${Date.now()}-${++keySeq}`, ...headers } });
  const must = async <T>(res: Response, status: number): Promise<T> => {
    if (res.status !== status) throw new Error(`setup: ${res.url} answered ${res.status}: ${await res.text()}`);
    return (await res.json()) as T;
  };

  // Setup: the vendor system with a grant from Oslo, a citizen, and patients known in both
  // municipalities with relationships and a shared document each.
  const control = jobSession('seed', '0301').db;
  await control.put('control', { ...controlKeys.vendor(VENDOR), clientId: VENDOR, name: 'Soak-EPJ', status: 'active' });
  await control.put('control', { ...controlKeys.vendorGrant(VENDOR, '0301'), status: 'active', scopes: SCOPES });
  const citizenNid = syntheticNationalId({ day: 1, month: 2, year: 1955 }, 123);
  await putUser({ id: 'innbygger.soak', name: 'Siri Soak', roles: ['citizen'], pid: citizenNid, status: 'active' });
  await issueTokens();
  const patients: { oslo: string; bergen: string; doc: string; entries: string[] }[] = [];
  for (let i = 0; i < 12; i++) {
    const nid = i === 0 ? citizenNid : syntheticNationalId({ day: 1 + i, month: 2, year: 1955 + i }, 130 + i * 3);
    const person = { nationalId: nid, name: 'Soak Pasient', birthDate: `${1955 + i}-02-${String(1 + i).padStart(2, '0')}`, gender: 'unknown' };
    const oslo = await must<{ id: string }>(await post('/v1/patients', 'oslo.admin', person), 201);
    const bergen = await must<{ id: string }>(await post('/v1/patients', 'bergen.admin', person), 201);
    for (const as of ['oslo.lege', 'oslo.sykepleier']) await must(await post(`/v1/patients/${oslo.id}/relationships`, as, { reasonCode: 'ordinary-care', reason: 'Oppfølging' }), 201);
    await must(await post(`/v1/patients/${bergen.id}/relationships`, 'bergen.sykepleier', { reasonCode: 'ordinary-care', reason: 'Oppfølging' }), 201);
    const draft = await post(`/v1/patients/${bergen.id}/entries`, 'bergen.sykepleier', { type: 'epikrise', title: 'Epikrise', text: 'Delt dokument for soak' });
    const { id: docEntry } = await must<{ id: string }>(draft, 201);
    await must(await post(`/v1/patients/${bergen.id}/entries/${docEntry}/sign`, 'bergen.sykepleier', undefined, { 'if-match': draft.headers.get('etag')! }), 200);
    const note = await must<{ id: string }>(await post(`/v1/patients/${oslo.id}/entries`, 'oslo.lege', { type: 'journalnotat', title: 'Notat', text: 'Første notat' }), 201);
    patients.push({ oslo: oslo.id, bergen: bergen.id, doc: `4601-${docEntry}`, entries: [note.id] });
  }
  const pick = <T>(list: T[]): T => list[Math.floor(Math.random() * list.length)]!;
  const text = 'Soak-notat. '.repeat(150); // ~1.8 KB, like the bench's note bodies

  const ops: Op[] = [
    { name: 'clinician.read', weight: 25, run: () => { const p = pick(patients); return call(`/v1/patients/${p.oslo}/entries/${pick(p.entries)}`, 'oslo.sykepleier'); } },
    { name: 'clinician.timeline', weight: 10, run: () => call(`/v1/patients/${pick(patients).oslo}/timeline?limit=20`, 'oslo.lege') },
    {
      name: 'clinician.write+sign',
      weight: 15,
      run: async () => {
        const p = pick(patients);
        const draft = await post(`/v1/patients/${p.oslo}/entries`, 'oslo.lege', { type: 'journalnotat', title: 'Soak', text });
        if (draft.status !== 201) return draft;
        const { id } = (await draft.json()) as { id: string };
        if (p.entries.length < 200) p.entries.push(id);
        return post(`/v1/patients/${p.oslo}/entries/${id}/sign`, 'oslo.lege', undefined, { 'if-match': draft.headers.get('etag')! });
      },
    },
    { name: 'sharing.retrieve', weight: 15, run: () => call(`/v1/sharing/documents/${pick(patients).doc}`, 'oslo.lege') },
    { name: 'sharing.list', weight: 5, run: () => call(`/v1/sharing/patients/${pick(patients).oslo}/documents`, 'oslo.lege') },
    { name: 'citizen.access-log', weight: 6, run: () => call('/v1/audit/access-log', pick(['innbygger.soak', 'innbygger.ola'])) },
    { name: 'citizen.record', weight: 4, run: () => call('/v1/me/record', 'innbygger.ola') },
    { name: 'auditor.events', weight: 6, run: () => call('/v1/audit/events?limit=50', 'oslo.revisor') },
    { name: 'auditor.review-queue', weight: 2, run: () => call('/v1/audit/review-queue', 'oslo.revisor') },
    { name: 'vendor.patient', weight: 6, run: () => call(`/v1/patients/${pick(patients).oslo}`, VENDOR, { tenant: '0301' }) },
    { name: 'vendor.timeline', weight: 6, run: () => call(`/v1/patients/${pick(patients).oslo}/timeline?limit=10`, VENDOR, { tenant: '0301' }) },
  ];
  const totalWeight = ops.reduce((n, o) => n + o.weight, 0);
  const choose = (): Op => {
    let r = Math.random() * totalWeight;
    for (const op of ops) if ((r -= op.weight) < 0) return op;
    return ops[0]!;
  };

  const samples: Sample[] = [];
  const errors = new Map<string, number>();
  const started = Date.now();
  const endAt = started + opts.minutes * 60_000;
  let lastRefresh = started;
  const worker = async () => {
    while (Date.now() < endAt) {
      const op = choose();
      const t0 = performance.now();
      let status = 0;
      try {
        const res = await op.run();
        status = res.status;
        await res.arrayBuffer();
      } catch {
        status = -1;
      }
      const ms = performance.now() - t0;
      const ok = (op.ok ?? ((s: number) => s >= 200 && s < 300))(status);
      samples.push({ at: Date.now(), op: op.name, ms, ok });
      if (!ok) errors.set(`${op.name} ${status}`, (errors.get(`${op.name} ${status}`) ?? 0) + 1);
    }
  };

  // Memory: this process runs the gateway and every handler; sampled after a full GC when exposed.
  const memory: { at: number; heapMb: number; rssMb: number }[] = [];
  const sampleMemory = () => {
    opts.gc?.();
    const m = process.memoryUsage();
    memory.push({ at: Date.now(), heapMb: m.heapUsed / 2 ** 20, rssMb: m.rss / 2 ** 20 });
  };
  sampleMemory();
  const timer = setInterval(() => {
    sampleMemory();
    const windowStart = Date.now() - opts.sampleMs;
    const recent = samples.filter((s) => s.at >= windowStart);
    const last = memory.at(-1)!;
    console.error(
      `soak: ${((Date.now() - started) / 60_000).toFixed(1)} min  ${(recent.length / (opts.sampleMs / 1000)).toFixed(1)} req/s  p99 ${percentile(recent.map((s) => s.ms), 99).toFixed(0)} ms  errors ${recent.filter((s) => !s.ok).length}  heap ${last.heapMb.toFixed(1)} MB  rss ${last.rssMb.toFixed(0)} MB`,
    );
    // Tokens live an hour: a run longer than that logs in again, as the clients would.
    if (Date.now() - lastRefresh > 30 * 60_000) {
      lastRefresh = Date.now();
      issueTokens().catch((error: unknown) => console.error('soak: token refresh failed', error));
    }
  }, opts.sampleMs);
  try {
    await Promise.all(Array.from({ length: opts.connections }, worker));
  } finally {
    clearInterval(timer);
  }
  sampleMemory();

  // Every audit chain of the municipalities the load touched, verified through the API (tenant-wide, page by page).
  const verified: { tenant: string; streams: number; events: number; broken: number }[] = [];
  for (const [tenant, auditor] of [['0301', 'oslo.revisor'], ['4601', 'bergen.revisor']] as const) {
    const total = { tenant, streams: 0, events: 0, broken: 0 };
    let cursor: string | undefined;
    do {
      const res = await post('/v1/audit/verify', auditor, { maxStreams: 200, ...(cursor ? { cursor } : {}) });
      const body = await must<{ complete: boolean; nextCursor?: string; streamsChecked: number; eventsChecked: number; broken: unknown[] }>(res, 200);
      total.streams += body.streamsChecked;
      total.events += body.eventsChecked;
      total.broken += body.broken.length;
      cursor = body.complete ? undefined : body.nextCursor;
    } while (cursor);
    verified.push(total);
  }

  const report = summarize(samples, memory, started, opts.minutes);
  console.log(`\nSoak: ${opts.minutes} min, ${opts.connections} connections, ${report.requests} requests, ${report.throughput.toFixed(1)} req/s, p50 ${report.p50.toFixed(0)} ms, p99 ${report.p99.toFixed(0)} ms, errors ${report.errors}`);
  console.log('\n| operation | requests | p50 ms | p99 ms | errors |\n|---|---|---|---|---|');
  for (const row of report.byOp) console.log(`| ${row.op} | ${row.requests} | ${row.p50.toFixed(0)} | ${row.p99.toFixed(0)} | ${row.errors} |`);
  console.log('\n| minute | req/s | p99 ms | errors | heap MB (after GC) | rss MB |\n|---|---|---|---|---|---|');
  for (const row of report.byMinute) console.log(`| ${row.minute} | ${row.throughput.toFixed(1)} | ${row.p99.toFixed(0)} | ${row.errors} | ${row.heapMb.toFixed(1)} | ${row.rssMb.toFixed(0)} |`);
  console.log(`\nHeap after warm-up (first ${report.warmupMinutes} min): ${report.heapAfterWarmup.toFixed(1)} MB → ${report.heapAtEnd.toFixed(1)} MB at the end (${report.heapGrowthPct >= 0 ? '+' : ''}${report.heapGrowthPct.toFixed(1)} %)`);
  for (const v of verified) console.log(`Audit verify ${v.tenant}: ${v.streams} streams, ${v.events} events, broken ${v.broken}`);
  if (errors.size > 0) console.log(`Errors: ${JSON.stringify(Object.fromEntries(errors))}`);

  const broken = verified.reduce((n, v) => n + v.broken, 0);
  const grew = report.heapGrowthPct >= 10;
  if (grew) console.log('FAIL: heap grew by 10 % or more after warm-up');
  return report.errors + broken + (grew ? 1 : 0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
