// @ts-nocheck
import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { ForbiddenError } from '../errors';

/**
 * The data plane's side of token vending. A data-plane function cannot assume the tenant role
 * (its role has no sts:AssumeRole on it, and the role trusts only the vending function): it asks
 * the session vending function (infra/functions/session-vendor.ts) and hands over the caller's
 * bearer token. The vending function verifies the token itself, maps the caller through the
 * registry and assumes the role with the `tenant` tag from that mapping. So a function can only
 * hold sessions for callers whose valid tokens it was given, and only for their municipality.
 */

/** What a session is asked for. */
export type VendWish =
  /** The caller's own municipality (a person's from the registry; a vendor's: x-tenant, if granted). */
  | { kind: 'tenant'; tenant: string }
  /** A citizen's record in a municipality where they are a patient. */
  | { kind: 'citizen'; tenant: string }
  /** One shared document of `origin` (or, without a document, appending to its audit log only). */
  | { kind: 'sharing-read'; origin: string; document?: string };

export interface VendRequest {
  /** The request's Authorization header, verified again by the vending function. */
  authorization: string;
  /** A vendor client's x-tenant header. */
  xTenant?: string;
  wish: VendWish;
}

/** The vending function's answer: short-lived credentials and what they are bound to. */
export interface VendResponse {
  ok: boolean;
  /** The municipality the session's `tenant` tag names (from the registry), when ok. */
  tenant?: string;
  origin?: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  sessionToken?: string;
  expiration?: string;
  /** Why it refused (for the log; the caller sees a plain 403). */
  reason?: string;
}

/** How long before expiry cached credentials are replaced. */
const REFRESH_MS = 5 * 60_000;
const MAX_CACHED = 500;

let lambda: Promise<LambdaClient> | undefined;
const cache = new Map<string, { creds: AwsCredentialIdentity; tenant?: string }>();

/**
 * Credentials read from the cache at each use: every request refreshes its entry first (with its
 * own token, in vendedCredentials), so a client made once per container signs with current ones.
 */
function providerFor(cacheKey: string): AwsCredentialIdentityProvider {
  return () => {
    const current = cache.get(cacheKey)?.creds;
    return current ? Promise.resolve(current) : Promise.reject(new Error('session credentials expired'));
  };
}

/** The cache key: what the session is for, and whose request (sessions are never shared between callers). */
export function vendCacheKey(callerSub: string, wish: VendWish): string {
  const what = wish.kind === 'sharing-read' ? `sharing-read:${wish.origin}:${wish.document ?? ''}` : `${wish.kind}:${wish.tenant}`;
  return `${what}|${callerSub}`;
}

async function invoke(functionName: string, request: VendRequest): Promise<VendResponse> {
  lambda ??= import('@aws-sdk/client-lambda').then(({ LambdaClient }) => new LambdaClient({}));
  const { InvokeCommand } = await import('@aws-sdk/client-lambda');
  const out = await (await lambda).send(new InvokeCommand({ FunctionName: functionName, Payload: Buffer.from(JSON.stringify(request)) }));
  if (out.FunctionError || !out.Payload) throw new Error(`session vending failed: ${out.FunctionError ?? 'no payload'}`);
  return JSON.parse(Buffer.from(out.Payload).toString('utf8')) as VendResponse;
}

/**
 * Credentials for a session, from the vending function; cached per container by what they are for
 * and the caller, until five minutes before they expire. Refused (403) when the vending function
 * refuses or binds them to another municipality than the one asked for.
 */
export async function vendedCredentials(functionName: string, callerSub: string, request: VendRequest): Promise<{ credentials: AwsCredentialIdentityProvider; cacheKey: string }> {
  const cacheKey = vendCacheKey(callerSub, request.wish);
  const hit = cache.get(cacheKey);
  if (hit?.creds.expiration && hit.creds.expiration.getTime() - Date.now() > REFRESH_MS) return { credentials: providerFor(cacheKey), cacheKey };
  const answer = await invoke(functionName, request);
  const expected = request.wish.kind === 'sharing-read' ? request.wish.origin : request.wish.tenant;
  const bound = request.wish.kind === 'sharing-read' ? answer.origin : answer.tenant;
  if (!answer.ok || !answer.accessKeyId || !answer.secretAccessKey || bound !== expected) {
    throw new ForbiddenError('Ingen tilgang til kommunens data for denne innloggingen.', { guard: 'session-vending' });
  }
  const creds: AwsCredentialIdentity = {
    accessKeyId: answer.accessKeyId,
    secretAccessKey: answer.secretAccessKey,
    sessionToken: answer.sessionToken,
    expiration: answer.expiration ? new Date(answer.expiration) : undefined,
  };
  if (cache.size >= MAX_CACHED) cache.clear();
  cache.set(cacheKey, { creds, tenant: answer.tenant });
  return { credentials: providerFor(cacheKey), cacheKey };
}
