import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { Caller } from '../auth/caller';
import { config } from '../config';
import { dynamo } from '../db/client';
import { isTenantId } from '../db/keys';
import { platformDb } from '../db/sessions';
import { ForbiddenError, TenantSuspendedError, ValidationError } from '../errors';
import type { RouteSpec } from '../http/route';
import { controlKeys } from './control-keys';
import { TenantDirectory, type TenantProfile } from './tenant-profile';

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
  if (!grant || grant.status !== 'active') return undefined;
  if (!vendor || vendor.status !== 'active') return undefined;
  return Array.isArray(grant.scopes) ? (grant.scopes as string[]) : [];
}

/**
 * Whether a person's token still matches their registry entry: a tenant admin may have disabled
 * them or taken a role away since the token was issued, and that must hold from the next request.
 * People not in the registry (an external issuer's subjects) are left to the token alone.
 */
function assertPersonStillValid(caller: Caller, user: Record<string, unknown> | undefined): void {
  if (!user) return;
  if (user.status !== 'active') throw new ForbiddenError('Brukeren er deaktivert.');
  if (user.tenant !== caller.tenant) throw new ForbiddenError('Brukeren er ikke lenger knyttet til denne kommunen.');
  const current = Array.isArray(user.roles) ? (user.roles as string[]) : [];
  if (caller.roles.some((r) => !current.includes(r))) throw new ForbiddenError('Rollene dine er endret; logg inn på nytt.');
}

/** The tenant a request acts in, and the registry entries read with it. */
export interface ResolvedTenant {
  tenant: string;
  /** Holds the tenant's profile and those of the route's `otherTenants`, read in one round trip. */
  registry: TenantDirectory;
}

/**
 * Decides which tenant a request acts in and whether the caller may act there: a person in their
 * own tenant; a vendor client in the tenant named by `x-tenant`, if that tenant granted it the
 * route's scopes. The tenant must be active. The tenant's registry entry, the person's and those
 * of the other municipalities the route names (`otherTenants`) are read in one round trip, every
 * request, so a suspension or a disabled user takes effect at once.
 */
export async function resolveTenant(route: RouteSpec, caller: Caller, headers: Record<string, string>, pathParams: Record<string, string | undefined> = {}): Promise<ResolvedTenant> {
  let tenant: string | undefined;
  if (caller.kind === 'client') {
    tenant = headers['x-tenant'];
    if (!tenant || !isTenantId(tenant)) {
      throw new ValidationError('Oppgi kommunenummer i x-tenant.', [{ field: 'headers.x-tenant', message: 'Påkrevd: fire sifre' }]);
    }
    if (!route.scopes || !caller.clientId) throw new ForbiddenError('Denne operasjonen er ikke åpen for leverandørsystemer.');
    const granted = await vendorGrantScopes(caller.clientId, tenant);
    if (!granted) throw new ForbiddenError('Kommunen har ikke gitt dette leverandørsystemet tilgang.');
    const missing = route.scopes.filter((s) => !granted.includes(s) || !caller.scopes.includes(s));
    if (missing.length > 0) throw new ForbiddenError(`Mangler scope: ${missing.join(', ')}.`, { missingScopes: missing });
  } else {
    tenant = caller.tenant;
    if (!tenant) throw new ForbiddenError('Brukeren er ikke knyttet til en kommune.');
  }
  const others = [...new Set((route.otherTenants?.(pathParams) ?? []).filter((t) => isTenantId(t) && t !== tenant))];
  const tenants = [tenant, ...others];
  const keys = [...tenants.map((t) => controlKeys.tenant(t)), ...(caller.kind === 'person' ? [controlKeys.user(caller.sub)] : [])];
  const items = await platformDb().getMany('control', keys);
  const profiles = tenants.map((t, i) => [t, items[i] as TenantProfile | undefined] as [string, TenantProfile | undefined]);
  if (caller.kind === 'person') assertPersonStillValid(caller, items[tenants.length]);
  const status = profiles[0]?.[1]?.status;
  if (status === undefined) throw new ForbiddenError('Ukjent kommune.');
  if (status !== 'active') throw new TenantSuspendedError(tenant, status);
  return { tenant, registry: new TenantDirectory(profiles) };
}
