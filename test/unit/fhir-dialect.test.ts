import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { fhirHandler } from '../../functions/fhir/fhir-http';
import { TooManyRequestsError } from '../../shared/errors';
import { defineRoute } from '../../shared/http/route';
import { expectValidFhir } from '../support/fhir-validate';
import { proxyEvent } from '../support/requests';

/**
 * The FHIR dialect on the one middleware stack: it retells the body, never drops what the stack or
 * the gateway put in the headers (Retry-After on a 429, the RateLimit fields).
 */
const route = defineRoute({
  id: 'fhirDialectProbe',
  method: 'GET',
  path: '/fhir/R4/probe',
  handler: 'functions/fhir/handlers/probe.ts',
  service: 'fhir',
  plane: 'data',
  summary: 'probe',
  auth: 'public',
  tenant: 'none',
  responses: { 200: { description: 'probe' } },
});
const context = { functionName: 'fj-test-fhir', awsRequestId: 'r1', getRemainingTimeInMillis: () => 10_000 } as unknown as Context;

describe('FHIR answers keep their headers', () => {
  it('a 429 is a throttled OperationOutcome with Retry-After', async () => {
    const handler = fhirHandler(route, () => Promise.reject(new TooManyRequestsError('For mange samtidige endringer.', 3)));
    const res = await handler(proxyEvent('GET', '/fhir/R4/probe'), context);
    expect(res.statusCode).toBe(429);
    expect(res.headers?.['content-type']).toBe('application/fhir+json');
    expect(res.headers?.['retry-after']).toBe('3');
    const outcome = JSON.parse(res.body) as { resourceType: string; issue: { code: string }[] };
    expectValidFhir(outcome);
    expect(outcome.issue[0]!.code).toBe('throttled');
  });

  it('RateLimit fields given with an answer pass through unchanged', async () => {
    const rate = { ratelimit: 'limit=10, remaining=9, reset=1', 'ratelimit-policy': '10;w=1' };
    const handler = fhirHandler(route, () => Promise.resolve({ status: 200, body: { resourceType: 'Basic', code: { text: 'probe' } }, headers: rate }));
    const res = await handler(proxyEvent('GET', '/fhir/R4/probe'), context);
    expect(res.statusCode).toBe(200);
    expect(res.headers).toMatchObject({ ...rate, 'content-type': 'application/fhir+json' });
  });
});
