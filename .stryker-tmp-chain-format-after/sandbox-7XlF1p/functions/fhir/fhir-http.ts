// @ts-nocheck
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { httpHandler, type HttpRequest, type HttpResult } from '../../shared/http/handler';
import { PROBLEM_CONTENT_TYPE, type Problem } from '../../shared/http/problem';
import type { RouteSpec } from '../../shared/http/route';
import { FHIR_CONTENT_TYPE, operationOutcomeOf } from './operation-outcome';
import { FHIR_BASE } from './routes';

/**
 * Speaks FHIR on the way out of the one middleware stack: the token, role, tenant and input
 * checks, the services' errors and the 500 all happen there exactly as for /v1; this only
 * retells the answer as application/fhir+json, a problem as an OperationOutcome.
 */
function fhirDialect(): MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> {
  return {
    after: (request) => {
      const res = request.response;
      if (!res) return;
      const headers = { ...(res.headers ?? {}) } as Record<string, string>;
      if (headers['content-type'] === PROBLEM_CONTENT_TYPE) res.body = JSON.stringify(operationOutcomeOf(JSON.parse(res.body) as Problem));
      headers['content-type'] = FHIR_CONTENT_TYPE;
      res.headers = headers;
    },
  };
}

/** httpHandler for a /fhir route: same stack, FHIR media type and OperationOutcome errors. */
export function fhirHandler<R extends RouteSpec>(route: R, impl: (request: HttpRequest<R>) => Promise<HttpResult>) {
  return httpHandler(route, impl).use(fhirDialect());
}

/** A read's answer: the resource with meta.versionId, and the weak ETag FHIR uses for it. */
export function fhirRead(resource: { meta?: { versionId?: string } }): HttpResult {
  const version = resource.meta?.versionId;
  return { status: 200, body: resource, headers: version ? { etag: `W/"${version}"` } : {} };
}

/**
 * The absolute base of this FHIR endpoint as the client reached it (links in Bundles, attachment
 * URLs): X-Forwarded-Host where a proxy sets it, else the Host header.
 */
export function fhirBaseUrl(event: Pick<APIGatewayProxyEvent, 'headers'>): string {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(event.headers ?? {})) if (v !== undefined) headers[k.toLowerCase()] = v;
  // A proxy in front (CloudFront, a load balancer) names the public host in X-Forwarded-Host.
  const given = headers['x-forwarded-host'] ?? headers.host;
  const host = given && /^[A-Za-z0-9.-]+(:\d{1,5})?$/.test(given) ? given : 'localhost';
  const proto = headers['x-forwarded-proto'] === 'http' || /^(localhost|127\.0\.0\.1)(:\d+)?$/.test(host) ? 'http' : 'https';
  return `${proto}://${host}${FHIR_BASE}`;
}
