import { jobSession } from '../../shared/db/sessions';
import { createHash, randomBytes } from 'node:crypto';
import type { Caller } from '../../shared/auth/caller';
import {
  DEFAULT_RETENTION,
  OFFBOARD_STEPS,
  PROVISION_STEPS,
  RECORD_CATEGORIES,
  offboardJobSchema,
  tenantSchema,
  type CreateTenantBody,
  type ExportFile,
  type ExportRun,
  type OffboardJob,
  type ProvisionStep,
  type OffboardStep,
  type RetentionValue,
  type StepState,
  type TenantView,
} from '../../shared/contracts/tenants';
import type { KeyDeletionState, TenantKeyAdmin } from '../../shared/crypto/key-admin';
import type { UsageKeyAdmin } from '../../shared/auth/usage-key-admin';
import { tierForPopulation } from '../../shared/auth/usage-plans';
import { ConflictError, DomainError, NotFoundError, ValidationError } from '../../shared/errors';
import { logger } from '../../shared/observability';
import { getUser, listTenantUsers, pidIndexWrite, userItem } from '../../shared/tenancy/user-store';
import type { UserProfile } from '../../shared/tenancy/user-profile';
import { commitAudited, type ConditionErrors } from '../core/commit';
import { actEvent, type AuditEventInput, type AuditOutcome } from '../core/audit-event';
import type { OpenExport } from './export-writer';
import { tallyDifferences, tallyOf, type JournalExportSource } from './journal-source';
import { applied, getTenant, listTenants, putNewTenant, putOrgnrIndex, tenantOfOrgnr, unitIdFor, updateTenant, type TenantRecord } from '../../shared/tenancy/tenant-store';

/** Who acts, for the audit log. */
export interface ActorContext {
  caller: Caller;
  requestId: string;
}

export interface TenantServiceDeps {
  keyAdmin: TenantKeyAdmin;
  /** Makes the municipality's usage bucket (API key in its tier's usage plan). */
  usageKeys: UsageKeyAdmin;
  /** The journal's export functions (loaded when offboarding needs them). */
  journal: () => Promise<JournalExportSource>;
  openExport: OpenExport;
  now: () => Date;
  /** Starts the offboarding workflow of a job (Step Functions in AWS, the in-process runner locally). */
  startJob: (job: { tenant: string; jobId: string }) => Promise<void>;
  /** Runs before each provisioning or offboarding step; a throw fails that step (fault injection in tests). */
  beforeStep?: (step: ProvisionStep | OffboardStep, tenant: string) => void | Promise<void>;
}

type Steps = Record<string, StepState>;
type Provisioning = { steps: Steps; failedStep?: string; admin?: { id: string; name: string; pid?: string } };
type Offboarding = NonNullable<TenantView['offboarding']>;

/** Another create of the same tenant committed first (its registry item's condition failed). */
class CreateRaceLost extends Error {}

const done = (at: string): StepState => ({ state: 'done', at });
const pending = (): StepState => ({ state: 'pending' });

/** The registry record as the operator API shows it (no internal bookkeeping). */
export function tenantView(record: TenantRecord): TenantView {
  const view = tenantSchema.parse(record);
  // DynamoDB keeps no order in maps: show steps and categories in their fixed order.
  if (view.provisioning) view.provisioning.steps = ordered(view.provisioning.steps, PROVISION_STEPS);
  if (view.offboarding) view.offboarding.steps = ordered(view.offboarding.steps, OFFBOARD_STEPS);
  view.settings.retention = ordered(view.settings.retention, RECORD_CATEGORIES);
  return view;
}

function ordered<V>(map: Partial<Record<string, V>>, order: readonly string[]): Record<string, V> {
  const keys = [...order.filter((k) => k in map), ...Object.keys(map).filter((k) => !order.includes(k))];
  return Object.fromEntries(keys.map((k) => [k, map[k] as V]));
}

/** An operator's act on a municipality, in that municipality's log. */
function operatorEvent(tenant: string, action: string, ctx: ActorContext, outcome: AuditOutcome = 'success', details?: Record<string, string | number | boolean>): AuditEventInput {
  return actEvent(ctx, tenant, action, 'OPERATE', { outcome, details });
}

/** A short, internals-free description of a failure, for the registry and the audit log. */
function describeFailure(error: unknown): string {
  if (error instanceof DomainError) return error.detail.slice(0, 300);
  if (error instanceof Error) return `${error.name}: ${error.message}`.slice(0, 300);
  return 'Ukjent feil';
}

/** The tenant's registry item moved between read and write: nothing was written; a retry may succeed. */
export class ConcurrentChangeError extends ConflictError {}

/**
 * Writes a change to a tenant with its audit events in one transaction and returns the record as
 * it now is. A concurrent change (the version moved) is a ConflictError: nothing was written.
 */
async function commitTenantChange(
  current: TenantRecord,
  changes: Record<string, unknown>,
  events: AuditEventInput[],
  extra: Parameters<typeof commitAudited>[1] = () => [],
  extraConflicts: ConditionErrors = [],
): Promise<TenantRecord> {
  const changed = () => new ConcurrentChangeError(`Kommunen ${current.id} ble endret samtidig av noen andre; prøv igjen.`);
  await commitAudited(jobSession('operator', current.id).db, async () => [updateTenant(current, changes), ...(await extra())], events, [changed, ...extraConflicts]);
  return applied(current, changes);
}

function changedBy(ctx: ActorContext, now: Date) {
  return { changedAt: now.toISOString(), changedBy: ctx.caller.sub };
}

async function mustGet(id: string): Promise<TenantRecord> {
  const record = await getTenant(id);
  if (!record) throw new NotFoundError(`Kommune ${id} finnes ikke i registeret.`);
  return record;
}

export async function getTenantView(id: string): Promise<TenantView> {
  return tenantView(await mustGet(id));
}

export async function listTenantViews(): Promise<TenantView[]> {
  return (await listTenants()).map(tenantView).sort((a, b) => a.id.localeCompare(b.id));
}


// ---------------------------------------------------------------- provisioning

const PROVISION_ORDER: ProvisionStep[] = ['key', 'usage', 'admin', 'activate'];

/**
 * Registers a municipality and brings it to `active`: registry entry (with units and settings),
 * its master key, its first tenant admin, activation. Every step is recorded on the tenant item
 * while it is `provisioning`; calling create again resumes the steps not yet done, so a failure
 * halfway never leaves a half-made tenant behind, and a finished tenant is left unchanged.
 */
export async function createTenant(body: CreateTenantBody, ctx: ActorContext, deps: TenantServiceDeps): Promise<{ outcome: 'created' | 'resumed' | 'unchanged'; tenant: TenantView }> {
  const existing = await getTenant(body.id);
  if (existing) {
    if (existing.name !== body.name || existing.region !== body.region) {
      throw new ConflictError(`Kommune ${body.id} finnes allerede som «${existing.name}» i ${existing.region}.`);
    }
    if (existing.orgnr !== undefined && existing.orgnr !== body.orgnr) {
      throw new ConflictError(`Kommune ${body.id} er registrert med organisasjonsnummer ${existing.orgnr}.`, { field: 'body.orgnr' });
    }
    if (existing.status === 'provisioning') {
      return { outcome: 'resumed', tenant: tenantView(await provision(existing, body.admin, ctx, deps)) };
    }
    if (existing.status === 'offboarding' || existing.status === 'offboarded') {
      throw new ConflictError(`Kommune ${body.id} er avviklet (${existing.status}) og kan ikke opprettes på nytt.`);
    }
    return { outcome: 'unchanged', tenant: tenantView(existing) };
  }

  const admin = body.admin ?? { id: `admin.${body.id}`, name: `Administrator ${body.name}` };
  await assertUsernameFree(admin.id, body.id);
  await assertOrgnrFree(body.orgnr, body.id);
  const units = body.units.map((u) => ({ id: u.id ?? unitIdFor(body.id, u.name), name: u.name, kind: u.kind, status: 'active' as const }));
  const seen = new Set<string>();
  for (const [i, u] of units.entries()) {
    if (seen.has(u.id)) throw new ValidationError('To enheter har samme id.', [{ field: `body.units.${i}.id`, message: `Enhets-id ${u.id} er brukt før` }]);
    seen.add(u.id);
  }
  const now = deps.now();
  const record: TenantRecord = {
    id: body.id,
    name: body.name,
    orgnr: body.orgnr,
    ...(body.population ? { population: body.population } : {}),
    tier: tierForPopulation(body.population),
    region: body.region,
    status: 'provisioning',
    units,
    settings: { retention: { ...DEFAULT_RETENTION, ...body.settings?.retention } },
    provisioning: { steps: { registry: done(now.toISOString()), key: pending(), usage: pending(), admin: pending(), activate: pending() }, admin },
    createdAt: now.toISOString(),
    createdBy: ctx.caller.sub,
    ...changedBy(ctx, now),
  };
  try {
    const events = [operatorEvent(body.id, 'tenant.create', ctx, 'success', { name: body.name, orgnr: body.orgnr, region: body.region, units: units.length })];
    // The tenant and its orgnr index entry together: an orgnr names at most one tenant.
    await commitAudited(jobSession('operator', body.id).db, () => [putNewTenant(record), putOrgnrIndex(body.orgnr, body.id)], events, [() => new CreateRaceLost(), orgnrTaken]);
  } catch (error) {
    // Another create of the same tenant won the race: continue as a retry of it.
    if (error instanceof CreateRaceLost) return createTenant(body, ctx, deps);
    throw error;
  }
  return { outcome: 'created', tenant: tenantView(await provision({ ...record, version: 1 }, body.admin, ctx, deps)) };
}

async function assertUsernameFree(username: string, tenant: string): Promise<void> {
  const user = await getUser(username);
  if (user && user.tenant !== tenant) {
    throw new ConflictError(`Brukernavnet ${username} er allerede i bruk.`, { field: 'body.admin.id' });
  }
}

function orgnrTaken(): ConflictError {
  return new ConflictError('Organisasjonsnummeret er allerede registrert på en annen kommune.', { field: 'body.orgnr' });
}

async function assertOrgnrFree(orgnr: string, tenant: string): Promise<void> {
  const holder = await tenantOfOrgnr(orgnr);
  if (holder !== undefined && holder !== tenant) throw orgnrTaken();
}

function provisioningOf(record: TenantRecord): Provisioning {
  return record.provisioning ?? { steps: {} };
}

async function provision(record: TenantRecord, adminOverride: { id: string; name: string; pid?: string } | undefined, ctx: ActorContext, deps: TenantServiceDeps): Promise<TenantRecord> {
  let current = record;
  // A retry may name another first admin as long as that step has not been done.
  if (adminOverride && provisioningOf(current).steps.admin?.state !== 'done') {
    const p = provisioningOf(current);
    if (p.admin?.id !== adminOverride.id || p.admin.name !== adminOverride.name || p.admin.pid !== adminOverride.pid) {
      await assertUsernameFree(adminOverride.id, current.id);
      current = await commitTenantChange(current, { provisioning: { ...p, admin: adminOverride } }, []);
    }
  }
  for (const step of PROVISION_ORDER) {
    if (provisioningOf(current).steps[step]?.state === 'done') continue;
    try {
      await deps.beforeStep?.(step, current.id);
      current = await PROVISION_RUNNERS[step](current, ctx, deps);
    } catch (error) {
      await recordProvisionFailure(current.id, step, error, ctx, deps);
      throw error;
    }
  }
  return current;
}

function withStep(p: Provisioning, step: string, state: StepState): Provisioning {
  const next: Provisioning = { ...p, steps: { ...p.steps, [step]: state } };
  if (state.state === 'done' && next.failedStep === step) delete next.failedStep;
  return next;
}

const PROVISION_RUNNERS: Record<ProvisionStep, (current: TenantRecord, ctx: ActorContext, deps: TenantServiceDeps) => Promise<TenantRecord>> = {
  registry: async (current) => current,

  key: async (current, ctx, deps) => {
    const { keyRef, created } = await deps.keyAdmin.ensureKey(current.id);
    const now = deps.now();
    return commitTenantChange(
      current,
      { keyRef, provisioning: withStep(provisioningOf(current), 'key', done(now.toISOString())), ...changedBy(ctx, now) },
      [operatorEvent(current.id, 'tenant.key.create', ctx, 'success', { keyRef, created })],
    );
  },

  usage: async (current, ctx, deps) => {
    // The municipality's own usage bucket: its persons are throttled apart from every other municipality's.
    const tier = current.tier ?? tierForPopulation(current.population);
    const { apiKeyId } = await deps.usageKeys.ensureBucket({ bucket: { kind: 'tenant', tenant: current.id }, tier });
    const now = deps.now();
    return commitTenantChange(
      current,
      { tier, usageKeyId: apiKeyId, provisioning: withStep(provisioningOf(current), 'usage', done(now.toISOString())), ...changedBy(ctx, now) },
      [operatorEvent(current.id, 'tenant.usage.create', ctx, 'success', { tier, apiKeyId })],
    );
  },

  admin: async (current, ctx, deps) => {
    const now = deps.now();
    const p = provisioningOf(current);
    const admin = p.admin ?? { id: `admin.${current.id}`, name: `Administrator ${current.name}` };
    const user: UserProfile = { id: admin.id, name: admin.name, roles: ['tenant-admin'], tenant: current.id, ...(admin.pid ? { pid: admin.pid } : {}), status: 'active' };
    return commitTenantChange(
      current,
      { adminUserId: admin.id, provisioning: withStep(p, 'admin', done(now.toISOString())), ...changedBy(ctx, now) },
      [operatorEvent(current.id, 'tenant.admin.create', ctx, 'success', { user: admin.id })],
      // The user and its pid index entry together (shared/tenancy/user-store.ts).
      async () => [{ kind: 'put', table: 'control', item: userItem(user, { createdAt: now.toISOString(), createdBy: ctx.caller.sub, version: 1 }), condition: { expression: 'attribute_not_exists(pk)' } }, ...(await pidIndexWrite(user))],
      [
        () => new ConflictError(`Brukernavnet ${admin.id} ble tatt i bruk underveis; oppgi en annen administrator og kjør opprettelsen igjen.`),
        () => new ConflictError('Fødselsnummeret til administratoren er allerede registrert på en annen bruker.'),
      ],
    );
  },

  activate: async (current, ctx, deps) => {
    const now = deps.now();
    return commitTenantChange(
      current,
      { status: 'active', activatedAt: now.toISOString(), provisioning: withStep(provisioningOf(current), 'activate', done(now.toISOString())), ...changedBy(ctx, now) },
      [operatorEvent(current.id, 'tenant.activate', ctx)],
    );
  },
};

async function recordProvisionFailure(id: string, step: ProvisionStep, error: unknown, ctx: ActorContext, deps: TenantServiceDeps): Promise<void> {
  try {
    const fresh = await mustGet(id);
    const message = describeFailure(error);
    const p = provisioningOf(fresh);
    await commitTenantChange(
      fresh,
      { provisioning: { ...withStep(p, step, { state: 'failed', at: deps.now().toISOString(), error: message }), failedStep: step } },
      [operatorEvent(id, 'tenant.provision.step', ctx, 'failure', { step, error: message })],
    );
  } catch (recordError) {
    // The step's own error is what the operator must see; the next retry records its state again.
    logger.error('could not record provisioning failure', { tenant: id, step, error: recordError as Error });
  }
}

// ---------------------------------------------------------------- suspend / resume

/** Stops every data-plane request of the tenant (403 naming the suspension). Idempotent. */
export async function suspendTenant(id: string, reason: string, ctx: ActorContext, deps: Pick<TenantServiceDeps, 'now'>): Promise<TenantView> {
  const current = await mustGet(id);
  if (current.status === 'suspended') return tenantView(current);
  if (current.status !== 'active') throw new ConflictError(`Kommune ${id} har status ${current.status} og kan ikke suspenderes.`);
  const now = deps.now();
  return tenantView(
    await commitTenantChange(
      current,
      { status: 'suspended', statusReason: reason, suspendedAt: now.toISOString(), suspendedBy: ctx.caller.sub, ...changedBy(ctx, now) },
      [operatorEvent(id, 'tenant.suspend', ctx, 'success', { reason })],
    ),
  );
}

/** Opens a suspended tenant again. Idempotent. */
export async function resumeTenant(id: string, reason: string | undefined, ctx: ActorContext, deps: Pick<TenantServiceDeps, 'now'>): Promise<TenantView> {
  const current = await mustGet(id);
  if (current.status === 'active') return tenantView(current);
  if (current.status !== 'suspended') throw new ConflictError(`Kommune ${id} har status ${current.status} og kan ikke gjenåpnes.`);
  const now = deps.now();
  return tenantView(
    await commitTenantChange(
      current,
      { status: 'active', statusReason: undefined, suspendedAt: undefined, suspendedBy: undefined, resumedAt: now.toISOString(), ...changedBy(ctx, now) },
      [operatorEvent(id, 'tenant.resume', ctx, 'success', reason ? { reason } : undefined)],
    ),
  );
}

// ---------------------------------------------------------------- offboarding

/**
 * When the tenant's key may be destroyed: after the longest finite retention of its record
 * categories. Categories kept permanently are delivered to the archive depot from the export;
 * the operating company is not the archive.
 */
export function keyDeletionDate(offboardedAt: Date, retention: Partial<Record<string, RetentionValue>>): Date {
  const merged = { ...DEFAULT_RETENTION, ...retention };
  const finite = Object.values(merged).filter((v): v is number => typeof v === 'number');
  const years = finite.length > 0 ? Math.max(...finite) : (DEFAULT_RETENTION.journal as number);
  const date = new Date(offboardedAt);
  date.setUTCFullYear(date.getUTCFullYear() + years);
  return date;
}

/** The export did not hold every record; the key is kept. */
export class ExportIncompleteError extends ConflictError {
  constructor(
    readonly exported: number,
    readonly counted: number,
    readonly countedByKind?: Record<string, number>,
    differences: string[] = [],
  ) {
    super(
      `Eksporten har ${exported} poster, men kommunen har ${counted}${differences.length ? ` (${differences.join('; ')})` : ''}. Nøkkelen blir ikke slettet; kjør avviklingen på nytt.`,
      { exportedRecords: exported, countedRecords: counted },
    );
  }
}

const OFFBOARD_ORDER: OffboardStep[] = ['export', 'verify', 'key', 'finish'];

/** The registry field holding the export's resume cursor: internal, never shown by the operator API. */
const EXPORT_CURSOR = 'offboardCursor';

function offboardingOf(record: TenantRecord): Offboarding {
  if (!record.offboarding) throw new Error('tenant has no offboarding state');
  return record.offboarding;
}

function withOffboardStep(o: Offboarding, step: OffboardStep, state: StepState): Offboarding {
  const next: Offboarding = { ...o, steps: { ...o.steps, [step]: state } };
  if (state.state === 'done' && next.failedStep === step) delete next.failedStep;
  return next;
}

/** `20260301T120000123Z-1a2b`: sortable, and unique even for two attempts in one millisecond. */
function stamp(date: Date): string {
  return `${date.toISOString().replace(/[-:.]/g, '')}-${randomBytes(2).toString('hex')}`;
}

/** The step an offboarding runs next, or `done`. */
export function nextOffboardStep(record: TenantRecord): OffboardStep | 'done' {
  if (record.status === 'offboarded') return 'done';
  return OFFBOARD_ORDER.find((s) => record.offboarding?.steps[s]?.state !== 'done') ?? 'done';
}

/** The job as the operator follows it. */
export function offboardJobView(record: TenantRecord): OffboardJob {
  const o = offboardingOf(record);
  const next = nextOffboardStep(record);
  const failed = o.failedStep !== undefined && next !== 'done';
  const run = o.exportRun;
  return offboardJobSchema.parse({
    jobId: o.jobId ?? `${record.id}-legacy`,
    tenant: record.id,
    state: next === 'done' ? 'succeeded' : failed ? 'failed' : 'running',
    ...(next === 'done' ? {} : { step: failed ? o.failedStep : next }),
    steps: tenantView(record).offboarding?.steps ?? {},
    ...(failed && o.failedStep ? { error: o.steps[o.failedStep]?.error } : {}),
    target: o.target,
    requestedAt: o.requestedAt,
    requestedBy: o.requestedBy,
    ...(o.export
      ? { export: { location: o.export.location, pages: o.export.files.filter((f) => f.name.startsWith('journal-')).length, records: o.export.records, done: true } }
      : run
        ? { export: { location: run.location, pages: run.pages, records: run.records, done: false } }
        : {}),
    ...(o.countedRecords !== undefined ? { countedRecords: o.countedRecords } : {}),
    ...(o.keyDeletion ? { keyDeletion: o.keyDeletion } : {}),
  });
}

/** An offboarding job by its id (the municipality is its first four digits). */
export async function getOffboardJob(jobId: string): Promise<OffboardJob> {
  const record = await getTenant(jobId.slice(0, 4));
  if (!record?.offboarding || record.offboarding.jobId !== jobId) throw new NotFoundError(`Avviklingsjobb ${jobId} finnes ikke.`);
  return offboardJobView(record);
}

/**
 * Asks for a tenant's offboarding: closes it to the data plane at once and names the job whose
 * steps (paged export, count and verify, key deletion scheduling, finish) the workflow then runs
 * (`deps.startJob`: Step Functions in AWS, the in-process runner locally). Asking again for a
 * tenant whose job failed resumes that job where it stopped; an offboarded tenant is left as it is.
 */
export async function requestOffboarding(id: string, target: string, ctx: ActorContext, deps: TenantServiceDeps): Promise<OffboardJob> {
  const record = await prepareOffboarding(id, target, ctx, deps);
  const job = offboardJobView(record);
  if (job.state !== 'succeeded') await deps.startJob({ tenant: id, jobId: job.jobId });
  return offboardJobView(await mustGet(id));
}

/** Freezes the tenant and records the job (or finds the one already there). */
async function prepareOffboarding(id: string, target: string, ctx: ActorContext, deps: TenantServiceDeps): Promise<TenantRecord> {
  let current = await mustGet(id);
  if (current.status === 'offboarded') return current;
  if (current.status === 'provisioning') throw new ConflictError(`Kommune ${id} er ikke ferdig opprettet; fullfør eller avbryt opprettelsen først.`);
  // Before closing the municipality: the journal's export must be there to run.
  await deps.journal();
  const now = deps.now();
  if (current.status !== 'offboarding') {
    const steps: Steps = { freeze: done(now.toISOString()), export: pending(), verify: pending(), key: pending(), finish: pending() };
    return commitTenantChange(
      current,
      {
        status: 'offboarding',
        statusReason: 'Avvikling pågår',
        offboarding: { jobId: `${id}-${stamp(now)}`, target, requestedAt: now.toISOString(), requestedBy: ctx.caller.sub, steps },
        ...changedBy(ctx, now),
      },
      [operatorEvent(id, 'tenant.offboard.start', ctx, 'success', { target })],
    );
  }
  const o = offboardingOf(current);
  const changes: Record<string, unknown> = {};
  // Offboardings asked for before jobs existed get one now.
  if (!o.jobId) changes.offboarding = { ...o, jobId: `${id}-${stamp(now)}` };
  if (o.target !== target && o.steps.export?.state !== 'done') {
    // Another target: the pages written so far are at the old one, so the export starts afresh.
    const { exportRun: _dropped, ...rest } = (changes.offboarding ?? o) as Offboarding;
    changes.offboarding = { ...rest, target };
    changes[EXPORT_CURSOR] = undefined;
  }
  if (Object.keys(changes).length > 0) current = await commitTenantChange(current, changes, []);
  return current;
}

/** What one workflow step leaves for the next: carried in the Step Functions state. */
export interface OffboardStepOutcome {
  tenant: string;
  jobId: string;
  /** The step to run next; `done` when the tenant is offboarded. */
  next: OffboardStep | 'done';
  /** Where the export resumes (the same cursor the registry holds); empty outside the export. */
  cursor: string;
  /** Export pages written so far. */
  pages: number;
}

function outcomeOf(record: TenantRecord, jobId: string): OffboardStepOutcome {
  const cursor = record[EXPORT_CURSOR];
  return {
    tenant: record.id,
    jobId,
    next: nextOffboardStep(record),
    cursor: typeof cursor === 'string' ? cursor : '',
    pages: record.offboarding?.exportRun?.pages ?? record.offboarding?.export?.files.filter((f) => f.name.startsWith('journal-')).length ?? 0,
  };
}

/** The operator who asked for the offboarding, as the job acts for them (audit actor). */
function jobActor(o: Offboarding, jobId: string): ActorContext {
  return { caller: { sub: o.requestedBy, kind: 'person', roles: ['operator'], scopes: [], expiresAt: 0 }, requestId: jobId };
}

/**
 * Runs one step of an offboarding job: the unit a Step Functions task (or the local runner) calls.
 * The export step writes one page per call and records the cursor after it, so a failure costs
 * at most that page, and the retry reads the same cursor and replaces the same part file.
 * A step already done is not run again (a retried task after a lost answer is harmless).
 */
export async function runOffboardStep(tenant: string, jobId: string, step: OffboardStep, deps: TenantServiceDeps, expectedCursor = ''): Promise<OffboardStepOutcome> {
  const current = await mustGet(tenant);
  const o = current.offboarding;
  if (!o || o.jobId !== jobId) throw new NotFoundError(`Avviklingsjobb ${jobId} finnes ikke.`);
  if (current.status === 'offboarded' || o.steps[step]?.state === 'done') return outcomeOf(current, jobId);
  const due = nextOffboardStep(current);
  if (due !== step) throw new ConflictError(`Avviklingsjobb ${jobId}: steget ${step} kan ikke kjøres før ${due} er ferdig.`);
  // A workflow carrying another cursor than the registry's is stale (another run moved on): it stops.
  if (step === 'export' && expectedCursor !== '' && expectedCursor !== outcomeOf(current, jobId).cursor) {
    throw new ConflictError(`Avviklingsjobb ${jobId}: eksporten har kommet lenger enn denne kjøringen; den stopper.`);
  }
  const ctx = jobActor(o, jobId);
  try {
    await deps.beforeStep?.(step, tenant);
    return outcomeOf(await OFFBOARD_RUNNERS[step](current, ctx, deps), jobId);
  } catch (error) {
    await recordOffboardFailure(tenant, step, error, ctx, deps);
    throw error;
  }
}

/** The in-process runner (local runtime, tests): the workflow's steps in order, to the end. */
export async function runOffboardJob(tenant: string, jobId: string, deps: TenantServiceDeps): Promise<OffboardJob> {
  let outcome = outcomeOf(await mustGet(tenant), jobId);
  while (outcome.next !== 'done') outcome = await runOffboardStep(tenant, jobId, outcome.next, deps);
  return offboardJobView(await mustGet(tenant));
}

/**
 * Offboards a tenant in one go (request, then every step in process): closes it to the data
 * plane, exports every journal record decrypted as NDJSON pages (with the registry and a manifest)
 * to the operator's target, counts the tenant's records and compares, and only then schedules the
 * key's destruction after the retention period. Calling it again resumes where it stopped.
 */
export async function offboardTenant(id: string, target: string, ctx: ActorContext, deps: TenantServiceDeps): Promise<TenantView> {
  const record = await prepareOffboarding(id, target, ctx, deps);
  if (record.status !== 'offboarded') await runOffboardJob(id, offboardingOf(record).jobId!, deps);
  return tenantView(await mustGet(id));
}

async function allUsers(tenant: string): Promise<UserProfile[]> {
  const out: UserProfile[] = [];
  let cursor: string | undefined;
  do {
    const page = await listTenantUsers(tenant, 100, cursor);
    out.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

/** One hash over the export's files in order (name and sha256 of each). */
export function exportDigest(files: readonly ExportFile[]): string {
  const hash = createHash('sha256');
  for (const f of files) hash.update(`${f.name}\t${f.sha256}\n`);
  return hash.digest('hex');
}

const partName = (page: number) => `journal-${String(page).padStart(5, '0')}.ndjson`;

/**
 * One page of the export. The first call names the export's folder; each call writes the records
 * after the recorded cursor into the next part file, then records the new cursor and the part in
 * one registry update. The last page also writes the registry part and the manifest and marks
 * the export done.
 */
async function exportPage(current: TenantRecord, ctx: ActorContext, deps: TenantServiceDeps): Promise<TenantRecord> {
  const o = offboardingOf(current);
  const journal = await deps.journal();
  let run: ExportRun | undefined = o.exportRun;
  let writer;
  if (!run) {
    const started = deps.now();
    const folder = `fellesjournal-${current.id}-${stamp(started)}`;
    writer = await deps.openExport(o.target, folder);
    run = { location: writer.location, folder, startedAt: started.toISOString(), pages: 0, records: 0, byKind: {}, files: [] };
    current = await commitTenantChange(current, { offboarding: { ...o, exportRun: run }, [EXPORT_CURSOR]: undefined }, []);
  } else {
    writer = await deps.openExport(o.target, run.folder, { resume: true });
  }
  const cursor = current[EXPORT_CURSOR];
  const page = await journal.exportPage(current.id, typeof cursor === 'string' ? cursor : undefined);
  const byKind = { ...run.byKind };
  for (const record of page.records) {
    const kind = typeof record.kind === 'string' ? record.kind : 'record';
    byKind[kind] = (byKind[kind] ?? 0) + 1;
  }
  const file = await writer.writeNdjson(partName(run.pages + 1), page.records, { replace: true });
  run = { ...run, pages: run.pages + 1, records: run.records + file.records, byKind, files: [...run.files, file] };
  const now = deps.now();
  const progressed = offboardingOf(current);
  if (page.nextCursor) {
    // A page done clears an earlier failure of the step: the job runs again.
    const { failedStep: _f, ...rest } = progressed;
    return commitTenantChange(current, { offboarding: { ...rest, steps: { ...rest.steps, export: pending() }, exportRun: run }, [EXPORT_CURSOR]: page.nextCursor, ...changedBy(ctx, now) }, []);
  }

  // Users without their national ids: the export is the journal's, the registry part only says who is who.
  const users = (await allUsers(current.id)).map(({ pid: _pid, ...u }) => u);
  const registryFile = await writer.writeJson('registry.json', { tenant: tenantView(current), users }, { replace: true });
  const files: ExportFile[] = [...run.files, registryFile];
  await writer.writeJson(
    'manifest.json',
    {
      format: 'fellesjournal-export/2',
      tenant: current.id,
      name: current.name,
      createdAt: run.startedAt,
      createdBy: o.requestedBy,
      journalRecords: run.records,
      journalRecordsByKind: run.byKind,
      // The journal's records are the journal-*.ndjson parts in this order.
      files,
    },
    { replace: true },
  );
  const { exportRun: _done, ...rest } = withOffboardStep(progressed, 'export', done(now.toISOString()));
  return commitTenantChange(
    current,
    { offboarding: { ...rest, export: { location: run.location, files, records: run.records, byKind: run.byKind } }, [EXPORT_CURSOR]: undefined, ...changedBy(ctx, now) },
    // The digest of the parts' hashes goes into the municipality's audit chain, so the chain vouches for the export's content.
    [operatorEvent(current.id, 'tenant.offboard.export', ctx, 'success', { location: run.location, records: run.records, pages: run.pages, exportDigest: exportDigest(files) })],
  );
}

const OFFBOARD_RUNNERS: Record<OffboardStep, (current: TenantRecord, ctx: ActorContext, deps: TenantServiceDeps) => Promise<TenantRecord>> = {
  freeze: async (current) => current,

  export: exportPage,

  verify: async (current, ctx, deps) => {
    const o = offboardingOf(current);
    const exported = { total: o.export?.records ?? -1, byKind: o.export?.byKind };
    const counted = tallyOf(await (await deps.journal()).countTenantRecords(current.id));
    const differences = tallyDifferences(exported, counted);
    if (differences.length > 0) throw new ExportIncompleteError(exported.total, counted.total, counted.byKind, differences);
    const now = deps.now();
    return commitTenantChange(
      current,
      { offboarding: { ...withOffboardStep(o, 'verify', done(now.toISOString())), countedRecords: counted.total, countedByKind: counted.byKind }, ...changedBy(ctx, now) },
      [operatorEvent(current.id, 'tenant.offboard.verify', ctx, 'success', { exported: exported.total, counted: counted.total })],
    );
  },

  key: async (current, ctx, deps) => {
    const o = offboardingOf(current);
    // Never shred a key whose data did not all leave: the verify step must have matched the counts.
    if (o.steps.verify?.state !== 'done' || o.countedRecords === undefined || o.countedRecords !== o.export?.records) {
      throw new ExportIncompleteError(o.export?.records ?? 0, o.countedRecords ?? -1);
    }
    const now = deps.now();
    const deleteAfter = keyDeletionDate(now, current.settings.retention);
    const keyDeletion = await deps.keyAdmin.scheduleDeletion(current.id, current.keyRef ?? `local:${current.id}`, deleteAfter, now);
    return commitTenantChange(
      current,
      { offboarding: { ...withOffboardStep(o, 'key', done(now.toISOString())), keyDeletion }, ...changedBy(ctx, now) },
      [operatorEvent(current.id, 'tenant.key.schedule-deletion', ctx, 'success', { deleteAfter: keyDeletion.deleteAfter, state: keyDeletion.state })],
    );
  },

  finish: async (current, ctx, deps) => {
    const now = deps.now();
    return commitTenantChange(
      current,
      { status: 'offboarded', statusReason: 'Avviklet', offboardedAt: now.toISOString(), offboarding: withOffboardStep(offboardingOf(current), 'finish', done(now.toISOString())), ...changedBy(ctx, now) },
      [operatorEvent(current.id, 'tenant.offboard.complete', ctx)],
    );
  },
};

async function recordOffboardFailure(id: string, step: OffboardStep, error: unknown, ctx: ActorContext, deps: TenantServiceDeps): Promise<void> {
  try {
    const fresh = await mustGet(id);
    if (!fresh.offboarding) return;
    const message = describeFailure(error);
    let o: Offboarding = { ...withOffboardStep(fresh.offboarding, step, { state: 'failed', at: deps.now().toISOString(), error: message }), failedStep: step };
    const details: Record<string, string | number | boolean> = { step, error: message };
    if (error instanceof ExportIncompleteError) {
      // The export is not trusted any more: the next attempt writes a fresh one and counts again.
      const { exportRun: _stale, ...rest } = o;
      o = { ...rest, steps: { ...o.steps, export: pending() }, countedRecords: error.counted, countedByKind: error.countedByKind };
      details.exported = error.exported;
      details.counted = error.counted;
    }
    const cursorReset = error instanceof ExportIncompleteError ? { [EXPORT_CURSOR]: undefined } : {};
    await commitTenantChange(fresh, { offboarding: o, ...cursorReset }, [operatorEvent(id, `tenant.offboard.${step}`, ctx, 'failure', details)]);
  } catch (recordError) {
    logger.error('could not record offboarding failure', { tenant: id, step, error: recordError as Error });
  }
}

/** Destroys the keys of offboarded tenants whose retention has ended (run daily in AWS). */
export async function destroyDueKeys(ctx: ActorContext, deps: Pick<TenantServiceDeps, 'keyAdmin' | 'now'>): Promise<{ tenant: string; state: KeyDeletionState['state'] }[]> {
  const now = deps.now();
  const out: { tenant: string; state: KeyDeletionState['state'] }[] = [];
  for (const record of await listTenants()) {
    const kd = record.offboarding?.keyDeletion;
    if (record.status !== 'offboarded' || !kd || kd.state !== 'disabled-until-due' || new Date(kd.deleteAfter) > now) continue;
    const next = await deps.keyAdmin.destroyDue(record.id, kd, now);
    await commitTenantChange(
      record,
      { offboarding: { ...offboardingOf(record), keyDeletion: next }, ...changedBy(ctx, now) },
      [operatorEvent(record.id, 'tenant.key.destroy', ctx, 'success', { state: next.state })],
    );
    out.push({ tenant: record.id, state: next.state });
  }
  return out;
}
