// @ts-nocheck
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, request, retryDelayMs } from '../../web/src/api/http';

/** The web client's API layer against a scripted fetch: what the screens get after a 429. */

const problem429 = (retryAfter?: string) =>
  new Response(JSON.stringify({ type: 'urn:fellesjournal:problem:too-many-requests', title: 'For mange forespørsler', status: 429, detail: 'Mange samtidige oppslag på denne pasienten; prøv igjen.' }), {
    status: 429,
    headers: { 'content-type': 'application/problem+json', ...(retryAfter !== undefined ? { 'retry-after': retryAfter } : {}) },
  });
const ok = () => new Response(JSON.stringify({ id: 'e1' }), { status: 200, headers: { 'content-type': 'application/json', etag: '"v2"' } });

afterEach(() => {
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

describe('web API layer: a 429 is retried once after its Retry-After', () => {
  it('waits the Retry-After, sends the same request again and returns its answer', async () => {
    vi.useFakeTimers();
    const fetchMock = vi.fn<typeof fetch>().mockResolvedValueOnce(problem429('2')).mockResolvedValueOnce(ok());
    vi.stubGlobal('fetch', fetchMock);
    const pending = request<{ id: string }>('/v1/patients/p1/entries', { method: 'POST', json: { title: 'x' }, headers: { 'idempotency-key': 'k-1' }, token: 't' });
    await vi.advanceTimersByTimeAsync(1999);
    expect(fetchMock).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    const res = await pending;
    expect(res.data).toEqual({ id: 'e1' });
    expect(res.etag).toBe('"v2"');
    expect(fetchMock).toHaveBeenCalledTimes(2);
    // The same call, Idempotency-Key included, so a retried write cannot happen twice.
    const [firstUrl, firstInit] = fetchMock.mock.calls[0]!;
    const [secondUrl, secondInit] = fetchMock.mock.calls[1]!;
    expect(secondUrl).toBe(firstUrl);
    expect(secondInit?.method).toBe('POST');
    expect(secondInit?.body).toBe(firstInit?.body);
    expect((secondInit?.headers as Record<string, string>)['idempotency-key']).toBe('k-1');
  });

  it('shows the second 429 as the problem it is, after exactly one retry', async () => {
    vi.useFakeTimers();
    const fetchMock = vi.fn<typeof fetch>().mockImplementation(async () => problem429('1'));
    vi.stubGlobal('fetch', fetchMock);
    const pending = request('/v1/patients/p1/entries/e1').catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(1000);
    const error = await pending;
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(429);
    expect((error as ApiError).problemKind).toBe('too-many-requests');
    expect(fetchMock).toHaveBeenCalledTimes(2);
  });

  it('does not retry other refusals', async () => {
    const fetchMock = vi.fn<typeof fetch>().mockResolvedValue(new Response(JSON.stringify({ type: 'urn:fellesjournal:problem:precondition-failed', title: 'Versjonen er endret', status: 412 }), { status: 412, headers: { 'content-type': 'application/problem+json' } }));
    vi.stubGlobal('fetch', fetchMock);
    await expect(request('/v1/x', { method: 'POST', json: {} })).rejects.toMatchObject({ status: 412 });
    expect(fetchMock).toHaveBeenCalledTimes(1);
  });

  it('an aborted wait does not send the retry', async () => {
    vi.useFakeTimers();
    const fetchMock = vi.fn<typeof fetch>().mockImplementation(async () => problem429('5'));
    vi.stubGlobal('fetch', fetchMock);
    const controller = new AbortController();
    const pending = request('/v1/x', { signal: controller.signal }).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(100);
    controller.abort();
    expect(((await pending) as Error).name).toBe('AbortError');
    await vi.advanceTimersByTimeAsync(10_000);
    expect(fetchMock).toHaveBeenCalledTimes(1);
  });

  it('reads Retry-After as seconds or an HTTP date, 1 s when missing, at most 10 s', () => {
    expect(retryDelayMs('3')).toBe(3000);
    expect(retryDelayMs(null)).toBe(1000);
    expect(retryDelayMs('soon')).toBe(1000);
    expect(retryDelayMs('600')).toBe(10_000);
    const now = Date.parse('2026-12-05T10:00:00Z');
    expect(retryDelayMs('Sat, 05 Dec 2026 10:00:04 GMT', now)).toBe(4000);
    expect(retryDelayMs('Sat, 05 Dec 2026 09:00:00 GMT', now)).toBe(0);
  });
});
