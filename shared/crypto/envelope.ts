import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { isTransientFailure } from '../transient';
import type { DataKey, TenantKeyProvider } from './key-provider';

/** What a ciphertext is bound to. `tenant` is required; the rest names the record. */
export interface EncryptionContext {
  tenant: string;
  patient?: string;
  record?: string;
  kind?: string;
  /**
   * A shared document's entry id: the record is sealed under a data key of its own, bound to
   * `{ tenant, document }` in KMS, so a sharing-read session allowed only that document's context
   * can open it and nothing else of the tenant.
   */
  document?: string;
}

/** The ciphertext could not be opened: wrong context, wrong tenant or altered bytes. */
export class DecryptionFailedError extends Error {
  constructor() {
    super('Decryption failed');
    this.name = 'DecryptionFailedError';
  }
}

/**
 * The key service (KMS, the local keystore) did not answer in time or is failing. Not a refusal:
 * nothing is sealed or opened without a key, so the request fails closed (503, shared/transient.ts)
 * and succeeds again once the service is back, with nothing to reset.
 */
export class KeyServiceUnavailableError extends Error {
  constructor(readonly reason: 'timeout' | 'failing') {
    super(`Key service ${reason === 'timeout' ? 'timed out' : 'unavailable'}`);
    this.name = 'KeyServiceUnavailableError';
  }
}

const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;

function asUnavailable(error: unknown): KeyServiceUnavailableError {
  return error instanceof KeyServiceUnavailableError ? error : new KeyServiceUnavailableError('failing');
}

const CONTEXT_FIELDS = ['kind', 'patient', 'record', 'tenant'] as const;

/** The data-key cache's name for a key: the tenant, and the document for a document's own key. */
function keyId(tenant: string, document?: string): string {
  return document === undefined ? tenant : `${tenant}/${document}`;
}

/** Canonical AAD: the context's entries sorted by name, so the same context always gives the same bytes. */
export function contextAad(context: EncryptionContext): Buffer {
  // Every record pays for this twice (encrypt and decrypt), so the usual four fields are written in
  // their sorted order directly; anything else takes the general path. Both give the same bytes.
  const names = Object.keys(context);
  if (names.every((n) => (CONTEXT_FIELDS as readonly string[]).includes(n))) {
    const entries: [string, string][] = [];
    for (const name of CONTEXT_FIELDS) {
      const value = context[name];
      if (value !== undefined) entries.push([name, value]);
    }
    return Buffer.from(JSON.stringify(entries));
  }
  const entries = Object.entries(context)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : 1));
  return Buffer.from(JSON.stringify(entries));
}

export interface EnvelopeOptions {
  /** How many records one data key may encrypt before a fresh one is made. */
  maxUsesPerKey?: number;
  /** How long a data key stays in the cache, in ms. */
  maxKeyAgeMs?: number;
  /** How many unwrapped data keys the decrypt cache holds. */
  decryptCacheSize?: number;
  /** How long one key service call may take before the request fails closed, in ms. */
  keyTimeoutMs?: number;
  now?: () => number;
}

interface CachedKey {
  plaintext: Buffer;
  wrapped: Buffer;
  /** [version][wrappedLen][wrapped]: the same for every record under this data key. */
  header: Buffer;
  createdAt: number;
  uses: number;
}

/**
 * Envelope encryption: AES-256-GCM under a data key from the tenant's master key, with the full
 * context as AAD. Format: [version:1][wrappedLen:2][wrapped][iv:12][tag:16][ciphertext].
 * Data keys are cached (bounded by count, uses and age) so most records cost no KMS call.
 */
export class Envelope {
  private readonly encryptKeys = new Map<string, CachedKey>();
  private readonly decryptKeys = new Map<string, { plaintext: Buffer; createdAt: number }>();
  private readonly maxUses: number;
  private readonly maxAgeMs: number;
  private readonly cacheSize: number;
  private readonly keyTimeoutMs: number;
  private readonly now: () => number;

  constructor(
    private readonly keys: TenantKeyProvider,
    options: EnvelopeOptions = {},
  ) {
    this.maxUses = options.maxUsesPerKey ?? 10_000;
    this.maxAgeMs = options.maxKeyAgeMs ?? 5 * 60_000;
    this.cacheSize = options.decryptCacheSize ?? 1_000;
    // KMS answers in milliseconds; a call still open after this is a service in trouble, and a
    // request waiting on it would hold its Lambda (and the caller) until the function's own timeout.
    this.keyTimeoutMs = options.keyTimeoutMs ?? 3_000;
    this.now = options.now ?? Date.now;
  }

  private async encryptionKey(tenant: string, document?: string): Promise<CachedKey> {
    const cached = document === undefined ? this.encryptKeys.get(tenant) : undefined;
    if (cached && cached.uses < this.maxUses && this.now() - cached.createdAt < this.maxAgeMs) {
      cached.uses += 1;
      return cached;
    }
    let fresh: DataKey;
    try {
      fresh = await this.withinTimeout(this.keys.generateDataKey(tenant, document));
    } catch (error) {
      throw isTransientFailure(error) ? asUnavailable(error) : error;
    }
    const header = Buffer.alloc(3 + fresh.wrapped.length);
    header.writeUInt8(VERSION, 0);
    header.writeUInt16BE(fresh.wrapped.length, 1);
    fresh.wrapped.copy(header, 3);
    const entry: CachedKey = { ...fresh, header, createdAt: this.now(), uses: 1 };
    // A document's key seals that document only: never reused for another record.
    if (document === undefined) this.encryptKeys.set(tenant, entry);
    this.remember(keyId(tenant, document), fresh.wrapped, fresh.plaintext);
    return entry;
  }

  private remember(tenant: string, wrapped: Buffer, plaintext: Buffer): void {
    const id = `${tenant}:${wrapped.toString('latin1')}`;
    this.decryptKeys.delete(id);
    this.decryptKeys.set(id, { plaintext, createdAt: this.now() });
    while (this.decryptKeys.size > this.cacheSize) {
      const oldest = this.decryptKeys.keys().next().value;
      if (oldest === undefined) break;
      this.decryptKeys.delete(oldest);
    }
  }

  private async decryptionKey(tenant: string, wrapped: Buffer, document?: string): Promise<Buffer> {
    const id = `${keyId(tenant, document)}:${wrapped.toString('latin1')}`;
    const hit = this.decryptKeys.get(id);
    if (hit && this.now() - hit.createdAt < this.maxAgeMs) return hit.plaintext;
    let plaintext: Buffer;
    try {
      plaintext = await this.withinTimeout(this.keys.decryptDataKey(tenant, wrapped, document));
    } catch (error) {
      // A key service that is down says nothing about the ciphertext: fail closed, but as "not now".
      if (isTransientFailure(error)) throw asUnavailable(error);
      throw new DecryptionFailedError();
    }
    this.remember(keyId(tenant, document), wrapped, plaintext);
    return plaintext;
  }

  /** The key service's answer, or KeyServiceUnavailableError('timeout') once keyTimeoutMs has passed. */
  private withinTimeout<T>(call: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new KeyServiceUnavailableError('timeout')), this.keyTimeoutMs);
    });
    // A late answer (or failure) of the abandoned call is dropped, never left unhandled.
    call.catch(() => undefined);
    return Promise.race([call, timeout]).finally(() => clearTimeout(timer));
  }

  async encrypt(context: EncryptionContext, plaintext: Buffer | string): Promise<Buffer> {
    const key = await this.encryptionKey(context.tenant, context.document);
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key.plaintext, iv);
    cipher.setAAD(contextAad(context));
    const body = Buffer.concat([cipher.update(typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext), cipher.final()]);
    return Buffer.concat([key.header, iv, cipher.getAuthTag(), body]);
  }

  async decrypt(context: EncryptionContext, envelope: Uint8Array): Promise<Buffer> {
    const buf = Buffer.from(envelope.buffer, envelope.byteOffset, envelope.byteLength);
    if (buf.length < 3 + IV_BYTES + TAG_BYTES || buf.readUInt8(0) !== VERSION) throw new DecryptionFailedError();
    const wrappedLen = buf.readUInt16BE(1);
    const wrapped = buf.subarray(3, 3 + wrappedLen);
    const ivAt = 3 + wrappedLen;
    const iv = buf.subarray(ivAt, ivAt + IV_BYTES);
    const tag = buf.subarray(ivAt + IV_BYTES, ivAt + IV_BYTES + TAG_BYTES);
    const body = buf.subarray(ivAt + IV_BYTES + TAG_BYTES);
    const key = await this.decryptionKey(context.tenant, wrapped, context.document);
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, iv);
      decipher.setAAD(contextAad(context));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(body), decipher.final()]);
    } catch {
      throw new DecryptionFailedError();
    }
  }

  async encryptJson(context: EncryptionContext, value: unknown): Promise<Buffer> {
    return this.encrypt(context, JSON.stringify(value));
  }

  async decryptJson<T>(context: EncryptionContext, envelope: Uint8Array): Promise<T> {
    return JSON.parse((await this.decrypt(context, envelope)).toString('utf8')) as T;
  }
}
