import { jobSession, type TenantSession } from '../../shared/db/sessions';
import { createHash, randomBytes } from 'node:crypto';
import { VENDOR_SCOPES, type Caller } from '../../shared/auth/caller';
import { clientIdSchema, type RegisterVendorBody, type VendorGrantView, type VendorView } from '../../shared/contracts/vendors';
import { ConflictError, NotFoundError } from '../../shared/errors';
import { logger } from '../../shared/observability';
import { appendAudit } from '../core/audit-chain';
import { commitAudited } from '../core/commit';
import { PLATFORM_AUDIT_TENANT, platformAuditDb } from '../core/platform-audit';
import { actEvent, type AuditEventInput } from '../core/audit-event';
import type { ApiKeyAdmin } from './api-key-admin';
import type { UsageKeyAdmin } from '../../shared/auth/usage-key-admin';
import { generateClientSecret, hashClientSecret, verifyClientSecret } from './client-secret';
import {
  getGrant,
  getVendor,
  listTenantGrants,
  listVendorGrants,
  listVendors,
  putGrant,
  putNewVendor,
  replaceVendor,
  vendorActiveCheck,
  type GrantRecord,
  type VendorRecord,
} from './vendor-store';

// Vendor registrations and their status changes are audited in the platform's own log.
export { PLATFORM_AUDIT_TENANT };

export interface VendorServiceDeps {
  apiKeys: ApiKeyAdmin;
  /** Makes a vendor's usage bucket in one municipality when the municipality grants it. */
  usageKeys: UsageKeyAdmin;
  now: () => Date;
}

export interface ActorContext {
  caller: Caller;
  requestId: string;
}

/** A tenant admin acting for their own municipality. */
export interface TenantAdminContext extends ActorContext {
  tenant: string;
  /** The admin's municipality's session (its audit log). */
  session: TenantSession;
}

function grantView(g: GrantRecord, vendorName?: string): VendorGrantView {
  return {
    clientId: g.clientId,
    tenant: g.tenant,
    vendorName,
    status: g.status,
    scopes: g.scopes,
    grantedAt: g.grantedAt,
    grantedBy: g.grantedBy,
    revokedAt: g.revokedAt,
    revokedBy: g.revokedBy,
  };
}

function vendorView(v: VendorRecord, grants?: GrantRecord[]): VendorView {
  return {
    clientId: v.clientId,
    name: v.name,
    orgNumber: v.orgNumber,
    contact: v.contact,
    status: v.status,
    apiKeyId: v.apiKeyId,
    plan: v.plan,
    usagePlanId: v.usagePlanId,
    hasPublicKey: v.publicKeyJwk !== undefined,
    secretCreatedAt: v.secretCreatedAt,
    createdAt: v.createdAt,
    createdBy: v.createdBy,
    changedAt: v.changedAt,
    changedBy: v.changedBy,
    ...(grants ? { grants: grants.map((g) => grantView(g, v.name)) } : {}),
  };
}

async function mustGetVendor(clientId: string): Promise<VendorRecord> {
  const vendor = await getVendor(clientId);
  if (!vendor) throw new NotFoundError(`Ingen leverandørklient ${clientId}.`);
  return vendor;
}

// ---------------------------------------------------------------- operator

/**
 * Registers a vendor system: OAuth2 client id and secret (only its scrypt hash is kept), an API key
 * on the vendors' usage plan, and optionally a public key for private_key_jwt. The secret and the
 * API key are in the answer once and never again.
 */
export async function registerVendor(body: RegisterVendorBody, ctx: ActorContext, deps: VendorServiceDeps) {
  const existing = (await listVendors()).find((v) => v.orgNumber === body.orgNumber && v.name.toLowerCase() === body.name.toLowerCase());
  if (existing) throw new ConflictError(`${body.name} (${body.orgNumber}) er allerede registrert som ${existing.clientId}.`, { clientId: existing.clientId });
  const clientId = `vnd-${randomBytes(8).toString('hex')}`;
  const secret = generateClientSecret();
  const now = deps.now().toISOString();
  const apiKey = await deps.apiKeys.createKey(clientId, body.name, body.plan);
  const record: VendorRecord = {
    clientId,
    name: body.name,
    orgNumber: body.orgNumber,
    contact: body.contact,
    status: 'active',
    secretHash: await hashClientSecret(secret),
    secretCreatedAt: now,
    apiKeyId: apiKey.apiKeyId,
    apiKeyHash: createHash('sha256').update(apiKey.value).digest('hex'),
    plan: apiKey.plan,
    usagePlanId: apiKey.usagePlanId,
    publicKeyJwk: body.publicKeyJwk,
    createdAt: now,
    createdBy: ctx.caller.sub,
    version: 1,
  };
  try {
    // The client id is random, so only a contended log can refuse this (429).
    await commitAudited(platformAuditDb(), () => [putNewVendor(record)], [actEvent(ctx, PLATFORM_AUDIT_TENANT, 'vendor.register', 'OPERATE', { details: { clientId, orgNumber: body.orgNumber, apiKeyId: apiKey.apiKeyId } })], []);
  } catch (error) {
    // No vendor record, so no key may stay behind either.
    await deps.apiKeys.deleteKey(apiKey.apiKeyId).catch((e: unknown) => logger.error('could not remove API key of failed registration', { apiKeyId: apiKey.apiKeyId, error: e as Error }));
    throw error;
  }
  return { vendor: vendorView(record), clientId, clientSecret: secret, apiKey: apiKey.value };
}

/** Every vendor client with the grants municipalities gave it (any state), for the operator's list. */
export async function listVendorViews(): Promise<VendorView[]> {
  const vendors = await listVendors();
  const grants = await Promise.all(vendors.map((v) => listVendorGrants(v.clientId)));
  return vendors.map((v, i) => vendorView(v, grants[i] ?? [])).sort((a, b) => a.name.localeCompare(b.name, 'nb'));
}

export async function getVendorView(clientId: string): Promise<VendorView> {
  const vendor = await mustGetVendor(clientId);
  return vendorView(vendor, await listVendorGrants(clientId));
}

/** Replaces the client secret (the old one stops working at once); the new one is shown once. */
export async function rotateVendorSecret(clientId: string, ctx: ActorContext, deps: VendorServiceDeps) {
  const current = await mustGetVendor(clientId);
  const secret = generateClientSecret();
  const now = deps.now().toISOString();
  const next: VendorRecord = { ...current, secretHash: await hashClientSecret(secret), secretCreatedAt: now, changedAt: now, changedBy: ctx.caller.sub, version: current.version + 1 };
  await commitVendor(current, next, [actEvent(ctx, PLATFORM_AUDIT_TENANT, 'vendor.secret.rotate', 'OPERATE', { details: { clientId } })]);
  return { vendor: vendorView(next), clientId, clientSecret: secret };
}

async function commitVendor(current: VendorRecord, next: VendorRecord, events: AuditEventInput[]): Promise<void> {
  await commitAudited(platformAuditDb(), () => [replaceVendor(current, next)], events, [() => new ConflictError(`Leverandøren ${current.clientId} ble endret samtidig; prøv igjen.`)]);
}

/**
 * Disables (or re-enables) a vendor client: its tokens stop working on the next request, whatever
 * the grants say, and its API key is switched off. Each municipality that granted it is told in
 * its own audit log.
 */
export async function setVendorStatus(clientId: string, status: 'active' | 'disabled', reason: string | undefined, ctx: ActorContext, deps: VendorServiceDeps): Promise<VendorView> {
  const current = await mustGetVendor(clientId);
  if (current.status === status) return vendorView(current);
  const now = deps.now().toISOString();
  const next: VendorRecord = { ...current, status, statusReason: status === 'disabled' ? reason : undefined, changedAt: now, changedBy: ctx.caller.sub, version: current.version + 1 };
  const action = status === 'disabled' ? 'vendor.disable' : 'vendor.enable';
  const details = { clientId, ...(reason ? { reason } : {}) };
  await commitVendor(current, next, [actEvent(ctx, PLATFORM_AUDIT_TENANT, action, 'OPERATE', { details })]);
  await deps.apiKeys.setEnabled(current.apiKeyId, status === 'active');
  const granting = (await listVendorGrants(clientId)).filter((g) => g.status === 'active').map((g) => g.tenant);
  await Promise.all(granting.map((t) => appendAudit(jobSession('operator', t).db, [actEvent(ctx, t, action, 'OPERATE', { details })])));
  return vendorView(next);
}

// ---------------------------------------------------------------- tenant admins

/** The vendor systems a tenant admin can choose from: no secrets, no contacts. */
export async function vendorCatalogue() {
  return (await listVendors())
    .filter((v) => v.status === 'active')
    .map((v) => ({ clientId: v.clientId, name: v.name, orgNumber: v.orgNumber, status: v.status }))
    .sort((a, b) => a.name.localeCompare(b.name, 'nb'));
}

export async function listGrantsOfTenant(ctx: TenantAdminContext): Promise<VendorGrantView[]> {
  const grants = await listTenantGrants(ctx.tenant);
  const names = new Map((await listVendors()).map((v) => [v.clientId, v.name]));
  return grants.filter((g) => g.tenant === ctx.tenant).map((g) => grantView(g, names.get(g.clientId)));
}

const grantChanged = () => new ConflictError('Tilgangen ble endret samtidig; prøv igjen.');

/** Lets a vendor act for the admin's municipality within `scopes` (replaces earlier scopes). */
export async function grantVendor(ctx: TenantAdminContext, clientId: string, scopes: string[], deps: Pick<VendorServiceDeps, 'now' | 'usageKeys'>): Promise<VendorGrantView> {
  const vendor = await getVendor(clientId);
  if (!vendor || vendor.status !== 'active') throw new NotFoundError(`Ingen aktiv leverandørklient ${clientId}.`);
  // The vendor's own usage bucket in this municipality (made once; a repeated grant finds it), so
  // it is throttled apart from the municipality's persons and from its other municipalities.
  await deps.usageKeys.ensureBucket({ bucket: { kind: 'vendor', clientId, tenant: ctx.tenant }, plan: vendor.plan ?? 'standard' });
  const current = await getGrant(clientId, ctx.tenant);
  const now = deps.now().toISOString();
  const next: Omit<GrantRecord, 'version'> = { clientId, tenant: ctx.tenant, status: 'active', scopes: [...scopes].sort(), grantedAt: now, grantedBy: ctx.caller.sub };
  await commitAudited(
    ctx.session.db,
    () => [putGrant(current, next), vendorActiveCheck(clientId)],
    [actEvent(ctx, ctx.tenant, 'vendor.grant', 'ADMIN', { details: { clientId, scopes: next.scopes.join(' ') } })],
    [grantChanged, () => new NotFoundError(`Ingen aktiv leverandørklient ${clientId}.`)],
  );
  return grantView({ ...next, version: (current?.version ?? 0) + 1 }, vendor.name);
}

/** Withdraws a grant; the vendor's next request for this municipality is refused. */
export async function revokeGrant(ctx: TenantAdminContext, clientId: string, deps: Pick<VendorServiceDeps, 'now'>): Promise<VendorGrantView> {
  const current = await getGrant(clientId, ctx.tenant);
  if (!current) throw new NotFoundError(`Kommunen har ikke gitt ${clientId} tilgang.`);
  if (current.status === 'revoked') return grantView(current);
  const now = deps.now().toISOString();
  const next: Omit<GrantRecord, 'version'> = { ...current, status: 'revoked', revokedAt: now, revokedBy: ctx.caller.sub };
  await commitAudited(ctx.session.db, () => [putGrant(current, next)], [actEvent(ctx, ctx.tenant, 'vendor.revoke', 'ADMIN', { details: { clientId } })], [grantChanged]);
  return grantView({ ...next, version: current.version + 1 });
}

// ---------------------------------------------------------------- token endpoint

// Compared against when the client is unknown, so a wrong client id costs the same time as a wrong secret.
let dummyHash: Promise<string> | undefined;

/**
 * The OAuth2 client-credentials check: the client exists, is active and presented its secret.
 * Returns the scopes to put in the token (those asked for, or else those any municipality
 * granted), or undefined to refuse. Each request is still checked against the named tenant's grant.
 */
export async function verifyClientCredentials(clientId: string, secret: string, requestedScopes: string[]): Promise<string[] | undefined> {
  const vendor = clientIdSchema.safeParse(clientId).success ? await getVendor(clientId) : undefined;
  if (!vendor) {
    dummyHash ??= hashClientSecret(generateClientSecret());
    await verifyClientSecret(secret, await dummyHash);
    return undefined;
  }
  if (!(await verifyClientSecret(secret, vendor.secretHash)) || vendor.status !== 'active') return undefined;
  const known = new Set<string>(VENDOR_SCOPES);
  if (requestedScopes.length > 0) return [...new Set(requestedScopes.filter((s) => known.has(s)))];
  const granted = (await listVendorGrants(clientId)).filter((g) => g.status === 'active').flatMap((g) => g.scopes);
  return [...new Set(granted)].sort();
}
