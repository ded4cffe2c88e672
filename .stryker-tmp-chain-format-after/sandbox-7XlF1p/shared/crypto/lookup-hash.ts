// @ts-nocheck
import { createHmac, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KMSClient } from '@aws-sdk/client-kms';
import { kmsModule, lazyKmsClient } from './kms-module';
import { config } from '../config';

/**
 * Keyed hashes of national ids, so patients can be found by fødselsnummer without the number
 * standing in plain text in any table. One region-wide key (KMS HMAC key in AWS, a local key file
 * under the keystore directory locally), so the same person hashes alike in every tenant of the
 * region, which cross-municipality sharing and the citizen's access log rely on.
 */
export interface LookupHasher {
  hash(purpose: string, value: string): Promise<string>;
}

export class LocalLookupHasher implements LookupHasher {
  private key: Buffer | undefined;
  constructor(private readonly dir: string) {}

  private secret(): Buffer {
    if (this.key) return this.key;
    const file = join(this.dir, 'lookup-hmac.key');
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    if (!existsSync(file)) {
      try {
        writeFileSync(file, randomBytes(32).toString('base64'), { flag: 'wx', mode: 0o600 });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
    }
    this.key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
    return this.key;
  }

  async hash(purpose: string, value: string): Promise<string> {
    return createHmac('sha256', this.secret()).update(`${purpose}\u0000${value}`).digest('base64url');
  }
}

export class KmsLookupHasher implements LookupHasher {
  private readonly cache = new Map<string, string>();
  constructor(
    private readonly kms: () => Promise<KMSClient>,
    private readonly keyId: string,
  ) {}

  async hash(purpose: string, value: string): Promise<string> {
    const message = `${purpose}\u0000${value}`;
    const hit = this.cache.get(message);
    if (hit) return hit;
    const out = await (await this.kms()).send(new (await kmsModule()).GenerateMacCommand({ KeyId: this.keyId, MacAlgorithm: 'HMAC_SHA_256', Message: Buffer.from(message) }));
    if (!out.Mac) throw new Error('KMS returned no MAC');
    const mac = Buffer.from(out.Mac).toString('base64url');
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(message, mac);
    return mac;
  }
}

let hasher: LookupHasher | undefined;

/** The container's hasher. */
export function lookupHasher(): LookupHasher {
  if (hasher) return hasher;
  const cfg = config();
  if (cfg.keys.provider === 'local') {
    hasher = new LocalLookupHasher(cfg.keys.keystoreDir ?? '.data/keys');
  } else {
    if (!cfg.keys.lookupKeyId) throw new Error('FJ_LOOKUP_KEY_ID is required with the KMS key provider');
    hasher = new KmsLookupHasher(lazyKmsClient(cfg.region), cfg.keys.lookupKeyId);
  }
  return hasher;
}

/** The keyed hash of a fødselsnummer / D-nummer, as used in every index. */
export function nationalIdKey(nationalId: string): Promise<string> {
  return lookupHasher().hash('national-id', nationalId);
}
