// @ts-nocheck
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { expect } from 'vitest';

/** How a test calls the gateway: `fetch` options plus who calls and a JSON body. */
export interface CallInit extends RequestInit {
  /** A demo user: the request carries a bearer token issued for them. */
  as?: string;
  /** A bearer token as it is (vendor clients, tokens a test made itself). */
  token?: string;
  /** The municipality a vendor client acts for (`x-tenant`). */
  tenant?: string;
  /** A body sent as JSON, with its content type. */
  json?: unknown;
}

/** Calls one gateway: `call` with `fetch` semantics, `post` for changes under an Idempotency-Key. */
export interface GatewayClient {
  call(path: string, init?: CallInit): Promise<Response>;
  /** POST `json` as `as` with a fresh Idempotency-Key; `headers` may name another key, or an If-Match. */
  post(path: string, as: string, json?: unknown, headers?: Record<string, string>): Promise<Response>;
}

let keySeq = 0;

/** An Idempotency-Key no other request of this test file has used. */
export function newIdempotencyKey(): string {
  return `test-key-${Date.now()}-${++keySeq}`;
}

/** A client for the gateway at `url`; `tokenFor` issues a demo user's token (cached per user). */
export function gatewayClient(url: string, tokenFor: (userId: string) => Promise<string>): GatewayClient {
  const tokens = new Map<string, string>();
  const bearerFor = async (userId: string): Promise<string> => {
    let token = tokens.get(userId);
    if (!token) {
      token = await tokenFor(userId);
      tokens.set(userId, token);
    }
    return token;
  };
  const call = async (path: string, init: CallInit = {}): Promise<Response> => {
    const { as, token, tenant, json, ...rest } = init;
    const headers = new Headers(rest.headers);
    const bearer = token ?? (as ? await bearerFor(as) : undefined);
    if (bearer) headers.set('authorization', `Bearer ${bearer}`);
    if (tenant) headers.set('x-tenant', tenant);
    if (json !== undefined) headers.set('content-type', 'application/json');
    return fetch(`${url}${path}`, { ...rest, headers, body: json !== undefined ? JSON.stringify(json) : rest.body });
  };
  return {
    call,
    post: (path, as, json, headers = {}) => call(path, { method: 'POST', as, json, headers: { 'idempotency-key': newIdempotencyKey(), ...headers } }),
  };
}

/** The body of a response as JSON, typed as the caller expects it. */
export async function readJson<T = Record<string, unknown>>(res: Response): Promise<T> {
  return (await res.json()) as T;
}

/** Expects `status` (the body is the failure message) and returns the body as JSON. */
export async function expectJson<T>(res: Response, status = 200): Promise<T> {
  expect(res.status, await res.clone().text()).toBe(status);
  return readJson<T>(res);
}

/** An API Gateway (REST, proxy integration) event for calling a route's handler directly. */
export function proxyEvent(method: string, resource: string, init: Partial<APIGatewayProxyEvent> = {}): APIGatewayProxyEvent {
  return {
    httpMethod: method,
    resource,
    path: resource,
    headers: {},
    requestContext: { requestId: 'req-1' },
    queryStringParameters: null,
    pathParameters: null,
    body: null,
    ...init,
  } as unknown as APIGatewayProxyEvent;
}
