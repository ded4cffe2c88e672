// @ts-nocheck
import { problemSchema } from '../contracts/common';
import type { ResponseSpec, RouteSpec } from './route';

/** The problem+json statuses a route can answer with (shared/http/problem.ts maps errors to them). */
export type ProblemStatus = 400 | 401 | 403 | 404 | 409 | 412 | 415 | 428 | 429 | 500;

/** The platform's wording of each problem; a service words its own where it can say more. */
const DEFAULT_PROBLEMS: Record<ProblemStatus, string> = {
  400: 'Invalid input (each field named)',
  401: 'No valid token',
  403: 'Not allowed for this role or vendor scope, or the municipality is suspended',
  404: 'Not found',
  409: 'The current state does not allow this, or the Idempotency-Key was used for another request',
  412: 'If-Match names an old version',
  415: 'The body is not application/json',
  428: 'If-Match missing',
  429: 'Too many concurrent changes; retry',
  500: 'Unexpected error (the answer names only the request id)',
};

export interface ServiceSpec<S extends string> {
  /** The owning service of every route defined through it; CDK groups functions by it. */
  service: S;
  /** The service's wording of problem responses, where it says more than the platform's. */
  problems?: Partial<Record<ProblemStatus, string>>;
}

/** A route as a service defines it: no `service` (the service gives it), and the problems it adds. */
export type ServiceRouteSpec = Omit<RouteSpec, 'service'> & {
  /**
   * Problems the route answers with beyond those its own fields imply (400 for any input, 415 for
   * a body, 401 for a token, 403 for roles, tenant or vendor refusal, 500 always): 404, 409, 412,
   * 428, 429. A problem status in `responses` gives the route's own wording.
   */
  problems?: readonly ProblemStatus[];
};

export interface Service<S extends string> {
  service: S;
  /** One route of the service, with its problem responses; keeps the route's literal types. */
  route<const R extends ServiceRouteSpec>(route: R): Omit<R, 'problems'> & { service: S };
}

/** The problems a route's own fields imply: what the one middleware stack (handler.ts) may answer. */
export function impliedProblems(route: Omit<RouteSpec, 'service' | 'responses' | 'summary' | 'handler' | 'id'>): ProblemStatus[] {
  const out: ProblemStatus[] = [];
  if (route.body || route.query || route.params || route.headers) out.push(400);
  if (route.auth === 'token') {
    out.push(401);
    // Roles, the tenant (suspended, not granted) and vendor scopes are checked before the handler runs.
    if (route.roles || route.tenant === 'caller' || route.scopes === undefined) out.push(403);
  }
  if (route.body) out.push(415);
  out.push(500);
  return out;
}

/**
 * A service: the one place its routes get their shared problem responses (problem+json, listed in
 * /openapi.json). Routes name only the problems their own use case adds.
 */
export function defineService<const S extends string>(spec: ServiceSpec<S>): Service<S> {
  const wording = { ...DEFAULT_PROBLEMS, ...spec.problems };
  return {
    service: spec.service,
    route(route) {
      const { problems = [], responses, ...rest } = route;
      const out: Record<number, ResponseSpec> = {};
      for (const status of [...impliedProblems(route), ...problems]) out[status] = { description: wording[status], schema: problemSchema };
      for (const [status, response] of Object.entries(responses)) {
        out[Number(status)] = Number(status) >= 400 ? { schema: problemSchema, ...response } : response;
      }
      return { ...rest, service: spec.service, responses: out } as unknown as Omit<typeof route, 'problems'> & { service: S };
    },
  };
}
