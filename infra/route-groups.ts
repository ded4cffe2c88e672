import type { RouteSpec } from '../shared/http/route';

/**
 * Which permissions a function gets.
 * - `data`: acts for tenants through the tenant-scoped role (journal, audit, tenant keys), reads
 *   the control table, uses the region-wide sharing index.
 * - `admin`: the tenant admins' part of the control plane (users, units, vendor grants): writes
 *   the control table and appends audit events under its own role; no tenant role, no tenant keys,
 *   so it cannot read patient data.
 * - `operator`: the operating company's control plane (tenant registry, tenant keys, vendor API
 *   keys); no tenant role, never key material.
 * - `export`: offboarding's export of a municipality's whole journal, decrypted, to the region's
 *   export bucket (the data handover when a municipality leaves). Kept apart from `operator` so
 *   that the functions an operator uses every day can never decrypt: only this one can, only to
 *   read journal records, and only to write them into the export bucket.
 */
export type Plane = 'data' | 'admin' | 'operator' | 'export';

/** Routes whose plane is not the one their roles imply (by route id). */
export const ROUTE_PLANES: Readonly<Record<string, Plane>> = { opsOffboardTenant: 'export' };

/** One Lambda function: the routes of one service on one plane. */
export interface FunctionGroup {
  /** Stable name, used for the function's construct id, log group and bench row: `platform`, `tenants`. */
  name: string;
  service: string;
  plane: Plane;
  routes: RouteSpec[];
}

/** Operator-only routes are operator plane, tenant-admin-only routes admin plane, the rest data plane. */
export function planeOf(route: RouteSpec): Plane {
  const fixed = ROUTE_PLANES[route.id];
  if (fixed) return fixed;
  if (route.roles === undefined || route.roles.length === 0) return 'data';
  if (route.roles.every((r) => r === 'operator')) return 'operator';
  if (route.roles.every((r) => r === 'tenant-admin')) return 'admin';
  return 'data';
}

const SUFFIX: Record<Plane, string> = { data: '', admin: '-admin', operator: '-ops', export: '-export' };

/**
 * Groups the route table into functions: one per service, split by plane where a service has
 * routes on more than one (least privilege: the control-plane part must not hold the tenant-scoped
 * role, and the data part must not write the registry or manage keys). New services and routes in
 * functions/routes.ts become functions without any infra change.
 */
export function groupRoutes(routes: readonly RouteSpec[]): FunctionGroup[] {
  const byKey = new Map<string, FunctionGroup>();
  const planesOf = new Map<string, Set<Plane>>();
  for (const route of routes) {
    if (!/^[a-z][a-z0-9-]*$/.test(route.service)) throw new Error(`Route ${route.id}: service name "${route.service}" must be lower-case kebab-case`);
    (planesOf.get(route.service) ?? planesOf.set(route.service, new Set()).get(route.service)!).add(planeOf(route));
  }
  const seen = new Set<string>();
  for (const route of routes) {
    const key = `${route.method} ${route.path}`;
    if (seen.has(key)) throw new Error(`Route ${route.id}: ${key} is defined twice`);
    seen.add(key);
    const plane = planeOf(route);
    const split = planesOf.get(route.service)!.size > 1;
    const name = split ? `${route.service}${SUFFIX[plane]}` : route.service;
    const group = byKey.get(name) ?? { name, service: route.service, plane, routes: [] };
    group.routes.push(route);
    byKey.set(name, group);
  }
  return [...byKey.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** PascalCase construct id for a group name: `tenants-ops` -> `TenantsOps`. */
export function constructId(name: string): string {
  return name
    .split(/[^a-zA-Z0-9]+/)
    .filter(Boolean)
    .map((p) => p[0]!.toUpperCase() + p.slice(1))
    .join('');
}
