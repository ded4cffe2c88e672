import { toJSONSchema, type ZodMiniType } from '../contracts/zod';
import type { RouteSpec } from './route';

function schemaOf(schema: ZodMiniType, io: 'input' | 'output'): Record<string, unknown> {
  return toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' });
}

function parameters(route: RouteSpec): unknown[] {
  const out: unknown[] = [];
  const add = (schema: ZodMiniType | undefined, where: 'path' | 'query' | 'header') => {
    if (!schema) return;
    const json = schemaOf(schema, 'input') as { properties?: Record<string, unknown>; required?: string[] };
    for (const [name, s] of Object.entries(json.properties ?? {})) {
      out.push({ name, in: where, required: where === 'path' || (json.required ?? []).includes(name), schema: s });
    }
  };
  add(route.params, 'path');
  add(route.query, 'query');
  add(route.headers, 'header');
  return out;
}

/** OpenAPI 3.1 for the route table, straight from the zod schemas the handlers validate with. */
export function buildOpenApi(routes: readonly RouteSpec[], info: { title: string; version: string }): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const responses: Record<string, unknown> = {};
    for (const [status, r] of Object.entries(route.responses)) {
      const isProblem = Number(status) >= 400;
      responses[status] = {
        description: r.description,
        ...(r.schema ? { content: { [isProblem ? 'application/problem+json' : 'application/json']: { schema: schemaOf(r.schema, 'output') } } } : {}),
      };
    }
    const operation: Record<string, unknown> = {
      operationId: route.id,
      summary: route.summary,
      tags: [route.service],
      parameters: parameters(route),
      responses,
      ...(route.auth === 'token' ? { security: [{ bearer: [] }] } : { security: [] }),
      ...(route.roles ? { 'x-roles': route.roles } : {}),
      ...(route.scopes ? { 'x-vendor-scopes': route.scopes } : {}),
    };
    if (route.body) {
      operation.requestBody = { required: true, content: { 'application/json': { schema: schemaOf(route.body, 'input') } } };
    }
    paths[route.path] = { ...paths[route.path], [route.method.toLowerCase()]: operation };
  }
  return {
    openapi: '3.1.0',
    info,
    paths,
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
  };
}
