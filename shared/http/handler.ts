import { randomUUID } from 'node:crypto';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { Caller, VerifiedIdentity } from '../auth/caller';
import { bearerChallenge, makeTokenVerifier, type TokenVerifier } from '../auth/verify-token';
import { config } from '../config';
import { openRequestSessions, type RequestSessions } from '../db/session-source';
import type { TenantSession } from '../db/sessions';
import { DomainError, ForbiddenError } from '../errors';
import { METRICS } from '../metric-names';
import { logger, metrics, tenantMetric, traceMiddleware } from '../observability';
import { admitTenant, resolveCaller, resolveTenant, type ResolvedTenant } from '../tenancy/tenant-access';
import type { TenantDirectory } from '../tenancy/tenant-profile';
import { etagOf } from './etag';
import { problemFromError, problemHeaders, problemLanguage, PROBLEM_CONTENT_TYPE } from './problem';
import type { RouteInput, RouteSpec } from './route';
import { lowerHeaders, validateRequest } from './validate';

export interface HttpResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** A write's HTTP answer: 201 + Location when created, else 200; the ETag names the new version. */
export function writeResult(outcome: { value: unknown; version: number; created: boolean }, location?: string): HttpResult {
  return {
    status: outcome.created ? 201 : 200,
    body: outcome.value,
    headers: { etag: etagOf(outcome.version), ...(outcome.created && location ? { location } : {}) },
  };
}

/** A read's HTTP answer with the version's ETag. */
export function readResult(value: unknown, version: number): HttpResult {
  return { status: 200, body: value, headers: { etag: etagOf(version) } };
}

/** What a handler receives: validated input, the verified caller and the tenant it acts in. */
/** A route that acts in the caller's municipality but is open to citizens too, who act in none (their own record only). */
type CitizenToo<R extends RouteSpec> = 'citizen' extends NonNullable<R['roles']>[number] ? true : false;

export type HttpRequest<R extends RouteSpec> = RouteInput<R> & {
  caller: R['auth'] extends 'token' ? Caller : Caller | undefined;
  tenant: R['tenant'] extends 'caller' ? (CitizenToo<R> extends true ? string | undefined : string) : undefined;
  /** Registry entries read with the tenant (its own, and the route's otherTenants). */
  registry: R['tenant'] extends 'caller' ? (CitizenToo<R> extends true ? TenantDirectory | undefined : TenantDirectory) : undefined;
  /** The session of the tenant the request acts in: the only way to its data (shared/db/sessions.ts). */
  session: R['tenant'] extends 'caller' ? (CitizenToo<R> extends true ? TenantSession | undefined : TenantSession) : undefined;
  /** Every session of this request (own, citizen, sharing-read), bound to the verified caller. */
  sessions: R['auth'] extends 'token' ? RequestSessions : RequestSessions | undefined;
  requestId: string;
  correlationId: string;
  event: APIGatewayProxyEvent;
};

export interface StackDeps {
  verifyToken: TokenVerifier;
  resolveCaller: typeof resolveCaller;
  resolveTenant: typeof resolveTenant;
  /** resolveTenant that may answer from an earlier read while this request's read runs beside the use case. */
  admitTenant: typeof admitTenant;
  /** Opens the request's sessions from the verified caller (vended in AWS); see shared/db/session-source.ts. */
  openSessions: typeof openRequestSessions;
}

let defaultVerifier: TokenVerifier | undefined;

/** The container's dependencies, built once from config on first request. */
export function defaultStackDeps(): StackDeps {
  return {
    verifyToken: (header) => {
      if (!defaultVerifier) {
        const { oidc } = config();
        defaultVerifier = makeTokenVerifier({ issuer: oidc.issuer, jwks: oidc.jwksUrl, audience: oidc.audience });
      }
      return defaultVerifier(header);
    },
    resolveCaller,
    resolveTenant,
    admitTenant,
    openSessions: openRequestSessions,
  };
}

const baseHeaders = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
};

function json(status: number, body: unknown, requestId: string, contentType = 'application/json', extra: Record<string, string> = {}): APIGatewayProxyResult {
  return {
    statusCode: status,
    headers: { ...baseHeaders, 'content-type': contentType, 'x-request-id': requestId, ...extra },
    body: body === undefined ? '' : JSON.stringify(body),
  };
}

function requestIds(event: APIGatewayProxyEvent): { requestId: string; correlationId: string } {
  const headers = lowerHeaders(event);
  const requestId = event.requestContext?.requestId || randomUUID();
  const given = headers['x-correlation-id'];
  const correlationId = given && /^[A-Za-z0-9._:-]{1,128}$/.test(given) ? given : requestId;
  return { requestId, correlationId };
}

/**
 * The one middleware stack every HTTP handler uses: Powertools Logger (correlation id, tenant and
 * user on every line), Metrics and Tracer; token verification; JSON parsing and zod validation
 * (400 problem+json naming each field) before any I/O; the caller from the registry with its
 * roles and tenant (a person not in the registry, disabled, or in a suspended tenant gets 403;
 * at most two registry reads); a 401 with a Bearer challenge; domain
 * errors as problem+json; anything unexpected as a bare 500 naming only the request id.
 */
export function httpHandler<R extends RouteSpec>(
  route: R,
  impl: (request: HttpRequest<R>) => Promise<HttpResult>,
  deps: StackDeps = defaultStackDeps(),
) {
  const base = async (event: APIGatewayProxyEvent, _context: Context): Promise<APIGatewayProxyResult> => {
    const started = Date.now();
    const { requestId, correlationId } = requestIds(event);
    logger.appendKeys({ route: route.id, correlation_id: correlationId, request_id: requestId });
    let status = 500;
    // The municipality the request acted in, for the per-municipality request metric.
    let meteredTenant: string | undefined;
    try {
      const headers = lowerHeaders(event);
      let caller: Caller | undefined;
      let identity: VerifiedIdentity | undefined;
      let tenant: string | undefined;
      let registry: TenantDirectory | undefined;
      if (route.auth === 'token') {
        identity = await deps.verifyToken(headers.authorization);
        logger.appendKeys({ user: identity.sub, ...(identity.clientId ? { client: identity.clientId } : {}) });
        if (identity.kind === 'client' && !route.scopes) {
          throw new ForbiddenError('Denne operasjonen er ikke åpen for leverandørsystemer.');
        }
      }
      // Input is checked before any DynamoDB read (the registry below, the service after): a
      // malformed request costs no I/O. The token comes first, so an unknown caller learns nothing
      // about the input a route takes. Roles are the registry's, so they are checked with the
      // registry read (at most two round trips), before the service runs.
      const input = validateRequest(route, event);
      // A route open to citizens as well: a person of no municipality acts as a citizen (the
      // citizen rule), in no tenant, for their own record only. Anyone else keeps the refusal.
      const asCitizen = async (error: unknown): Promise<Caller> => {
        if (!(identity && route.roles?.includes('citizen') && identity.kind === 'person' && error instanceof ForbiddenError)) throw error;
        const citizen = await deps.resolveCaller(route, identity);
        if (citizen.tenant !== undefined || !citizen.roles.includes('citizen')) throw error;
        return citizen;
      };
      // Set when the request starts on the registry items of an earlier request (admitTenant):
      // this request's own registry read, still running beside the use case.
      let confirm: Promise<ResolvedTenant | undefined> | undefined;
      if (identity && route.tenant === 'caller') {
        try {
          const admission = await deps.admitTenant(route, identity, headers, event.pathParameters ?? {}, route.registryAhead === true);
          ({ tenant, registry, caller } = admission.resolved);
          confirm = admission.confirm;
        } catch (error) {
          caller = await asCitizen(error);
        }
      } else if (identity) {
        caller = await deps.resolveCaller(route, identity);
      }
      const run = async (admitted?: Promise<void>): Promise<HttpResult> => {
        meteredTenant = tenant;
        if (tenant) logger.appendKeys({ tenant });
        if (caller) logger.appendKeys({ user: caller.sub });
        // Built once per request from the verified caller and the tenant resolved from the registry.
        const sessions = caller ? await deps.openSessions({ caller, authorization: headers.authorization, xTenant: headers['x-tenant'], ...(admitted ? { admitted } : {}) }, tenant) : undefined;
        const session = sessions?.own;
        return impl({ ...input, caller, tenant, registry, session, sessions, requestId, correlationId, event } as HttpRequest<R>);
      };
      let result: HttpResult;
      if (!confirm) result = await run();
      else {
        // The use case runs beside the registry's read: its reads go ahead, its writes, seals and
        // opens wait in its sessions until the registry admits the caller, and so does its answer
        // (or its error: a refused caller learns nothing of the data, not even a 404).
        const changed = new Error('the registry changed since the earlier read');
        const admitted = confirm.then((fresh) => {
          if (fresh) throw changed;
        });
        // Awaited by the sessions' writes, seals and opens, if any: a use case that has none must not leave it unhandled.
        admitted.catch(() => undefined);
        const ran = run(admitted);
        const [registryRead, answer] = await Promise.allSettled([confirm, ran]);
        if (registryRead.status === 'rejected') {
          // Refused now (disabled, suspended, a role taken away): the use case wrote nothing.
          caller = await asCitizen(registryRead.reason);
          tenant = undefined;
          registry = undefined;
          result = await run();
        } else if (registryRead.value) {
          // Admitted, but not as before (a new unit, other roles): the use case again, on what the registry says now.
          ({ tenant, registry, caller } = registryRead.value);
          result = await run();
        } else if (answer.status === 'rejected') throw answer.reason;
        else result = answer.value;
      }
      status = result.status;
      return json(result.status, result.body, requestId, 'application/json', { 'x-correlation-id': correlationId, ...result.headers });
    } catch (error) {
      const language = problemLanguage(lowerHeaders(event)['accept-language']);
      const problem = problemFromError(error, requestId, language);
      status = problem.status;
      if (status >= 500) logger.error('request failed', { error: error as Error });
      else if (status === 401 || status === 403) {
        // Every 401/403 goes to the security log and a metric on the region's dashboard; refusals
        // that concern a patient are audited by the service as well, those before it (token,
        // role, scope, tenant) have no patient to audit against.
        // The reason names the identity refusals (a person not in the registry, or disabled).
        const reason = error instanceof DomainError && typeof error.extra.reason === 'string' ? { reason: error.extra.reason } : {};
        logger.warn('access refused', { status, problem: problem.type, ...reason });
        metrics.addMetric(METRICS.accessRefused, MetricUnit.Count, 1);
      } else logger.info('request refused', { status, problem: problem.type });
      // RFC 6750: a 401 names the scheme (and invalid_token when a token was sent).
      const challenge: Record<string, string> = status === 401 ? { 'www-authenticate': bearerChallenge(lowerHeaders(event).authorization) } : {};
      return json(problem.status, problem, requestId, PROBLEM_CONTENT_TYPE, { 'x-correlation-id': correlationId, 'content-language': language, vary: 'Accept-Language', ...challenge, ...problemHeaders(error) });
    } finally {
      metrics.addMetric(status >= 500 ? 'Http5xx' : status >= 400 ? 'Http4xx' : 'Http2xx', MetricUnit.Count, 1);
      if (meteredTenant) {
        tenantMetric(meteredTenant).addMetric(status === 429 ? METRICS.tenantThrottled : METRICS.tenantRequests, MetricUnit.Count, 1);
      }
      logger.info('request', { status, ms: Date.now() - started });
    }
  };
  const stack = middy(base).use(injectLambdaContext(logger, { resetKeys: true }));
  const tracing = traceMiddleware();
  if (tracing) stack.use(tracing);
  return stack.use(logMetrics(metrics));
}
