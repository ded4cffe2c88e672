// @ts-nocheck
import type { TenantSession } from '../../shared/db/sessions';
import type { Caller } from '../../shared/auth/caller';
import type { AdminUserView, CreateUserBody, UpdateUserBody } from '../../shared/contracts/admin';
import { ADMIN_ASSIGNABLE_ROLES } from '../../shared/contracts/admin';
import type { UNIT_KINDS } from '../../shared/contracts/tenants';
import { openKeyCursor, sealPage } from '../../shared/crypto/cursor-codec';
import { ConflictError, NotFoundError, ValidationError } from '../../shared/errors';
import type { Page } from '../../shared/db/tenant-db';
import { userProfileSchema, type UserProfile } from '../../shared/tenancy/user-profile';
import { commitAudited } from '../core/commit';
import { actorOf, type AuditEventInput } from '../core/audit-event';
import { getTenant, unitIdFor, updateTenant, type TenantRecord } from '../../shared/tenancy/tenant-store';
import { pidIndexWrite } from '../../shared/tenancy/user-store';
import { getUserItem, listTenantUsers, putNewUser, replaceUser } from './admin-store';

/** A tenant admin acting in their own municipality. */
export interface AdminContext {
  caller: Caller;
  tenant: string;
  /** The admin's municipality's session (its audit log; the admin plane holds no tenant keys). */
  session: TenantSession;
  requestId: string;
}

export interface AdminUnit {
  id: string;
  name: string;
  kind: (typeof UNIT_KINDS)[number];
  status?: 'active' | 'closed';
}

const assignable = new Set<string>(ADMIN_ASSIGNABLE_ROLES);

function adminEvent(ctx: AdminContext, action: string, details: Record<string, string | number | boolean>): AuditEventInput {
  return { tenant: ctx.tenant, action, outcome: 'success', actor: actorOf(ctx.caller), requestId: ctx.requestId, purposeOfUse: 'ADMIN', details };
}

function userView(u: UserProfile): AdminUserView {
  return { id: u.id, name: u.name, roles: u.roles, tenant: u.tenant ?? '', unit: u.unit, hpr: u.hpr, profession: u.profession, status: u.status };
}

async function tenantOf(ctx: AdminContext): Promise<TenantRecord> {
  const record = await getTenant(ctx.tenant);
  if (!record) throw new NotFoundError('Kommunen finnes ikke.');
  return record;
}

function assertUnit(record: TenantRecord, unit: string | undefined | null, field: string): void {
  if (!unit) return;
  const found: AdminUnit | undefined = record.units.find((u) => u.id === unit);
  if (!found) throw new ValidationError('Ukjent enhet i kommunen.', [{ field, message: `Enheten ${unit} finnes ikke i kommunen` }]);
  if (found.status === 'closed') throw new ValidationError('Enheten er lagt ned.', [{ field, message: `Enheten ${unit} er lagt ned` }]);
}

/** A user of this tenant whose roles a tenant admin may manage; anyone else is "not found". */
async function manageableUser(ctx: AdminContext, userId: string) {
  const item = await getUserItem(userId);
  const parsed = item ? userProfileSchema.safeParse(item) : undefined;
  if (!item || !parsed?.success || parsed.data.tenant !== ctx.tenant || parsed.data.roles.some((r) => !assignable.has(r))) {
    throw new NotFoundError(`Ingen bruker ${userId} i kommunen.`);
  }
  return { item, user: parsed.data };
}

export async function listUsers(ctx: AdminContext, limit: number, cursor?: string): Promise<Page<AdminUserView>> {
  const scope = { list: 'admin.users', tenant: ctx.tenant, sub: ctx.caller.sub };
  const page = await listTenantUsers(ctx.tenant, limit, await openKeyCursor(scope, cursor));
  return sealPage(scope, { items: page.items.filter((u) => u.tenant === ctx.tenant).map(userView), nextCursor: page.nextCursor });
}

export async function getUserView(ctx: AdminContext, userId: string): Promise<AdminUserView> {
  return userView((await manageableUser(ctx, userId)).user);
}

/** The answer when a user's pid index entry (shared/tenancy/user-store.ts) is taken by another user. */
const pidTaken = () => new ConflictError('Fødselsnummeret er allerede registrert på en annen bruker.');

/** Adds a person to the municipality with clinician, tenant-admin and/or auditor roles. */
export async function createUser(ctx: AdminContext, body: CreateUserBody, now = new Date()): Promise<AdminUserView> {
  const record = await tenantOf(ctx);
  assertUnit(record, body.unit, 'body.unit');
  const user: UserProfile = { ...body, roles: [...new Set(body.roles)], tenant: ctx.tenant, status: 'active' };
  // The user and their pid index entry in one transaction: a pid belongs to at most one user.
  await commitAudited(
    ctx.session.db,
    async () => [putNewUser(user, { createdAt: now.toISOString(), createdBy: ctx.caller.sub }), ...(await pidIndexWrite(user))],
    [adminEvent(ctx, 'user.create', { user: user.id, roles: user.roles.join(',') })],
    [() => new ConflictError(`Brukernavnet ${body.id} er allerede i bruk.`), pidTaken],
  );
  return userView(user);
}

/** Changes a user's name, roles, unit or status (disable / enable). Takes effect on their next request. */
export async function updateUser(ctx: AdminContext, userId: string, body: UpdateUserBody, now = new Date()): Promise<AdminUserView> {
  const { item, user } = await manageableUser(ctx, userId);
  if (userId === ctx.caller.sub && (body.status === 'disabled' || (body.roles && !body.roles.includes('tenant-admin')))) {
    throw new ConflictError('Du kan ikke deaktivere deg selv eller fjerne din egen administratorrolle.');
  }
  if (body.unit) assertUnit(await tenantOf(ctx), body.unit, 'body.unit');
  // A pid is who the person is: it may be added to a user registered without one, never changed.
  if (body.pid !== undefined && user.pid !== undefined && body.pid !== user.pid) {
    throw new ConflictError('Fødselsnummeret kan ikke endres; opprett brukeren på nytt.');
  }
  const next: UserProfile = {
    ...user,
    ...(body.name !== undefined ? { name: body.name } : {}),
    ...(body.roles !== undefined ? { roles: [...new Set(body.roles)] } : {}),
    ...(body.hpr !== undefined ? { hpr: body.hpr } : {}),
    ...(body.profession !== undefined ? { profession: body.profession } : {}),
    ...(body.status !== undefined ? { status: body.status } : {}),
    ...(body.pid !== undefined ? { pid: body.pid } : {}),
  };
  if (body.unit === null) delete next.unit;
  else if (body.unit !== undefined) next.unit = body.unit;
  const details: Record<string, string | number | boolean> = { user: userId };
  if (body.roles) details.roles = next.roles.join(',');
  if (body.status) details.status = body.status;
  if (body.unit !== undefined) details.unit = body.unit ?? '';
  if (body.pid !== undefined) details.pidAdded = true;
  const addsPid = next.pid !== undefined && user.pid === undefined;
  await commitAudited(
    ctx.session.db,
    async () => [replaceUser(item, next, { changedAt: now.toISOString(), changedBy: ctx.caller.sub }), ...(addsPid ? await pidIndexWrite(next) : [])],
    [adminEvent(ctx, body.status === 'disabled' ? 'user.disable' : body.status === 'active' && user.status === 'disabled' ? 'user.enable' : 'user.update', details)],
    [() => new ConflictError(`Brukeren ${userId} ble endret samtidig; hent den på nytt og prøv igjen.`), pidTaken],
  );
  return userView(next);
}

// ---------------------------------------------------------------- units

export async function listUnits(ctx: AdminContext): Promise<AdminUnit[]> {
  return (await tenantOf(ctx)).units;
}

async function commitUnits(ctx: AdminContext, record: TenantRecord, units: AdminUnit[], event: AuditEventInput, now: Date): Promise<void> {
  await commitAudited(ctx.session.db, () => [updateTenant(record, { units, changedAt: now.toISOString(), changedBy: ctx.caller.sub })], [event], [() => new ConflictError('Kommunen ble endret samtidig; prøv igjen.')]);
}

export async function createUnit(ctx: AdminContext, body: { id?: string; name: string; kind: AdminUnit['kind'] }, now = new Date()): Promise<AdminUnit> {
  const record = await tenantOf(ctx);
  const unit: AdminUnit = { id: body.id ?? unitIdFor(ctx.tenant, body.name), name: body.name, kind: body.kind, status: 'active' };
  if (record.units.some((u) => u.id === unit.id)) throw new ConflictError(`Enheten ${unit.id} finnes allerede.`);
  await commitUnits(ctx, record, [...(record.units as AdminUnit[]), unit], adminEvent(ctx, 'unit.create', { unit: unit.id, kind: unit.kind }), now);
  return unit;
}

export async function updateUnit(ctx: AdminContext, unitId: string, body: { name?: string; kind?: AdminUnit['kind']; status?: 'active' | 'closed' }, now = new Date()): Promise<AdminUnit> {
  const record = await tenantOf(ctx);
  const units = record.units as AdminUnit[];
  const index = units.findIndex((u) => u.id === unitId);
  const current = units[index];
  if (!current) throw new NotFoundError(`Ingen enhet ${unitId} i kommunen.`);
  const next: AdminUnit = { ...current, ...Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined)) };
  const changed = units.map((u, i) => (i === index ? next : u));
  const details: Record<string, string | number | boolean> = { unit: unitId };
  if (body.status) details.status = body.status;
  await commitUnits(ctx, record, changed, adminEvent(ctx, body.status === 'closed' ? 'unit.close' : 'unit.update', details), now);
  return next;
}
