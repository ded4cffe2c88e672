// @ts-nocheck
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { strictRequest } from '../contracts/strict';
import type { ZodMiniType } from '../contracts/zod';
import { UnsupportedMediaTypeError, ValidationError, type FieldIssue } from '../errors';
import type { RouteInput, RouteSpec } from './route';

/** The field message of a body field the contract does not know (shared/contracts/strict.ts). */
export const UNKNOWN_FIELD = 'Ukjent felt';

/** Top-level fields that no alternative of a union knows: named like any unknown field. */
function unknownToEveryBranch(branches: readonly (readonly { code: string; path: PropertyKey[]; keys?: string[] }[])[]): string[] {
  const perBranch = branches.map((b) => new Set(b.flatMap((i) => (i.code === 'unrecognized_keys' && i.path.length === 0 ? (i.keys ?? []) : []))));
  const [first, ...rest] = perBranch;
  return first ? [...first].filter((k) => rest.every((set) => set.has(k))) : [];
}

function check(schema: ZodMiniType | undefined, value: unknown, location: string, issues: FieldIssue[]): unknown {
  if (!schema) return undefined;
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  for (const issue of result.error.issues) {
    const at = [location, ...issue.path.map(String)];
    // An unknown field is named itself, so the caller sees which one to drop or respell.
    if (issue.code === 'unrecognized_keys') for (const key of issue.keys) issues.push({ field: [...at, key].join('.'), message: UNKNOWN_FIELD });
    else {
      issues.push({ field: at.join('.'), message: issue.message });
      if (issue.code === 'invalid_union') for (const key of unknownToEveryBranch(issue.errors)) issues.push({ field: [...at, key].join('.'), message: UNKNOWN_FIELD });
    }
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
    body: check(route.body && strictRequest(route.body), body, 'body', issues),
    query: check(route.query, event.queryStringParameters ?? {}, 'query', issues),
    params: check(route.params, event.pathParameters ?? {}, 'path', issues),
    headers: check(route.headers, headers, 'headers', issues),
  };
  if (issues.length > 0) throw new ValidationError('Forespørselen har ugyldige felt.', issues);
  return input as RouteInput<R>;
}
