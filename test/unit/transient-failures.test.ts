import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProvisionedThroughputExceededException, ResourceNotFoundException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { DecryptionFailedError, Envelope, KeyServiceUnavailableError } from '../../shared/crypto/envelope';
import type { TenantKeyProvider } from '../../shared/crypto/key-provider';
import { LocalKeystore } from '../../shared/crypto/local-keystore';
import { NotFoundError } from '../../shared/errors';
import { problemFromError, problemHeaders } from '../../shared/http/problem';
import { isTransientFailure } from '../../shared/transient';

/** A store or key service that says "not now" is a 503 with Retry-After, never a 500 nor a refusal (issue 20, point 1). */

const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8000'), { code: 'ECONNREFUSED', $metadata: { attempts: 3 } });
const named = (name: string) => Object.assign(new Error(name), { name });

describe('transient failures', () => {
  it('knows the store and key service failures that mean "not now"', () => {
    for (const error of [
      refused,
      Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }),
      new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} }),
      named('ThrottlingException'),
      named('KMSInternalException'),
      named('DependencyTimeoutException'),
      named('TimeoutError'),
      new KeyServiceUnavailableError('timeout'),
      Object.assign(new Error('internal'), { $metadata: { httpStatusCode: 500 } }),
      new TransactionCanceledException({ message: 'throttled', $metadata: {}, CancellationReasons: [{ Code: 'None' }, { Code: 'ThrottlingError' }] }),
      Object.assign(new Error('wrapped'), { cause: refused }),
    ]) {
      expect(isTransientFailure(error), String((error as Error).name)).toBe(true);
    }
  });

  it('does not take a refusal or a bug for one', () => {
    for (const error of [
      new Error('plain bug'),
      new TypeError('x is undefined'),
      new ResourceNotFoundException({ message: 'no table', $metadata: { httpStatusCode: 400 } }),
      new TransactionCanceledException({ message: 'conflict', $metadata: {}, CancellationReasons: [{ Code: 'ConditionalCheckFailed' }] }),
      named('InvalidCiphertextException'),
      new DecryptionFailedError(),
      Object.assign(new Error('odd code'), { code: 'ValidationException' }),
      'ECONNREFUSED',
      undefined,
      null,
    ]) {
      expect(isTransientFailure(error), String(error)).toBe(false);
    }
  });

  it('maps them to 503 problem+json with Retry-After, naming only the request', () => {
    const problem = problemFromError(refused, 'req-9');
    expect(problem).toEqual({ type: 'urn:fellesjournal:problem:unavailable', title: 'Midlertidig utilgjengelig', status: 503, detail: 'Tjenesten kan ikke svare akkurat nå; prøv igjen om litt.', requestId: 'req-9', retryAfter: 2 });
    expect(JSON.stringify(problem)).not.toContain('127.0.0.1');
    expect(problemHeaders(refused)).toEqual({ 'retry-after': '2' });
    expect(problemFromError(refused, 'req-9', 'en')).toMatchObject({ status: 503, title: 'Temporarily unavailable' });
  });

  it('leaves a bug a bare 500 and a domain error its own status, without Retry-After', () => {
    expect(problemFromError(new Error('bug'), 'r')).toMatchObject({ status: 500, type: 'urn:fellesjournal:problem:internal' });
    expect(problemHeaders(new Error('bug'))).toEqual({});
    expect(problemFromError(new NotFoundError('Finnes ikke'), 'r').status).toBe(404);
    expect(problemHeaders(new NotFoundError('Finnes ikke'))).toEqual({});
  });
});

describe('the envelope when the key service fails', () => {
  const keystore = () => new LocalKeystore(mkdtempSync(join(tmpdir(), 'fj-keys-')));
  const ctx = { tenant: '0301', patient: 'p1', record: 'r1', kind: 'entry' };

  it('a key service that is down fails closed as unavailable, not as a ciphertext that does not open', async () => {
    const real = keystore();
    const sealed = await new Envelope(real).encrypt(ctx, 'tekst');
    const down: TenantKeyProvider = { generateDataKey: () => Promise.reject(named('KMSInternalException')), decryptDataKey: () => Promise.reject(named('KMSInternalException')) };
    await expect(new Envelope(down).encrypt(ctx, 'tekst')).rejects.toBeInstanceOf(KeyServiceUnavailableError);
    await expect(new Envelope(down).decrypt(ctx, sealed)).rejects.toBeInstanceOf(KeyServiceUnavailableError);
  });

  it('a key service that hangs is cut off after keyTimeoutMs', async () => {
    const hang: TenantKeyProvider = { generateDataKey: () => new Promise(() => undefined), decryptDataKey: () => new Promise(() => undefined) };
    await expect(new Envelope(hang, { keyTimeoutMs: 20 }).encrypt(ctx, 'tekst')).rejects.toMatchObject({ name: 'KeyServiceUnavailableError', reason: 'timeout' });
  });

  it('a wrong key is still a decryption failure, and a bug in the provider stays a bug', async () => {
    const sealed = await new Envelope(keystore()).encrypt(ctx, 'tekst');
    await expect(new Envelope(keystore()).decrypt(ctx, sealed)).rejects.toBeInstanceOf(DecryptionFailedError);
    const buggy: TenantKeyProvider = { generateDataKey: () => Promise.reject(new TypeError('bug')), decryptDataKey: () => Promise.reject(new TypeError('bug')) };
    await expect(new Envelope(buggy).encrypt(ctx, 'tekst')).rejects.toBeInstanceOf(TypeError);
  });

  it('recovers by itself once the key service answers again', async () => {
    const real = keystore();
    let up = false;
    const flaky: TenantKeyProvider = {
      generateDataKey: (t, d) => (up ? real.generateDataKey(t, d) : Promise.reject(named('DependencyTimeoutException'))),
      decryptDataKey: (t, w, d) => (up ? real.decryptDataKey(t, w, d) : Promise.reject(named('DependencyTimeoutException'))),
    };
    const env = new Envelope(flaky);
    await expect(env.encrypt(ctx, 'tekst')).rejects.toBeInstanceOf(KeyServiceUnavailableError);
    up = true;
    expect((await env.decrypt(ctx, await env.encrypt(ctx, 'tekst'))).toString()).toBe('tekst');
  });
});
