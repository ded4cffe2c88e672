import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { TABLE_ENV } from '../shared/config/env-names';
import type { TableId } from '../shared/db/tables';

/**
 * `npm run ops -- ...`: the operating company's command line. It talks HTTP to a running stack
 * (the local one by default) with an operator token from the local issuer, so it exercises the
 * same operator API (`/ops/v1/...`) an AWS deployment serves.
 */

const USAGE = `Usage: npm run ops -- <command> [options]

  tenants list
  tenants show <kommunenummer>
  tenants create <kommunenummer> --name <name> --orgnr <organisasjonsnummer> [--population <inhabitants>] [--region eu-north-1] [--admin <username>] [--admin-name <name>] [--admin-pid <fødselsnummer>]
                 [--unit <kind>:<name>]... [--retention <category>=<years>|permanent]...
  tenants suspend <kommunenummer> --reason <text>
  tenants resume <kommunenummer> [--reason <text>]
  tenants offboard <kommunenummer> --to <directory> [--wait]     (answers at once with the job; --wait follows it to the end)
  tenants offboard-status <job-id>
  keys destroy-due
  keys policy <kommunenummer> --tenant-role <arn> --export-role <arn> --offboarding-role <arn> [--reader-role <arn>]... [--replica-region <region>]
                 (prints the tenant key policy for these roles, e.g. the DR stack's after a region is lost: restore.md)
  backup export --to <directory> [--tenant <kommunenummer>]      (DynamoDB tables -> NDJSON, for restore; local, --endpoint, or a
                                                                  deployed region's tables named in FJ_TABLE_* from the stack's outputs)
  restore --from <directory> [--tenant <kommunenummer>] [--stage <stage>]   (tables from an export, then every audit chain verified)
  vendors list
  vendors show <client-id>
  vendors register --name <name> --org-number <9 digits> --contact-name <name> --contact-email <email>
                   [--contact-phone <phone>] [--public-key <jwk.json>] [--plan standard]
  vendors rotate-secret <client-id>
  vendors disable <client-id> --reason <text>
  vendors enable <client-id>

Options: --url <base url> (default $FJ_URL or http://127.0.0.1:3000), --user <operator login> (default drift),
         --json (print the API's JSON instead of tables)`;

const OPTIONS = {
  url: { type: 'string' },
  user: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  name: { type: 'string' },
  orgnr: { type: 'string' },
  population: { type: 'string' },
  region: { type: 'string' },
  admin: { type: 'string' },
  'admin-name': { type: 'string' },
  'admin-pid': { type: 'string' },
  unit: { type: 'string', multiple: true },
  retention: { type: 'string', multiple: true },
  reason: { type: 'string' },
  to: { type: 'string' },
  wait: { type: 'boolean' },
  from: { type: 'string' },
  tenant: { type: 'string' },
  stage: { type: 'string' },
  endpoint: { type: 'string' },
  'org-number': { type: 'string' },
  'contact-name': { type: 'string' },
  'contact-email': { type: 'string' },
  'contact-phone': { type: 'string' },
  'public-key': { type: 'string' },
  plan: { type: 'string' },
  'tenant-role': { type: 'string' },
  'export-role': { type: 'string' },
  'offboarding-role': { type: 'string' },
  'reader-role': { type: 'string', multiple: true },
  'replica-region': { type: 'string' },
} as const satisfies ParseArgsConfig['options'];

type Values = { [K in keyof typeof OPTIONS]?: (typeof OPTIONS)[K] extends { multiple: true } ? string[] : (typeof OPTIONS)[K]['type'] extends 'boolean' ? boolean : string };

/** A usage mistake: printed with a pointer to the help, exit code 2. */
export class UsageError extends Error {}

/** The API said no: printed as one line, exit code 1. */
export class ApiError extends Error {}

// ---------------------------------------------------------------- output

/** A plain-text table: a header, a rule, one row per item, columns padded to the widest cell. */
export function formatTable(columns: string[], rows: (string | number | undefined)[][]): string {
  const cells = rows.map((r) => columns.map((_, i) => String(r[i] ?? '-')));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((v, i) => (i === r.length - 1 ? v : v.padEnd(widths[i] ?? 0))).join('  ').trimEnd();
  if (rows.length === 0) return `${line(columns)}\n(none)`;
  return [line(columns), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

function formatFields(fields: [string, unknown][]): string {
  const shown = fields.filter(([, v]) => v !== undefined && v !== '');
  const width = Math.max(...shown.map(([k]) => k.length));
  return shown.map(([k, v]) => `${`${k}:`.padEnd(width + 2)}${String(v)}`).join('\n');
}

/** One line for a problem+json answer: title, status, detail and each bad field. */
export function problemLine(status: number, body: unknown): string {
  const p = (body ?? {}) as { title?: string; detail?: string; errors?: { field: string; message: string }[] };
  const fields = p.errors?.length ? ` [${p.errors.map((e) => `${e.field}: ${e.message}`).join('; ')}]` : '';
  return `${p.title ?? 'Feil'} (HTTP ${status})${p.detail ? `: ${p.detail}` : ''}${fields}`;
}

type Steps = Record<string, { state: string; at?: string; error?: string }>;

interface Tenant {
  id: string;
  name: string;
  orgnr?: string;
  population?: number;
  tier?: string;
  region: string;
  status: string;
  statusReason?: string;
  keyRef?: string;
  adminUserId?: string;
  units: { id: string; name: string; kind: string; status?: string }[];
  settings: { retention: Record<string, number | string> };
  provisioning?: { steps: Steps; failedStep?: string };
  offboarding?: {
    target: string;
    steps: Steps;
    failedStep?: string;
    export?: { location: string; records: number };
    countedRecords?: number;
    countedByKind?: Record<string, number>;
    keyDeletion?: { state: string; deleteAfter: string; kmsDeletionDate?: string };
  };
  createdAt?: string;
  createdBy?: string;
  changedAt?: string;
  changedBy?: string;
}

function stepsLine(steps: Steps): string {
  return Object.entries(steps)
    .map(([name, s]) => `${name}=${s.state}`)
    .join(' ');
}

function showTenant(t: Tenant): string {
  const parts = [
    formatFields([
      ['Kommune', `${t.id} ${t.name}`],
      ['Orgnr', t.orgnr],
      ['Tier', t.tier ? `${t.tier}${t.population ? ` (${t.population} inhabitants)` : ''}` : undefined],
      ['Status', `${t.status}${t.statusReason ? ` (${t.statusReason})` : ''}`],
      ['Region', t.region],
      ['Key', t.keyRef],
      ['First admin', t.adminUserId],
      ['Retention', Object.entries(t.settings.retention).map(([k, v]) => `${k}=${v}`).join(', ')],
      ['Created', t.createdAt ? `${t.createdAt} by ${t.createdBy ?? '?'}` : undefined],
      ['Changed', t.changedAt ? `${t.changedAt} by ${t.changedBy ?? '?'}` : undefined],
      ['Provisioning', t.provisioning ? stepsLine(t.provisioning.steps) : undefined],
      ['Failed step', t.provisioning?.failedStep ? `${t.provisioning.failedStep}: ${t.provisioning.steps[t.provisioning.failedStep]?.error ?? ''}` : undefined],
      ['Offboarding', t.offboarding ? stepsLine(t.offboarding.steps) : undefined],
      ['Export', t.offboarding?.export ? `${t.offboarding.export.records} records -> ${t.offboarding.export.location}` : undefined],
      ['Counted', t.offboarding?.countedRecords],
      ['By kind', t.offboarding?.countedByKind ? Object.entries(t.offboarding.countedByKind).map(([k, n]) => `${k}=${n}`).join(', ') : undefined],
      ['Key deletion', t.offboarding?.keyDeletion ? `${t.offboarding.keyDeletion.state}, destroy after ${t.offboarding.keyDeletion.deleteAfter.slice(0, 10)}` : undefined],
      ['Offboard error', t.offboarding?.failedStep ? `${t.offboarding.failedStep}: ${t.offboarding.steps[t.offboarding.failedStep]?.error ?? ''}` : undefined],
    ]),
    '',
    'Units:',
    formatTable(['ID', 'NAME', 'KIND', 'STATUS'], t.units.map((u) => [u.id, u.name, u.kind, u.status ?? 'active'])),
  ];
  return parts.join('\n');
}

interface Vendor {
  clientId: string;
  name: string;
  orgNumber: string;
  contact: { name: string; email: string; phone?: string };
  status: string;
  apiKeyId: string;
  plan?: string;
  usagePlanId?: string;
  hasPublicKey: boolean;
  secretCreatedAt: string;
  createdAt: string;
  grants?: { tenant: string; status: string; scopes: string[]; grantedBy: string; grantedAt: string }[];
}

function showVendor(v: Vendor): string {
  return [
    formatFields([
      ['Client id', v.clientId],
      ['Name', v.name],
      ['Org. number', v.orgNumber],
      ['Contact', `${v.contact.name} <${v.contact.email}>${v.contact.phone ? ` ${v.contact.phone}` : ''}`],
      ['Status', v.status],
      ['API key id', v.apiKeyId],
      ['Usage plan', v.plan ? `${v.plan} (${v.usagePlanId ?? '-'})` : v.usagePlanId],
      ['Public key', v.hasPublicKey ? 'registered' : 'none'],
      ['Secret set', v.secretCreatedAt],
      ['Registered', v.createdAt],
    ]),
    '',
    'Grants:',
    formatTable(['KOMMUNE', 'STATUS', 'SCOPES', 'BY', 'AT'], (v.grants ?? []).map((g) => [g.tenant, g.status, g.scopes.join(' '), g.grantedBy, g.grantedAt])),
  ].join('\n');
}

function showSecret(out: { clientId: string; clientSecret: string; apiKey?: string; vendor: Vendor }, url: string): string {
  return [
    showVendor(out.vendor),
    '',
    'Credentials (shown once; only a hash of the secret is kept):',
    formatFields([
      ['client_id', out.clientId],
      ['client_secret', out.clientSecret],
      ['x-api-key', out.apiKey],
      ['token endpoint', `${url}/local-auth/token (grant_type=client_credentials)`],
    ]),
  ].join('\n');
}

interface OffboardJob {
  jobId: string;
  tenant: string;
  state: 'running' | 'failed' | 'succeeded';
  step?: string;
  steps: Steps;
  error?: string;
  target: string;
  requestedAt: string;
  requestedBy: string;
  export?: { location: string; pages: number; records: number; done: boolean };
  countedRecords?: number;
  keyDeletion?: { state: string; deleteAfter: string };
}

function showJob(j: OffboardJob): string {
  return formatFields([
    ['Job', j.jobId],
    ['Kommune', j.tenant],
    ['State', `${j.state}${j.step ? ` (${j.state === 'failed' ? 'failed at' : 'next'}: ${j.step})` : ''}`],
    ['Steps', stepsLine(j.steps)],
    ['Export', j.export ? `${j.export.pages} pages, ${j.export.records} records${j.export.done ? '' : ' so far'} -> ${j.export.location}` : undefined],
    ['Counted', j.countedRecords],
    ['Key deletion', j.keyDeletion ? `${j.keyDeletion.state}, destroy after ${j.keyDeletion.deleteAfter.slice(0, 10)}` : undefined],
    ['Error', j.error],
    ['Requested', `${j.requestedAt} by ${j.requestedBy}`],
  ]);
}

/** Polls a job until it stops running (the local runner works in the stack's process; Step Functions in AWS). */
async function followJob(api: Api, job: OffboardJob): Promise<OffboardJob> {
  let current = job;
  while (current.state === 'running') {
    await new Promise((r) => setTimeout(r, 200));
    ({ body: current } = await api.call<OffboardJob>('GET', `/ops/v1/offboarding-jobs/${encodeURIComponent(job.jobId)}`));
  }
  return current;
}

/**
 * Which DynamoDB the DR commands work on: the local stack's by default. A deployed region's tables
 * have names CloudFormation chose: set FJ_TABLE_JOURNAL, FJ_TABLE_AUDIT, FJ_TABLE_CONTROL and
 * FJ_TABLE_SHARING from the region stack's outputs (docs/operations/restore.md) and the commands
 * work on those, through the SDK's default endpoint unless --endpoint is given.
 */
export function drTarget(v: { endpoint?: string; stage?: string }, env: Record<string, string | undefined>): { endpoint?: string; stage: string; tables?: Record<TableId, string> } {
  const stage = v.stage ?? env.FJ_STAGE ?? 'local';
  const given = Object.entries(TABLE_ENV).filter(([, name]) => env[name]);
  if (given.length > 0) {
    const missing = Object.values(TABLE_ENV).filter((name) => !env[name]);
    if (missing.length > 0) throw new ApiError(`set all four table names from the stack's outputs (missing ${missing.join(', ')})`);
    const tables = Object.fromEntries(given.map(([id, name]) => [id, env[name]!])) as Record<TableId, string>;
    const endpoint = v.endpoint ?? env.AWS_ENDPOINT_URL_DYNAMODB;
    return { ...(endpoint ? { endpoint } : {}), stage, tables };
  }
  const endpoint = v.endpoint ?? env.AWS_ENDPOINT_URL_DYNAMODB ?? 'http://127.0.0.1:8765';
  return { endpoint, stage };
}

// ---------------------------------------------------------------- HTTP

class Api {
  private token: string | undefined;

  constructor(
    readonly url: string,
    private readonly user: string,
  ) {}

  private async fetch(path: string, init: RequestInit): Promise<Response> {
    try {
      return await fetch(`${this.url}${path}`, init);
    } catch {
      throw new ApiError(`cannot reach Fellesjournal at ${this.url} (is it running? start it with npm start, or pass --url)`);
    }
  }

  private async login(): Promise<string> {
    if (this.token) return this.token;
    const res = await this.fetch('/local-auth/token', { method: 'POST', body: new URLSearchParams({ grant_type: 'urn:fellesjournal:demo-login', username: this.user }) });
    const body = (await res.json().catch(() => ({}))) as { access_token?: string; error_description?: string };
    if (!res.ok || !body.access_token) throw new ApiError(`could not log in as ${this.user}: ${body.error_description ?? `HTTP ${res.status}`}`);
    this.token = body.access_token;
    return this.token;
  }

  async call<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
    const token = await this.login();
    const res = await this.fetch(path, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    let parsed: unknown = undefined;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = { title: 'Ugyldig svar', detail: text.slice(0, 200) };
    }
    if (!res.ok) throw new ApiError(problemLine(res.status, parsed));
    return { status: res.status, body: parsed as T };
  }
}

// ---------------------------------------------------------------- commands

function need(value: string | undefined, what: string): string {
  if (!value) throw new UsageError(`missing ${what}`);
  return value;
}

function parseUnits(specs: string[] = []): { name: string; kind: string }[] {
  return specs.map((spec) => {
    const at = spec.indexOf(':');
    if (at < 1) throw new UsageError(`--unit must be <kind>:<name>, got "${spec}"`);
    return { kind: spec.slice(0, at).trim(), name: spec.slice(at + 1).trim() };
  });
}

function parseRetention(specs: string[] = []): Record<string, number | 'permanent'> {
  return Object.fromEntries(
    specs.map((spec) => {
      const [category, value] = spec.split('=');
      if (!category || !value) throw new UsageError(`--retention must be <category>=<years>|permanent, got "${spec}"`);
      return [category, value === 'permanent' ? 'permanent' : Number(value)];
    }),
  );
}

/** Runs one command; returns what to print. */
export async function run(argv: string[], env: Record<string, string | undefined> = process.env): Promise<string> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message.split('\n')[0] ?? 'bad arguments');
  }
  const v = parsed.values as Values;
  const [group, command, id, ...extra] = parsed.positionals;
  if (v.help || !group || group === 'help') return USAGE;
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
  const url = (v.url ?? env.FJ_URL ?? 'http://127.0.0.1:3000').replace(/\/+$/, '');
  const api = new Api(url, v.user ?? 'drift');
  const asJson = (value: unknown) => JSON.stringify(value, null, 2);
  const key = `${group} ${command ?? ''}`.trim();

  switch (key) {
    case 'tenants list': {
      const { body } = await api.call<{ items: Tenant[] }>('GET', '/ops/v1/tenants');
      if (v.json) return asJson(body);
      return formatTable(
        ['KOMMUNE', 'NAME', 'REGION', 'STATUS', 'UNITS', 'KEY', 'CHANGED'],
        body.items.map((t) => [t.id, t.name, t.region, t.status, t.units.length, t.keyRef, (t.changedAt ?? t.createdAt)?.slice(0, 19)]),
      );
    }
    case 'tenants show': {
      const { body } = await api.call<Tenant>('GET', `/ops/v1/tenants/${encodeURIComponent(need(id, 'kommunenummer'))}`);
      return v.json ? asJson(body) : showTenant(body);
    }
    case 'tenants create': {
      const tenantId = need(id, 'kommunenummer');
      const request = {
        id: tenantId,
        name: need(v.name, '--name'),
        orgnr: need(v.orgnr, '--orgnr'),
        // A number that is not one is sent as it is, so the API's 400 names the field.
        ...(v.population ? { population: /^\d+$/.test(v.population) ? Number(v.population) : v.population } : {}),
        region: v.region ?? 'eu-north-1',
        ...(v.admin ? { admin: { id: v.admin, name: v['admin-name'] ?? `Administrator ${v.name}`, ...(v['admin-pid'] ? { pid: v['admin-pid'] } : {}) } } : {}),
        units: parseUnits(v.unit),
        ...(v.retention ? { settings: { retention: parseRetention(v.retention) } } : {}),
      };
      let out;
      try {
        out = await api.call<{ outcome: string; tenant: Tenant }>('POST', '/ops/v1/tenants', request);
      } catch (error) {
        if (error instanceof ApiError && /HTTP 5\d\d/.test(error.message)) {
          throw new ApiError(`${error.message} -- provisioning stopped; see "tenants show ${tenantId}", then run the same create again to resume`);
        }
        throw error;
      }
      if (v.json) return asJson(out.body);
      const verb = { created: 'Created', resumed: 'Resumed and finished', unchanged: 'Already exists, unchanged:' }[out.body.outcome] ?? out.body.outcome;
      return `${verb} ${out.body.tenant.id} ${out.body.tenant.name} (first admin: ${out.body.tenant.adminUserId ?? '-'})\n\n${showTenant(out.body.tenant)}`;
    }
    case 'tenants suspend': {
      const { body } = await api.call<Tenant>('POST', `/ops/v1/tenants/${encodeURIComponent(need(id, 'kommunenummer'))}/suspend`, { reason: need(v.reason, '--reason') });
      return v.json ? asJson(body) : `Suspended ${body.id} ${body.name}: every request for it now gets 403.`;
    }
    case 'tenants resume': {
      const { body } = await api.call<Tenant>('POST', `/ops/v1/tenants/${encodeURIComponent(need(id, 'kommunenummer'))}/resume`, v.reason ? { reason: v.reason } : {});
      return v.json ? asJson(body) : `Resumed ${body.id} ${body.name}: status ${body.status}.`;
    }
    case 'tenants offboard': {
      const target = need(v.to, '--to <directory>');
      // The local stack runs on this machine: a relative directory means relative to here.
      const absolute = target.startsWith('s3://') ? target : resolve(target);
      const tenantId = need(id, 'kommunenummer');
      let job: OffboardJob;
      try {
        ({ body: job } = await api.call<OffboardJob>('POST', `/ops/v1/tenants/${encodeURIComponent(tenantId)}/offboard`, { target: absolute }));
      } catch (error) {
        if (error instanceof ApiError && /HTTP (5\d\d|409)/.test(error.message)) {
          throw new ApiError(`${error.message} -- see "tenants show ${tenantId}"; run the same offboard again to resume`);
        }
        throw error;
      }
      if (v.wait) job = await followJob(api, job);
      if (v.json) return asJson(job);
      if (job.state === 'failed') throw new ApiError(`offboarding job ${job.jobId} failed at ${job.step ?? '?'}: ${job.error ?? ''} -- run the same offboard again to resume it`);
      if (job.state === 'running') return `Offboarding ${tenantId} started: job ${job.jobId}\nFollow it with: npm run ops -- tenants offboard-status ${job.jobId}\n\n${showJob(job)}`;
      const { body } = await api.call<Tenant>('GET', `/ops/v1/tenants/${encodeURIComponent(tenantId)}`);
      return `Offboarded ${body.id} ${body.name}.\n\n${showTenant(body)}`;
    }
    case 'tenants offboard-status': {
      const { body } = await api.call<OffboardJob>('GET', `/ops/v1/offboarding-jobs/${encodeURIComponent(need(id, 'job id'))}`);
      return v.json ? asJson(body) : showJob(body);
    }
    case 'backup export': {
      const { exportTables } = await import('./dr-tool');
      const out = await exportTables({ dir: resolve(need(v.to, '--to <directory>')), ...(v.tenant ? { tenant: v.tenant } : {}), ...drTarget(v, env) });
      return v.json ? asJson(out) : formatTable(['TABLE', 'ITEMS'], out.tables.map((t) => [t.table, t.items])) + `\n\nWritten to ${out.dir}`;
    }
    case 'restore': {
      const { restoreTables } = await import('./dr-tool');
      const out = await restoreTables({ dir: resolve(need(v.from, '--from <directory>')), ...(v.tenant ? { tenant: v.tenant } : {}), ...drTarget(v, env) });
      if (v.json) return asJson(out);
      const lines = [formatTable(['TABLE', 'ITEMS RESTORED'], out.tables.map((t) => [t.table, t.items])), '', `Audit chains verified: ${out.chains.checked} streams, ${out.chains.events} events, ${out.chains.broken.length} broken`];
      if (out.chains.broken.length > 0) throw new ApiError(`${lines.join('\n')}\nbroken: ${out.chains.broken.map((b) => `${b.stream}@${b.seq} ${b.reason}`).join(', ')}`);
      return lines.join('\n');
    }
    case 'keys policy': {
      // Offline: the same pure function the control plane writes every tenant key's policy with.
      const { tenantKeyPolicy } = await import('../shared/crypto/key-policy');
      const roles = { tenantRoleArn: need(v['tenant-role'], '--tenant-role'), exportRoleArn: need(v['export-role'], '--export-role'), offboardingRoleArn: need(v['offboarding-role'], '--offboarding-role'), readerRoleArns: v['reader-role'] ?? [] };
      try {
        return asJson(tenantKeyPolicy(need(id, 'kommunenummer'), roles, v['replica-region'] ? { replicaRegion: v['replica-region'] } : {}));
      } catch (error) {
        throw new UsageError((error as Error).message);
      }
    }
    case 'keys destroy-due': {
      const { body } = await api.call<{ items: { tenant: string; state: string }[] }>('POST', '/ops/v1/key-deletions/run');
      return v.json ? asJson(body) : formatTable(['KOMMUNE', 'KEY STATE'], body.items.map((i) => [i.tenant, i.state]));
    }
    case 'vendors list': {
      const { body } = await api.call<{ items: Vendor[] }>('GET', '/ops/v1/vendors');
      if (v.json) return asJson(body);
      return formatTable(['CLIENT ID', 'NAME', 'ORG NO', 'STATUS', 'CONTACT', 'REGISTERED'], body.items.map((x) => [x.clientId, x.name, x.orgNumber, x.status, x.contact.email, x.createdAt.slice(0, 10)]));
    }
    case 'vendors show': {
      const { body } = await api.call<Vendor>('GET', `/ops/v1/vendors/${encodeURIComponent(need(id, 'client id'))}`);
      return v.json ? asJson(body) : showVendor(body);
    }
    case 'vendors register': {
      if (id) throw new UsageError(`unexpected argument "${id}"`);
      let publicKeyJwk: unknown;
      if (v['public-key']) {
        try {
          publicKeyJwk = JSON.parse(readFileSync(v['public-key'], 'utf8'));
        } catch (error) {
          throw new UsageError(`cannot read the public key ${v['public-key']}: ${(error as Error).message}`);
        }
      }
      const request = {
        name: need(v.name, '--name'),
        orgNumber: need(v['org-number'], '--org-number'),
        contact: { name: need(v['contact-name'], '--contact-name'), email: need(v['contact-email'], '--contact-email'), ...(v['contact-phone'] ? { phone: v['contact-phone'] } : {}) },
        ...(publicKeyJwk ? { publicKeyJwk } : {}),
        ...(v.plan ? { plan: v.plan } : {}),
      };
      const { body } = await api.call<{ clientId: string; clientSecret: string; apiKey: string; vendor: Vendor }>('POST', '/ops/v1/vendors', request);
      return v.json ? asJson(body) : `Registered ${body.vendor.name}.\n\n${showSecret(body, url)}`;
    }
    case 'vendors rotate-secret': {
      const { body } = await api.call<{ clientId: string; clientSecret: string; vendor: Vendor }>('POST', `/ops/v1/vendors/${encodeURIComponent(need(id, 'client id'))}/secret`);
      return v.json ? asJson(body) : `New secret for ${body.vendor.name}; the old one no longer works.\n\n${showSecret(body, url)}`;
    }
    case 'vendors disable': {
      const { body } = await api.call<Vendor>('POST', `/ops/v1/vendors/${encodeURIComponent(need(id, 'client id'))}/disable`, { reason: need(v.reason, '--reason') });
      return v.json ? asJson(body) : `Disabled ${body.clientId} ${body.name}: its tokens are refused everywhere from the next request.`;
    }
    case 'vendors enable': {
      const { body } = await api.call<Vendor>('POST', `/ops/v1/vendors/${encodeURIComponent(need(id, 'client id'))}/enable`);
      return v.json ? asJson(body) : `Enabled ${body.clientId} ${body.name}.`;
    }
    default:
      throw new UsageError(`unknown command "${key}"`);
  }
}

async function main(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  try {
    console.log(await run(process.argv.slice(2)));
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`ops: ${error.message} (see npm run ops -- help)`);
      process.exitCode = 2;
    } else if (error instanceof ApiError) {
      console.error(`ops: ${error.message}`);
      process.exitCode = 1;
    } else {
      console.error(`ops: ${error instanceof Error ? error.message : String(error)}`);
      process.exitCode = 1;
    }
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) void main();
