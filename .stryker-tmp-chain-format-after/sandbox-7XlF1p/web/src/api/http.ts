// @ts-nocheck
import type * as z from 'zod/mini';
import type { problemSchema } from '../../../shared/contracts/common';
import { config } from '../config';

/** RFC 9457 problem details as the API sends them (type from the shared contract, not copied). */
export type Problem = z.infer<typeof problemSchema>;

/**
 * Any failed call. `problem` is set when the API answered with problem+json; otherwise `kind`
 * says what went wrong, so the screen can still say something a person understands.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly kind: 'problem' | 'network' | 'unexpected' | 'expired',
    readonly problem?: Problem,
  ) {
    super(problem ? `${problem.title}${problem.detail ? `: ${problem.detail}` : ''}` : `${kind} (${status})`);
    this.name = 'ApiError';
  }

  /** The problem kind from its type URN, e.g. `not-found`, `precondition-failed`. */
  get problemKind(): string | undefined {
    return this.problem?.type.split(':').pop();
  }
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  json?: unknown;
  headers?: Record<string, string>;
  query?: Record<string, string | number | undefined>;
  signal?: AbortSignal;
  token?: string;
}

export interface ApiResponse<T> {
  data: T;
  status: number;
  etag?: string;
  headers: Headers;
}

function isProblem(value: unknown): value is Problem {
  return typeof value === 'object' && value !== null && typeof (value as Problem).title === 'string' && typeof (value as Problem).status === 'number';
}

function withQuery(path: string, query: RequestOptions['query']): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') params.set(k, String(v));
  const s = params.toString();
  return s ? `${path}${path.includes('?') ? '&' : '?'}${s}` : path;
}

/** The longest Retry-After the client waits out by itself before showing the refusal. */
const MAX_RETRY_WAIT_MS = 10_000;

/**
 * How long a 429 asks the client to wait (Retry-After: seconds or an HTTP date), capped; 1 s when
 * the header is missing or unreadable.
 */
export function retryDelayMs(retryAfter: string | null, now = Date.now()): number {
  const value = retryAfter?.trim() ?? '';
  let ms = 1000;
  if (/^\d+$/.test(value)) ms = Number(value) * 1000;
  else if (value && !Number.isNaN(Date.parse(value))) ms = Date.parse(value) - now;
  return Math.min(MAX_RETRY_WAIT_MS, Math.max(0, ms));
}

function wait(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new DOMException('Aborted', 'AbortError'));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new DOMException('Aborted', 'AbortError'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

async function send(url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError(0, 'network');
  }
}

/**
 * One HTTP call to the API; throws ApiError for every non-2xx answer and for network failures.
 * A 429 (the server's own retries did not get through contention) is tried once more after its
 * Retry-After before it is shown: a 429 stored nothing, and a POST resends its Idempotency-Key.
 */
export async function request<T>(path: string, options: RequestOptions = {}): Promise<ApiResponse<T>> {
  // Problems come back in the UI's language: the i18n provider keeps <html lang> on the choice.
  const lang = typeof document === 'undefined' ? '' : document.documentElement.lang;
  const headers: Record<string, string> = { accept: 'application/json, application/problem+json', ...(lang ? { 'accept-language': lang } : {}), ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.json !== undefined) headers['content-type'] = 'application/json';
  const url = `${config().apiBase}${withQuery(path, options.query)}`;
  const init: RequestInit = {
    method: options.method ?? 'GET',
    headers,
    body: options.json !== undefined ? JSON.stringify(options.json) : undefined,
    signal: options.signal,
    cache: 'no-store',
  };
  let res = await send(url, init);
  if (res.status === 429) {
    await res.body?.cancel();
    await wait(retryDelayMs(res.headers.get('retry-after')), options.signal);
    res = await send(url, init);
  }
  const type = res.headers.get('content-type') ?? '';
  const text = await res.text();
  let body: unknown = undefined;
  if (text && (type.includes('json') || type.includes('problem'))) {
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
  }
  if (!res.ok) throw new ApiError(res.status, isProblem(body) ? 'problem' : 'unexpected', isProblem(body) ? body : undefined);
  if (text && body === undefined) throw new ApiError(res.status, 'unexpected');
  return { data: body as T, status: res.status, etag: res.headers.get('etag') ?? undefined, headers: res.headers };
}
