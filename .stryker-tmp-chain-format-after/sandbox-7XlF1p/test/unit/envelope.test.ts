// @ts-nocheck
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { contextAad, DecryptionFailedError, Envelope } from '../../shared/crypto/envelope';
import { LocalKeystore } from '../../shared/crypto/local-keystore';
import type { DataKey, TenantKeyProvider } from '../../shared/crypto/key-provider';

const keystore = () => new LocalKeystore(mkdtempSync(join(tmpdir(), 'fj-keys-')));
const ctxA = { tenant: '0301', patient: 'p1', record: 'r1', kind: 'entry' };

/** Counts key-provider calls, to show the data-key cache at work. */
class CountingKeys implements TenantKeyProvider {
  generated = 0;
  unwrapped = 0;
  constructor(private readonly inner: TenantKeyProvider) {}
  async generateDataKey(tenant: string): Promise<DataKey> {
    this.generated++;
    return this.inner.generateDataKey(tenant);
  }
  async decryptDataKey(tenant: string, wrapped: Buffer): Promise<Buffer> {
    this.unwrapped++;
    return this.inner.decryptDataKey(tenant, wrapped);
  }
}

describe('envelope encryption', () => {
  it('round-trips a record under its context', async () => {
    const env = new Envelope(keystore());
    const sealed = await env.encryptJson(ctxA, { text: 'Pasienten er i god form.' });
    expect(sealed.toString('utf8')).not.toContain('god form');
    expect(await env.decryptJson(ctxA, sealed)).toEqual({ text: 'Pasienten er i god form.' });
  });

  it('binds the context, not the order its fields were written in', async () => {
    const env = new Envelope(keystore());
    const sealed = await env.encryptJson(ctxA, { n: 1 });
    expect(await env.decryptJson({ kind: 'entry', record: 'r1', patient: 'p1', tenant: '0301' }, sealed)).toEqual({ n: 1 });
    expect(contextAad({ record: 'r1', tenant: '0301' }).toString()).toBe('[["record","r1"],["tenant","0301"]]');
    // A context with a field beyond the usual four still sorts by name.
    const wider = { tenant: '0301', zone: 'z', kind: 'entry' } as { tenant: string; kind: string };
    expect(contextAad(wider).toString()).toBe('[["kind","entry"],["tenant","0301"],["zone","z"]]');
  });

  it('refuses a tampered ciphertext', async () => {
    const env = new Envelope(keystore());
    const sealed = await env.encrypt(ctxA, 'hemmelig');
    const last = sealed.length - 1;
    sealed[last] = (sealed[last] ?? 0) ^ 0x01;
    await expect(env.decrypt(ctxA, sealed)).rejects.toBeInstanceOf(DecryptionFailedError);
  });

  it('refuses a wrapped data key that was altered', async () => {
    const env = new Envelope(keystore());
    const sealed = await env.encrypt(ctxA, 'hemmelig');
    sealed[10] = (sealed[10] ?? 0) ^ 0x01;
    await expect(new Envelope(keystore()).decrypt(ctxA, sealed)).rejects.toBeInstanceOf(DecryptionFailedError);
  });

  it("refuses to decrypt under another tenant's context", async () => {
    const keys = keystore();
    const env = new Envelope(keys);
    const sealed = await env.encrypt(ctxA, 'hemmelig');
    await expect(env.decrypt({ ...ctxA, tenant: '4601' }, sealed)).rejects.toBeInstanceOf(DecryptionFailedError);
    // Even a fresh envelope (no cache) with the same keystore refuses.
    await expect(new Envelope(keys).decrypt({ ...ctxA, tenant: '4601' }, sealed)).rejects.toBeInstanceOf(DecryptionFailedError);
  });

  it('refuses to decrypt under another record or patient context', async () => {
    const env = new Envelope(keystore());
    const sealed = await env.encrypt(ctxA, 'hemmelig');
    await expect(env.decrypt({ ...ctxA, record: 'r2' }, sealed)).rejects.toBeInstanceOf(DecryptionFailedError);
    await expect(env.decrypt({ ...ctxA, patient: 'p2' }, sealed)).rejects.toBeInstanceOf(DecryptionFailedError);
  });

  it('reuses a cached data key within its limits, then makes a new one', async () => {
    const keys = new CountingKeys(keystore());
    const env = new Envelope(keys, { maxUsesPerKey: 3 });
    for (let i = 0; i < 7; i++) await env.encrypt(ctxA, `record ${i}`);
    expect(keys.generated).toBe(3);
  });

  it('bounds the decrypt cache', async () => {
    const store = keystore();
    const writer = new Envelope(store, { maxUsesPerKey: 1 });
    const sealed = [];
    for (let i = 0; i < 5; i++) sealed.push(await writer.encrypt(ctxA, `r${i}`));
    const keys = new CountingKeys(store);
    const reader = new Envelope(keys, { decryptCacheSize: 2 });
    for (const s of sealed) await reader.decrypt(ctxA, s);
    for (const s of sealed) await reader.decrypt(ctxA, s);
    expect(keys.unwrapped).toBe(10);
    await reader.decrypt(ctxA, sealed[4]!);
    expect(keys.unwrapped).toBe(10);
  });

  it('keeps a tenant master key across keystore instances (on disk) and separate per tenant', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fj-keys-'));
    const sealed = await new Envelope(new LocalKeystore(dir)).encrypt(ctxA, 'varig');
    expect((await new Envelope(new LocalKeystore(dir)).decrypt(ctxA, sealed)).toString()).toBe('varig');
    const ks = new LocalKeystore(dir);
    expect(ks.masterKey('0301').equals(ks.masterKey('4601'))).toBe(false);
  });
});

describe('national id lookup hash', () => {
  it('is stable for one key, differs between ids and never contains the id', async () => {
    const { LocalLookupHasher } = await import('../../shared/crypto/lookup-hash');
    const dir = mkdtempSync(join(tmpdir(), 'fj-keys-'));
    const a = new LocalLookupHasher(dir);
    const h1 = await a.hash('national-id', '15838512329');
    expect(await new LocalLookupHasher(dir).hash('national-id', '15838512329')).toBe(h1);
    expect(await a.hash('national-id', '01817045606')).not.toBe(h1);
    expect(h1).not.toContain('15838512329');
    expect(await new LocalLookupHasher(mkdtempSync(join(tmpdir(), 'fj-keys-'))).hash('national-id', '15838512329')).not.toBe(h1);
  });
});
