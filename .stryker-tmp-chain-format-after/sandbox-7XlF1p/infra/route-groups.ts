// @ts-nocheck
import type { Plane, RouteSpec } from '../shared/http/route';

export type { Plane };

/** One Lambda function: the routes of one service on one plane. */
export interface FunctionGroup {
  /** Stable name, used for the function's construct id, log group and bench row: `platform`, `tenants`. */
  name: string;
  service: string;
  plane: Plane;
  routes: RouteSpec[];
}

/** The plane of a route's function: the route's own `plane` field, nothing else. */
export function planeOf(route: RouteSpec): Plane {
  return route.plane;
}

const SUFFIX: Record<Plane, string> = { data: '', admin: '-admin', operator: '-ops', export: '-export', anchor: '-anchor' };

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
    if (!Object.hasOwn(SUFFIX, route.plane)) throw new Error(`Route ${route.id}: plane "${String(route.plane)}" is not one of ${Object.keys(SUFFIX).join(', ')}`);
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
