// @ts-nocheck
import { jobSession } from '../../shared/db/sessions';
import { randomBytes } from 'node:crypto';
import type { Caller } from '../../shared/auth/caller';
import {
  DEFAULT_RETENTION,
  OFFBOARD_STEPS,
  PROVISION_STEPS,
  RECORD_CATEGORIES,
  tenantSchema,
  type CreateTenantBody,
  type ExportFile,
  type ProvisionStep,
  type OffboardStep,
  type RetentionValue,
  type StepState,
  type TenantView,
} from '../../shared/contracts/tenants';
import type { KeyDeletionState, TenantKeyAdmin } from '../../shared/crypto/key-admin';
import { ConflictError, DomainError, NotFoundError, ValidationError } from '../../shared/errors';
import { logger } from '../../shared/observability';
import { getUser, listTenantUsers, pidIndexWrite, userItem } from '../../shared/tenancy/user-store';
import type { UserProfile } from '../../shared/tenancy/user-profile';
import { commitAudited, type ConditionErrors } from '../core/commit';
import { actorOf, type AuditEventInput, type AuditOutcome } from '../core/audit-event';
import type { OpenExport } from './export-writer';
import { tallyDifferences, tallyOf, type JournalExportSource } from './journal-source';
import { applied, getTenant, listTenants, putNewTenant, unitIdFor, updateTenant, type TenantRecord } from '../../shared/tenancy/tenant-store';

/** Who acts, for the audit log. */
export interface ActorContext {
  caller: Caller;
  requestId: string;
}

export interface TenantServiceDeps {
  keyAdmin: TenantKeyAdmin;
  /** The journal's export functions (loaded when offboarding needs them). */
  journal: () => Promise<JournalExportSource>;
  openExport: OpenExport;
  now: () => Date;
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

function operatorEvent(tenant: string, action: string, ctx: ActorContext, outcome: AuditOutcome = 'success', details?: Record<string, string | number | boolean>): AuditEventInput {
  return { tenant, action, outcome, actor: actorOf(ctx.caller), requestId: ctx.requestId, purposeOfUse: 'OPERATE', details };
}

/** A short, internals-free description of a failure, for the registry and the audit log. */
function describeFailure(error: unknown): string {
  if (error instanceof DomainError) return error.detail.slice(0, 300);
  if (error instanceof Error) return `${error.name}: ${error.message}`.slice(0, 300);
  return 'Ukjent feil';
}

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
  const changed = () => new ConflictError(`Kommunen ${current.id} ble endret samtidig av noen andre; prøv igjen.`);
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

const PROVISION_ORDER: ProvisionStep[] = ['key', 'admin', 'activate'];

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
    region: body.region,
    status: 'provisioning',
    units,
    settings: { retention: { ...DEFAULT_RETENTION, ...body.settings?.retention } },
    provisioning: { steps: { registry: done(now.toISOString()), key: pending(), admin: pending(), activate: pending() }, admin },
    createdAt: now.toISOString(),
    createdBy: ctx.caller.sub,
    ...changedBy(ctx, now),
  };
  try {
    const events = [operatorEvent(body.id, 'tenant.create', ctx, 'success', { name: body.name, region: body.region, units: units.length })];
    await commitAudited(jobSession('operator', body.id).db, () => [putNewTenant(record)], events, [() => new CreateRaceLost()]);
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

/** Passes records through while counting them by `kind`. */
async function* countingKinds(records: AsyncIterable<Record<string, unknown>>, byKind: Record<string, number>): AsyncIterable<Record<string, unknown>> {
  for await (const record of records) {
    const kind = typeof record.kind === 'string' ? record.kind : 'record';
    byKind[kind] = (byKind[kind] ?? 0) + 1;
    yield record;
  }
}

const OFFBOARD_ORDER: OffboardStep[] = ['export', 'verify', 'key', 'finish'];

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

/**
 * Offboards a tenant: closes it to the data plane, exports every journal record decrypted as NDJSON
 * (with the registry and a manifest) to the operator's target, counts the tenant's records and
 * compares, and only then schedules the key's destruction after the retention period. Each step
 * is audited and recorded on the tenant item; calling offboard again resumes where it stopped.
 */
export async function offboardTenant(id: string, target: string, ctx: ActorContext, deps: TenantServiceDeps): Promise<TenantView> {
  let current = await mustGet(id);
  if (current.status === 'offboarded') return tenantView(current);
  if (current.status === 'provisioning') throw new ConflictError(`Kommune ${id} er ikke ferdig opprettet; fullfør eller avbryt opprettelsen først.`);
  // Before closing the municipality: the journal's export must be there to run.
  await deps.journal();
  const now = deps.now();
  if (current.status !== 'offboarding') {
    const steps: Steps = { freeze: done(now.toISOString()), export: pending(), verify: pending(), key: pending(), finish: pending() };
    current = await commitTenantChange(
      current,
      {
        status: 'offboarding',
        statusReason: 'Avvikling pågår',
        offboarding: { target, requestedAt: now.toISOString(), requestedBy: ctx.caller.sub, steps },
        ...changedBy(ctx, now),
      },
      [operatorEvent(id, 'tenant.offboard.start', ctx, 'success', { target })],
    );
  } else if (offboardingOf(current).target !== target && offboardingOf(current).steps.export?.state !== 'done') {
    current = await commitTenantChange(current, { offboarding: { ...offboardingOf(current), target } }, []);
  }
  for (const step of OFFBOARD_ORDER) {
    if (offboardingOf(current).steps[step]?.state === 'done') continue;
    try {
      await deps.beforeStep?.(step, id);
      current = await OFFBOARD_RUNNERS[step](current, ctx, deps);
    } catch (error) {
      await recordOffboardFailure(id, step, error, ctx, deps);
      throw error;
    }
  }
  return tenantView(current);
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

const OFFBOARD_RUNNERS: Record<OffboardStep, (current: TenantRecord, ctx: ActorContext, deps: TenantServiceDeps) => Promise<TenantRecord>> = {
  freeze: async (current) => current,

  export: async (current, ctx, deps) => {
    const o = offboardingOf(current);
    const journal = await deps.journal();
    const started = deps.now();
    const writer = await deps.openExport(o.target, `fellesjournal-${current.id}-${stamp(started)}`);
    const byKind: Record<string, number> = {};
    const journalFile = await writer.writeNdjson('journal.ndjson', countingKinds(journal.exportTenantJournal(current.id), byKind));
    // Users without their national ids: the export is the journal's, the registry part only says who is who.
    const users = (await allUsers(current.id)).map(({ pid: _pid, ...u }) => u);
    const registryFile = await writer.writeJson('registry.json', { tenant: tenantView(current), users });
    const files: ExportFile[] = [journalFile, registryFile];
    await writer.writeJson('manifest.json', {
      format: 'fellesjournal-export/1',
      tenant: current.id,
      name: current.name,
      createdAt: started.toISOString(),
      createdBy: ctx.caller.sub,
      journalRecords: journalFile.records,
      journalRecordsByKind: byKind,
      files,
    });
    const now = deps.now();
    return commitTenantChange(
      current,
      { offboarding: { ...withOffboardStep(o, 'export', done(now.toISOString())), export: { location: writer.location, files, records: journalFile.records, byKind } }, ...changedBy(ctx, now) },
      [operatorEvent(current.id, 'tenant.offboard.export', ctx, 'success', { location: writer.location, records: journalFile.records })],
    );
  },

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
      o = { ...o, steps: { ...o.steps, export: pending() }, countedRecords: error.counted, countedByKind: error.countedByKind };
      details.exported = error.exported;
      details.counted = error.counted;
    }
    await commitTenantChange(fresh, { offboarding: o }, [operatorEvent(id, `tenant.offboard.${step}`, ctx, 'failure', details)]);
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
