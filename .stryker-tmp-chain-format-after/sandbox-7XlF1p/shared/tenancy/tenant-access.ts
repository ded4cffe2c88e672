// @ts-nocheck
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

/** The tenant a request acts in, the registry entries read with it, and the caller as the registry has them. */
export interface ResolvedTenant {
  tenant: string;
  /** Holds the tenant's profile and those of the route's `otherTenants`, read in one round trip. */
  registry: TenantDirectory;
  caller: Caller;
}

/**
 * Decides who the caller is, which tenant the request acts in and whether the caller may act
 * there: a person in their own registry municipality; a vendor client in the tenant named by
 * `x-tenant`, if that tenant granted it the route's scopes. The tenant must be active. At most two
 * round trips to the registry: the pid index (or the client's grant; the pid entry is cached per
 * container, since it never changes), then the person's user item, the tenant's profile and those
 * of the route's `otherTenants` together, every request, so a
 * suspension, a disabled user, a role taken away or a move to another unit holds at once.
 */
export async function resolveTenant(route: RouteSpec, identity: VerifiedIdentity, headers: Record<string, string>, pathParams: Record<string, string | undefined> = {}): Promise<ResolvedTenant> {
  let tenant: string | undefined;
  let caller: Caller | undefined;
  let userId: string | undefined;
  // A person's token issued to a vendor system: the vendor acts on behalf of that person.
  const onBehalfOf = identity.kind === 'person' && isVendorClientId(identity.clientId) ? identity.clientId : undefined;
  if (identity.kind === 'client') {
    caller = clientCaller(identity);
    assertRouteRoles(route, caller);
    tenant = headers['x-tenant'];
    if (!tenant || !isTenantId(tenant)) {
      throw new ValidationError('Oppgi kommunenummer i x-tenant.', [{ field: 'headers.x-tenant', message: 'Påkrevd: fire sifre' }]);
    }
    assertVendorRoute(route);
    if (!caller.clientId) throw new ForbiddenError('Denne operasjonen er ikke åpen for leverandørsystemer.');
    assertScopes(route, await vendorGrantScopes(caller.clientId, tenant), caller.scopes);
  } else {
    if (onBehalfOf) assertVendorRoute(route);
    const entry = identity.pid ? await getPidIndexEntry(identity.pid) : undefined;
    // Not in the registry: at most a citizen, who acts in no municipality.
    if (!entry) throw notRegistered();
    userId = entry.userId;
    tenant = entry.tenant;
  }
  const others = tenant ? [...new Set((route.otherTenants?.(pathParams) ?? []).filter((t) => isTenantId(t) && t !== tenant))] : [];
  const tenants = tenant ? [tenant, ...others] : [];
  // On behalf of a person: the vendor's grant in the person's municipality, read with the rest.
  const grantKeys = onBehalfOf && tenant ? [controlKeys.vendorGrant(onBehalfOf, tenant), controlKeys.vendor(onBehalfOf)] : [];
  const keys = [...tenants.map((t) => controlKeys.tenant(t)), ...(userId ? [controlKeys.user(userId)] : []), ...grantKeys];
  const items = await platformDb().getMany('control', keys);
  if (identity.kind === 'person') {
    caller = registeredPerson(identity, items[tenants.length]);
    assertRouteRoles(route, caller);
    // The index names the tenant the user was created in; a user item saying otherwise is refused.
    if (!tenant || caller.tenant !== tenant) throw new ForbiddenError('Brukeren er ikke knyttet til en kommune.');
    if (onBehalfOf) {
      // Both must allow it: the person's registry roles (above) and the vendor's grant and token scopes.
      const [grant, vendor] = [items[tenants.length + 1], items[tenants.length + 2]];
      assertScopes(route, grantedScopes(grant, vendor), identity.scopes);
      caller = { ...caller, clientId: onBehalfOf, ...(typeof vendor?.name === 'string' ? { clientName: vendor.name } : {}) };
    }
  }
  if (!tenant || !caller) throw new ForbiddenError('Brukeren er ikke knyttet til en kommune.');
  const profiles = tenants.map((t, i) => [t, items[i] as TenantProfile | undefined] as [string, TenantProfile | undefined]);
  const status = profiles[0]?.[1]?.status;
  if (status === undefined) throw new ForbiddenError('Ukjent kommune.');
  if (status !== 'active') throw new TenantSuspendedError(tenant, status);
  return { tenant, registry: new TenantDirectory(profiles), caller };
}
