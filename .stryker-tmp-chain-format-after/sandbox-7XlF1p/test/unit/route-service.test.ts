// @ts-nocheck
import { describe, expect, it } from 'vitest';
import { ROUTES } from '../../functions/routes';
import { getTimelineRoute } from '../../functions/journal/routes';
import { problemSchema } from '../../shared/contracts/common';
import * as z from '../../shared/contracts/zod';
import { buildOpenApi, describedByOpenApi } from '../../shared/http/openapi';
import { defineService, impliedProblems } from '../../shared/http/service';

type Operation = { responses: Record<string, { description: string; content?: Record<string, unknown> }> };

describe('defineService gives a service its problem responses', () => {
  const things = defineService({ service: 'things', problems: { 404: 'No such thing', 409: 'Thing changed' } });
  const getThing = things.route({
    id: 'getThing',
    method: 'PUT',
    path: '/v1/things/{thingId}',
    handler: 'test/fixtures/echo-handler.ts',
    plane: 'data',
    summary: 'A thing',
    auth: 'token',
    roles: ['clinician'],
    tenant: 'caller',
    params: z.object({ thingId: z.string() }),
    body: z.object({ name: z.string() }),
    problems: [404, 409],
    responses: { 200: { description: 'The thing', schema: z.object({ name: z.string() }) }, 409: { description: 'Renamed meanwhile' } },
  });

  it('adds what the route implies and what it names, in the service wording, with the problem schema', () => {
    expect(getThing.service).toBe('things');
    expect('problems' in getThing).toBe(false);
    const r = getThing.responses as Record<number, { description: string; schema?: unknown }>;
    expect(Object.keys(r).map(Number)).toEqual([200, 400, 401, 403, 404, 409, 415, 500]);
    expect(r[404]).toEqual({ description: 'No such thing', schema: problemSchema });
    // The route's own wording wins over the service's.
    expect(r[409]).toEqual({ description: 'Renamed meanwhile', schema: problemSchema });
    for (const status of [400, 401, 403, 415, 500]) expect(r[status]?.schema, String(status)).toBe(problemSchema);
  });

  it('implies only the problems the middleware stack can answer for the route', () => {
    expect(impliedProblems({ method: 'GET', path: '/health', auth: 'public', tenant: 'none', plane: 'data' })).toEqual([500]);
    // A token route open to any caller and every vendor scope: no 403 before the handler.
    expect(impliedProblems({ method: 'GET', path: '/v1/me', auth: 'token', tenant: 'none', plane: 'data', scopes: [] })).toEqual([401, 500]);
    expect(impliedProblems({ method: 'GET', path: '/v1/x', auth: 'token', tenant: 'caller', plane: 'data', scopes: [] })).toEqual([401, 403, 500]);
  });

  it('/openapi.json lists every route\'s problem responses as application/problem+json', () => {
    const doc = buildOpenApi(ROUTES, { title: 't', version: '1' }) as { paths: Record<string, Record<string, Operation>> };
    for (const route of ROUTES.filter(describedByOpenApi)) {
      const op = doc.paths[route.path]![route.method.toLowerCase()]!;
      const statuses = Object.keys(op.responses).map(Number);
      for (const status of impliedProblems(route)) expect(statuses, `${route.id} ${status}`).toContain(status);
      for (const [status, response] of Object.entries(op.responses)) {
        if (Number(status) >= 400) expect(Object.keys(response.content ?? {}), `${route.id} ${status}`).toEqual(['application/problem+json']);
      }
    }
    const timeline = doc.paths[getTimelineRoute.path]!.get!;
    // 429: API Gateway throttling, which any route may answer.
    expect(Object.keys(timeline.responses)).toEqual(['200', '400', '401', '403', '404', '429', '500']);
    expect(timeline.responses['404']!.description).toBe('No such patient (or record) in this tenant');
  });
});
