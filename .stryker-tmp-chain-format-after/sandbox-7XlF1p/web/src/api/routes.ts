// @ts-nocheck
import type * as z from 'zod/mini';
import type { RouteSpec } from '../../../shared/http/route';
import { api } from './client';
import type { ApiResponse } from './http';

type Out<S> = S extends z.ZodMiniType ? z.output<S> : unknown;
type In<S> = S extends z.ZodMiniType ? z.input<S> : undefined;

/** The body of a route's success answer, from the zod schema in its route entry. */
export type OkBody<R extends RouteSpec> = R['responses'] extends { 200: { schema: infer S } }
  ? Out<S>
  : R['responses'] extends { 201: { schema: infer S } }
    ? Out<S>
    : unknown;

/** What a route accepts as its JSON body. */
export type BodyOf<R extends RouteSpec> = In<R['body']>;
export type QueryOf<R extends RouteSpec> = In<R['query']>;

/** `{patientId}` names in a path template. */
type ParamNames<P extends string> = P extends `${string}{${infer K}}${infer Rest}` ? K | ParamNames<Rest> : never;

export interface CallInit<R extends RouteSpec> {
  params?: Record<ParamNames<R['path']>, string>;
  body?: BodyOf<R>;
  query?: Record<string, string | number | undefined>;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/** Fills a path template; every value is URL-encoded. */
export function fillPath(template: string, params: Record<string, string> = {}): string {
  return template.replace(/\{(\w+)\}/g, (_, k: string) => {
    const v = params[k];
    if (v === undefined) throw new Error(`Missing path parameter ${k}`);
    return encodeURIComponent(v);
  });
}

/**
 * Calls one route of the route table. The type argument is the route entry itself (a type-only
 * import from functions/<service>/routes.ts), so the compiler checks the method, the path, the
 * body and the answer against the one route table: nothing about the API is written twice.
 */
export function callRoute<R extends RouteSpec>(method: R['method'], path: R['path'], init: CallInit<R> = {}): Promise<ApiResponse<OkBody<R>>> {
  return api<OkBody<R>>(fillPath(path, init.params), {
    method,
    json: init.body,
    query: init.query,
    headers: init.headers,
    signal: init.signal,
  });
}
