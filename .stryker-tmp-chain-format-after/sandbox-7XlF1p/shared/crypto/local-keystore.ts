// @ts-nocheck
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { assertTenantId } from '../db/keys';
import type { DataKey, TenantKeyProvider } from './key-provider';

const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Per-tenant 256-bit master keys in files under a directory (`.data/keys` by default), created on
 * first use. It stands in for KMS locally: data keys are wrapped with AES-256-GCM and the AAD
 * `tenant=<id>`, the same binding KMS makes with the encryption context.
 */
/** The AAD a data key is wrapped with: the same binding KMS makes with the encryption context. */
function dataKeyAad(tenant: string, document?: string): Buffer {
  return Buffer.from(document === undefined ? `tenant=${tenant}` : `tenant=${tenant};document=${document}`);
}

export class LocalKeystore implements TenantKeyProvider {
  private readonly masters = new Map<string, Buffer>();

  constructor(private readonly dir: string) {}

  private path(tenant: string): string {
    assertTenantId(tenant);
    return join(this.dir, `tenant-${tenant}.key`);
  }

  /** The tenant's master key, created on first use. */
  masterKey(tenant: string): Buffer {
    const cached = this.masters.get(tenant);
    if (cached) return cached;
    const file = this.path(tenant);
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    if (!existsSync(file)) {
      try {
        // `wx`: two processes racing to create the key keep the first one's.
        writeFileSync(file, randomBytes(32).toString('base64'), { flag: 'wx', mode: 0o600 });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
    }
    const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
    if (key.length !== 32) throw new Error(`Keystore file for tenant ${tenant} is damaged`);
    this.masters.set(tenant, key);
    return key;
  }

  hasKey(tenant: string): boolean {
    return this.masters.has(tenant) || existsSync(this.path(tenant));
  }

  /** Crypto-shredding, locally: the key file is set aside with its deletion date in the name. */
  scheduleDeletion(tenant: string, deleteAfter: Date): string {
    const file = this.path(tenant);
    const target = `${file}.delete-after-${deleteAfter.toISOString().slice(0, 10)}`;
    if (existsSync(file)) renameSync(file, target);
    this.masters.delete(tenant);
    return target;
  }

  async generateDataKey(tenant: string, document?: string): Promise<DataKey> {
    const plaintext = randomBytes(32);
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.masterKey(tenant), iv);
    cipher.setAAD(dataKeyAad(tenant, document));
    const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return { plaintext, wrapped: Buffer.concat([iv, cipher.getAuthTag(), body]) };
  }

  async decryptDataKey(tenant: string, wrapped: Buffer, document?: string): Promise<Buffer> {
    const iv = wrapped.subarray(0, IV_BYTES);
    const tag = wrapped.subarray(IV_BYTES, IV_BYTES + TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', this.masterKey(tenant), iv);
    decipher.setAAD(dataKeyAad(tenant, document));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(wrapped.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
  }
}
