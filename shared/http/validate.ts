import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { ZodMiniType } from '../contracts/zod';
import { UnsupportedMediaTypeError, ValidationError, type FieldIssue } from '../errors';
import type { RouteInput, RouteSpec } from './route';

function check(schema: ZodMiniType | undefined, value: unknown, location: string, issues: FieldIssue[]): unknown {
  if (!schema) return undefined;
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  for (const issue of result.error.issues) {
    issues.push({ field: [location, ...issue.path.map(String)].join('.'), message: issue.message });
  }
  return undefined;
}

/** Lower-cased header map; API Gateway passes headers with the client's casing. */
export function lowerHeaders(event: Pick<APIGatewayProxyEvent, 'headers'>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(event.headers ?? {})) if (v !== undefined) out[k.toLowerCase()] = v;
  return out;
}

function parseBody(route: RouteSpec, event: APIGatewayProxyEvent, headers: Record<string, string>): unknown {
  if (!route.body) return undefined;
  const raw = event.body ? (event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body) : '';
  if (raw.trim() === '') return undefined;
  const type = headers['content-type']?.split(';')[0]?.trim().toLowerCase();
  if (type !== undefined && type !== 'application/json' && !type.endsWith('+json')) {
    throw new UnsupportedMediaTypeError('Innholdet må være application/json.');
  }
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    throw new ValidationError('Forespørselen er ikke gyldig JSON.', [{ field: 'body', message: 'Ugyldig JSON' }]);
  }
}

/** Parses and validates body, path, query and headers; one 400 names every bad field. */
export function validateRequest<R extends RouteSpec>(route: R, event: APIGatewayProxyEvent): RouteInput<R> {
  const headers = lowerHeaders(event);
  const body = parseBody(route, event, headers);
  const issues: FieldIssue[] = [];
  const input = {
    body: check(route.body, body, 'body', issues),
    query: check(route.query, event.queryStringParameters ?? {}, 'query', issues),
    params: check(route.params, event.pathParameters ?? {}, 'path', issues),
    headers: check(route.headers, headers, 'headers', issues),
  };
  if (issues.length > 0) throw new ValidationError('Forespørselen har ugyldige felt.', issues);
  return input as RouteInput<R>;
}
