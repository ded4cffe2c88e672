import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { isVendorClientId, type Caller, type VerifiedIdentity } from '../auth/caller';
import { config } from '../config';
import { dynamo } from '../db/client';
import { isTenantId } from '../db/keys';
import { platformDb } from '../db/sessions';
import { ForbiddenError, TenantSuspendedError, ValidationError } from '../errors';
import type { RouteSpec } from '../http/route';
import { controlKeys } from './control-keys';
import { TenantDirectory, type TenantProfile } from './tenant-profile';
import { tenantOfOrgnr } from './tenant-store';
import { getPidIndexEntry, getUserItem, parseUserItem, pidKey } from './user-store';

async function getControlItem(key: { pk: string; sk: string }): Promise<Record<string, unknown> | undefined> {
  const out = await dynamo().send(
    new GetItemCommand({ TableName: config().tables.control, Key: marshall(key), ConsistentRead: true }),
  );
  return out.Item ? unmarshall(out.Item) : undefined;
}

/**
 * The scopes a tenant granted a vendor client, or undefined when there is no live grant or the
 * operator has disabled the client (which voids every grant at once).
 */
export async function vendorGrantScopes(clientId: string, tenant: string): Promise<string[] | undefined> {
  const [grant, vendor] = await Promise.all([getControlItem(controlKeys.vendorGrant(clientId, tenant)), getControlItem(controlKeys.vendor(clientId))]);
  return grantedScopes(grant, vendor);
}

/** The scopes in a grant item, or undefined unless both the grant and its vendor are active. */
function grantedScopes(grant: Record<string, unknown> | undefined, vendor: Record<string, unknown> | undefined): string[] | undefined {
  if (!grant || grant.status !== 'active') return undefined;
  if (!vendor || vendor.status !== 'active') return undefined;
  return Array.isArray(grant.scopes) ? (grant.scopes as string[]) : [];
}

/** A route's scopes the tenant did not grant the vendor, or the token does not carry. */
function assertScopes(route: RouteSpec, granted: string[] | undefined, tokenScopes: string[]): void {
  if (!granted) throw new ForbiddenError('Kommunen har ikke gitt dette leverandørsystemet tilgang.');
  const missing = (route.scopes ?? []).filter((s) => !granted.includes(s) || !tokenScopes.includes(s));
  if (missing.length > 0) throw new ForbiddenError(`Mangler scope: ${missing.join(', ')}.`, { missingScopes: missing });
}

/** Routes without scopes are not open to vendor systems, as themselves or on behalf of a person. */
function assertVendorRoute(route: RouteSpec): void {
  if (!route.scopes) throw new ForbiddenError('Denne operasjonen er ikke åpen for leverandørsystemer.');
}

/** The refusal of a verified person the registry does not know (logged with this reason). */
function notRegistered(): ForbiddenError {
  return new ForbiddenError('Du er ikke registrert som bruker i Fellesjournal.', { reason: 'not-registered' });
}

/** A vendor client acting as itself: the token's scopes, the `vendor` role, no person behind it. */
function clientCaller(identity: VerifiedIdentity): Caller {
  return { sub: identity.sub, kind: 'client', roles: ['vendor'], scopes: identity.scopes, name: identity.name, clientId: identity.clientId, expiresAt: identity.expiresAt };
}

/**
 * Whether the identity provider vouched for the person at a high level: HelseID security level 4
 * (BankID, Buypass), or assurance level "high" (ID-porten / Helsenorge "high").
 */
export function isHighAssurance(identity: VerifiedIdentity): boolean {
  return identity.securityLevel === '4' || identity.assuranceLevel === 'high';
}

/**
 * The citizen rule. A verified person who is not in the registry may still use the citizen
 * services, and only those, for their own record: at a high security level, as Helsenorge
 * requires, they act with the single role `citizen`, mapped to their record by their pid. Their
 * subject is a keyed hash of the pid (stable, not the number). Below high they are refused.
 */
async function unregisteredCitizen(identity: VerifiedIdentity): Promise<Caller> {
  if (!identity.pid || !isHighAssurance(identity)) throw notRegistered();
  const hex = Buffer.from(await pidKey(identity.pid), 'base64url').toString('hex').slice(0, 24);
  return { sub: `innbygger.h${hex}`, kind: 'person', roles: ['citizen'], scopes: identity.scopes, name: identity.name, pid: identity.pid, expiresAt: identity.expiresAt };
}

/**
 * A registered person as the registry has them now: roles, municipality, unit, profession and
 * status are read on this request, so a change by a tenant admin holds from the next request.
 * Refuses a user who is gone, disabled, or whose registered pid is not the token's.
 */
function registeredPerson(identity: VerifiedIdentity, item: Record<string, unknown> | undefined): Caller {
  const user = parseUserItem(item);
  if (!user || user.pid !== identity.pid) throw notRegistered();
  if (user.status !== 'active') throw new ForbiddenError('Brukeren er deaktivert.', { reason: 'disabled' });
  return {
    sub: user.id,
    kind: 'person',
    roles: user.roles,
    scopes: identity.scopes,
    name: user.name,
    pid: identity.pid,
    // The HPR number HelseID vouches for; the registry's where the token carries none.
    hpr: identity.hpr ?? user.hpr,
    profession: user.profession,
    tenant: user.tenant,
    unit: user.unit,
    expiresAt: identity.expiresAt,
  };
}

/** The route's roles (if any) are among the caller's registry roles. */
export function assertRouteRoles(route: RouteSpec, caller: Caller): void {
  if (route.roles && !caller.roles.some((r) => route.roles?.includes(r))) {
    throw new ForbiddenError('Rollen din gir ikke tilgang til denne operasjonen.');
  }
}

/**
 * The caller behind a verified identity, for routes that act in no tenant: a client as itself; a
 * person from the registry by pid (two reads: the pid index, then the user), or as an
 * unregistered citizen. Checks the route's roles.
 */
export async function resolveCaller(route: RouteSpec, identity: VerifiedIdentity): Promise<Caller> {
  // A vendor on behalf of a person: only routes open to vendors, and only for a registered person.
  if (identity.kind === 'person' && isVendorClientId(identity.clientId)) assertVendorRoute(route);
  if (identity.kind === 'client') {
    const caller = clientCaller(identity);
    assertRouteRoles(route, caller);
    return caller;
  }
  const entry = identity.pid ? await getPidIndexEntry(identity.pid) : undefined;
  if (entry) {
    const caller = registeredPerson(identity, await getUserItem(entry.userId));
    assertRouteRoles(route, caller);
    return caller;
  }
  // A vendor system acts for registered health personnel only, never as a citizen's app.
  if (isVendorClientId(identity.clientId)) throw notRegistered();
  const citizen = await unregisteredCitizen(identity);
  // Outside the citizen services, an unregistered person is refused as such.
  if (route.roles && !route.roles.includes('citizen')) throw notRegistered();
  return citizen;
}

/** Municipalities by organisasjonsnummer, per container: an orgnr, once registered, never moves to another tenant. */
const orgnrTenants = new Map<string, string>();

/** The tenant an orgnr is registered to (only hits are cached, so a municipality provisioned later is found). */
async function tenantByOrgnr(orgnr: string): Promise<string | undefined> {
  const hit = orgnrTenants.get(orgnr);
  if (hit) return hit;
  const tenant = await tenantOfOrgnr(orgnr);
  if (tenant) {
    if (orgnrTenants.size >= 1000) orgnrTenants.clear();
    orgnrTenants.set(orgnr, tenant);
  }
  return tenant;
}

/**
 * The municipality a vendor system acting as itself acts in: the organisation HelseID vouched for
 * in the token (`orgnr_child`, else `orgnr_parent`), mapped to its tenant by the registry. The
 * `x-tenant` header may only repeat it. Whether that municipality granted the vendor is checked
 * after this (the grant), so the vendor reaches a municipality only where both agree.
 */
async function clientTenant(identity: VerifiedIdentity, named: string | undefined): Promise<string> {
  if (!identity.orgnr) {
    throw new ForbiddenError('Tokenet nevner ingen organisasjon (orgnr_child/orgnr_parent); be HelseID om et token for kommunen.', { reason: 'no-orgnr' });
  }
  const tenant = await tenantByOrgnr(identity.orgnr);
  if (!tenant) throw new ForbiddenError('Organisasjonen i tokenet er ingen kommune i Fellesjournal.', { reason: 'unknown-orgnr' });
  if (named !== undefined && named !== tenant) {
    throw new ForbiddenError('x-tenant stemmer ikke med organisasjonen i tokenet.', { reason: 'tenant-mismatch' });
  }
  return tenant;
}

/** The tenant a request acts in, the registry entries read with it, and the caller as the registry has them. */
export interface ResolvedTenant {
  tenant: string;
  /** Holds the tenant's profile and those of the route's `otherTenants`, read in one round trip. */
  registry: TenantDirectory;
  caller: Caller;
}

/** What one request reads of the registry, decided before it is read: the keys, and what they stand for. */
interface RegistryPlan {
  tenant: string;
  /** The tenant, then the route's otherTenants: the first items of the read. */
  tenants: string[];
  /** The registered person's user item, read after the tenants. */
  userId?: string;
  /** A vendor client acting as itself (its caller is the token's), else undefined. */
  client?: Caller;
  /** The vendor whose grant in `tenant` (and whose own item) is read last: the client itself, or the vendor acting on behalf of the person. */
  vendor?: string;
  keys: { pk: string; sk: string }[];
}

/**
 * Which registry items the request needs, and the refusals that need none of them: a route not
 * open to vendors, a token naming no registered person or no municipality. The pid index entry
 * and the orgnr's tenant are cached per container (they never change), so in the steady state
 * this reads nothing.
 */
async function planRegistry(route: RouteSpec, identity: VerifiedIdentity, headers: Record<string, string>, pathParams: Record<string, string | undefined>): Promise<RegistryPlan> {
  let tenant: string;
  let client: Caller | undefined;
  let userId: string | undefined;
  let vendor: string | undefined;
  if (identity.kind === 'client') {
    client = clientCaller(identity);
    assertRouteRoles(route, client);
    const named = headers['x-tenant'];
    if (named !== undefined && !isTenantId(named)) {
      throw new ValidationError('x-tenant må være et kommunenummer.', [{ field: 'headers.x-tenant', message: 'Fire sifre' }]);
    }
    assertVendorRoute(route);
    if (!client.clientId) throw new ForbiddenError('Denne operasjonen er ikke åpen for leverandørsystemer.');
    tenant = await clientTenant(identity, named);
    vendor = client.clientId;
  } else {
    // A person's token issued to a vendor system: the vendor acts on behalf of that person.
    const onBehalfOf = isVendorClientId(identity.clientId) ? identity.clientId : undefined;
    if (onBehalfOf) assertVendorRoute(route);
    const entry = identity.pid ? await getPidIndexEntry(identity.pid) : undefined;
    // Not in the registry: at most a citizen, who acts in no municipality.
    if (!entry) throw notRegistered();
    if (!entry.tenant) {
      // A platform user: refused as the registry has them (disabled, say), else as of no municipality.
      assertRouteRoles(route, registeredPerson(identity, await getUserItem(entry.userId)));
      throw new ForbiddenError('Brukeren er ikke knyttet til en kommune.');
    }
    userId = entry.userId;
    tenant = entry.tenant;
    vendor = onBehalfOf;
  }
  const others = [...new Set((route.otherTenants?.(pathParams) ?? []).filter((t) => isTenantId(t) && t !== tenant))];
  const tenants = [tenant, ...others];
  // The vendor's grant in the municipality (for a client and on behalf of a person), read with the rest.
  const grantKeys = vendor ? [controlKeys.vendorGrant(vendor, tenant), controlKeys.vendor(vendor)] : [];
  const keys = [...tenants.map((t) => controlKeys.tenant(t)), ...(userId ? [controlKeys.user(userId)] : []), ...grantKeys];
  return { tenant, tenants, ...(userId ? { userId } : {}), ...(client ? { client } : {}), ...(vendor ? { vendor } : {}), keys };
}

/** The registry's answer from the items of a plan (in the plan's key order): a pure function, so the same items give the same answer. */
function admitFrom(plan: RegistryPlan, route: RouteSpec, identity: VerifiedIdentity, items: readonly (Record<string, unknown> | undefined)[]): ResolvedTenant {
  const { tenant, tenants } = plan;
  const at = tenants.length + (plan.userId ? 1 : 0);
  const [grant, vendor] = plan.vendor ? [items[at], items[at + 1]] : [undefined, undefined];
  let caller: Caller;
  if (plan.client) {
    caller = plan.client;
    assertScopes(route, grantedScopes(grant, vendor), caller.scopes);
  } else {
    caller = registeredPerson(identity, items[tenants.length]);
    assertRouteRoles(route, caller);
    // The index names the tenant the user was created in; a user item saying otherwise is refused.
    if (caller.tenant !== tenant) throw new ForbiddenError('Brukeren er ikke knyttet til en kommune.');
    if (plan.vendor) {
      // Both must allow it: the person's registry roles (above) and the vendor's grant and token scopes.
      assertScopes(route, grantedScopes(grant, vendor), identity.scopes);
      caller = { ...caller, clientId: plan.vendor, ...(typeof vendor?.name === 'string' ? { clientName: vendor.name } : {}) };
    }
  }
  const profiles = tenants.map((t, i) => [t, items[i] as TenantProfile | undefined] as [string, TenantProfile | undefined]);
  const status = profiles[0]?.[1]?.status;
  if (status === undefined) throw new ForbiddenError('Ukjent kommune.');
  if (status !== 'active') throw new TenantSuspendedError(tenant, status);
  return { tenant, registry: new TenantDirectory(profiles), caller };
}

/**
 * Decides who the caller is, which tenant the request acts in and whether the caller may act
 * there: a person in their own registry municipality; a vendor client in the municipality whose
 * organisasjonsnummer its token carries (`x-tenant`, if sent, must name the same), if that tenant
 * granted it the route's scopes. The tenant must be active. One round trip to the registry in the
 * steady state (the pid index entry, or for a client the orgnr's tenant, is cached per container,
 * since they never change): the tenant's profile and those of the route's `otherTenants`, the
 * person's user item and a vendor's grant together, every request, so a suspension, a disabled
 * user, a role taken away or a move to another unit holds at once.
 */
export async function resolveTenant(route: RouteSpec, identity: VerifiedIdentity, headers: Record<string, string>, pathParams: Record<string, string | undefined> = {}): Promise<ResolvedTenant> {
  const plan = await planRegistry(route, identity, headers, pathParams);
  return admitFrom(plan, route, identity, await readRegistry(plan));
}

/**
 * The registry items this container read last for a plan's keys (the same keys: the same caller,
 * tenant and vendor). Only a guess at what the registry says now: a request may start on it
 * (admitTenant), but is held until this request's own read says the same.
 */
const lastRead = new Map<string, { items: (Record<string, unknown> | undefined)[]; canonical: string }>();
const LAST_READ_MAX = 1_000;

function planId(plan: RegistryPlan): string {
  return plan.keys.map((k) => `${k.pk}\u0000${k.sk}`).join('\u0001');
}

/**
 * The items as one string, for "the same as before?": JSON in the order the attributes came (a
 * different order only costs a re-run, never a wrong answer), sets and bytes spelt out (registry
 * items hold neither today). Cheaper per request than canonical JSON.
 */
function canonicalItems(items: readonly (Record<string, unknown> | undefined)[]): string {
  return JSON.stringify(items, (_key, value: unknown) => {
    if (value === undefined) return null;
    if (value instanceof Set) return { set: [...(value as Set<unknown>)] };
    if (value instanceof Uint8Array) return { bytes: Buffer.from(value).toString('base64') };
    return value;
  });
}

async function readRegistry(plan: RegistryPlan): Promise<(Record<string, unknown> | undefined)[]> {
  const items = await platformDb().getMany('control', plan.keys);
  if (lastRead.size >= LAST_READ_MAX) lastRead.clear();
  lastRead.set(planId(plan), { items, canonical: canonicalItems(items) });
  return items;
}

/** How a request is admitted: the registry's answer, and whether it still has to be confirmed. */
export interface TenantAdmission {
  /** Who the caller is and where they act, per the registry. */
  resolved: ResolvedTenant;
  /**
   * Present when `resolved` came from the registry items this container read on an earlier
   * request while this request's own read is still under way: resolves to undefined when that read
   * says the same, to the new answer when the registry changed, and rejects with the refusal (or
   * the read's failure) when it now refuses the caller. Until it resolves to undefined, nothing of
   * the request may be written, decrypted or answered (shared/http/handler.ts).
   */
  confirm?: Promise<ResolvedTenant | undefined>;
}

/**
 * resolveTenant for a route whose use case may start before the registry has answered
 * (`ahead`): when this container has read the same registry items before, the request starts on
 * them while its own read runs beside the use case's first read (one round trip less), and
 * `confirm` says whether they still hold. Without an earlier read, or when the earlier items
 * refuse, it is resolveTenant: the registry read first.
 */
export async function admitTenant(route: RouteSpec, identity: VerifiedIdentity, headers: Record<string, string>, pathParams: Record<string, string | undefined>, ahead: boolean): Promise<TenantAdmission> {
  const plan = await planRegistry(route, identity, headers, pathParams);
  const known = ahead ? lastRead.get(planId(plan)) : undefined;
  if (known) {
    let guessed: ResolvedTenant | undefined;
    try {
      guessed = admitFrom(plan, route, identity, known.items);
    } catch {
      // Refused on what was read before: decided on this request's own read, below.
    }
    if (guessed) {
      const confirm = readRegistry(plan).then((items) => (canonicalItems(items) === known.canonical ? undefined : admitFrom(plan, route, identity, items)));
      return { resolved: guessed, confirm };
    }
  }
  return { resolved: admitFrom(plan, route, identity, await readRegistry(plan)) };
}
