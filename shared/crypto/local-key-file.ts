import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * A local key file's text, the file made with `make()` on first use (folder 0700, file 0600).
 * Written with `wx`, so two processes racing to create it both end up with the first one's key.
 * The local runtime's stand-in for a key that lives in KMS in AWS.
 */
export function localKeyFile(file: string, make: () => string): string {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  if (!existsSync(file)) {
    try {
      writeFileSync(file, make(), { flag: 'wx', mode: 0o600 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  return readFileSync(file, 'utf8');
}

/** A 256-bit secret key in a local key file (base64), made at random on first use. */
export function localSecretKey(file: string): Buffer {
  return Buffer.from(localKeyFile(file, () => randomBytes(32).toString('base64')).trim(), 'base64');
}

/** A new P-256 private key as PKCS#8 PEM: the local signing keys' contents on first use. */
export function newP256Pem(): string {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
}
