// @ts-nocheck
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KMSClient } from '@aws-sdk/client-kms';
import { kmsModule, lazyKmsClient } from './kms-module';
import { config } from '../config';
import { ENV } from '../config/env-names';

export const AUDIT_SIGNING_ALGORITHM = 'ECDSA_SHA_256';

export interface AuditSignature {
  /** Which key signed: the KMS key ARN in AWS, `local:<fingerprint>` locally. */
  keyId: string;
  algorithm: typeof AUDIT_SIGNING_ALGORITHM;
  /** DER-encoded ECDSA P-256 signature over SHA-256 of the message (the format KMS returns). */
  signature: Buffer;
}

/**
 * Signs audit checkpoints. Both implementations make DER ECDSA P-256 / SHA-256 signatures, so a
 * checkpoint is verified the same way wherever it was made. Only the platform's own signing key is
 * trusted: a checkpoint naming any other key does not verify.
 */
export interface AuditSigner {
  sign(message: Buffer): Promise<AuditSignature>;
  verify(keyId: string, message: Buffer, signature: Buffer): Promise<boolean>;
}

function verifyDer(publicKey: KeyObject, message: Buffer, signature: Buffer): boolean {
  try {
    return verify('sha256', message, publicKey, signature);
  } catch {
    // A malformed signature is a failed verification, not an error.
    return false;
  }
}

/**
 * The local stand-in for the KMS signing key: an ECDSA P-256 private key in a PEM file in the
 * keystore directory, created on first use.
 */
export class LocalAuditSigner implements AuditSigner {
  private keys: { privateKey: KeyObject; publicKey: KeyObject; keyId: string } | undefined;

  constructor(private readonly dir: string) {}

  private load() {
    if (this.keys) return this.keys;
    const file = join(this.dir, 'audit-signing-p256.pem');
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    if (!existsSync(file)) {
      const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      try {
        // `wx`: two processes racing to create the key keep the first one's.
        writeFileSync(file, privateKey.export({ format: 'pem', type: 'pkcs8' }), { flag: 'wx', mode: 0o600 });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
    }
    const privateKey = createPrivateKey(readFileSync(file, 'utf8'));
    const publicKey = createPublicKey(privateKey);
    const spki = publicKey.export({ format: 'der', type: 'spki' });
    const keyId = `local:${createHash('sha256').update(spki).digest('hex').slice(0, 32)}`;
    this.keys = { privateKey, publicKey, keyId };
    return this.keys;
  }

  /** The public key as PEM, for anyone who wants to check checkpoints outside the service. */
  publicKeyPem(): string {
    return this.load().publicKey.export({ format: 'pem', type: 'spki' }).toString();
  }

  async sign(message: Buffer): Promise<AuditSignature> {
    const { privateKey, keyId } = this.load();
    return { keyId, algorithm: AUDIT_SIGNING_ALGORITHM, signature: sign('sha256', message, privateKey) };
  }

  async verify(keyId: string, message: Buffer, signature: Buffer): Promise<boolean> {
    const keys = this.load();
    return keyId === keys.keyId && verifyDer(keys.publicKey, message, signature);
  }
}

/**
 * Checkpoint signing with a KMS asymmetric key (ECC_NIST_P256, SIGN_VERIFY). Signing is a KMS
 * Sign call; verifying uses the key's public half, fetched once with GetPublicKey, because a
 * tenant-wide verify checks many checkpoints and the public key is not secret.
 */
export class KmsAuditSigner implements AuditSigner {
  private publicKey: Promise<{ keyArn: string; key: KeyObject }> | undefined;

  constructor(
    private readonly kms: () => Promise<KMSClient>,
    private readonly keyId: string,
  ) {}

  private trusted(): Promise<{ keyArn: string; key: KeyObject }> {
    this.publicKey ??= Promise.all([this.kms(), kmsModule()]).then(([kms, { GetPublicKeyCommand }]) => kms.send(new GetPublicKeyCommand({ KeyId: this.keyId }))).then((out) => {
      if (!out.PublicKey || !out.KeyId) throw new Error('KMS returned no public key');
      if (out.KeySpec !== 'ECC_NIST_P256') throw new Error(`Audit signing key must be ECC_NIST_P256, not ${out.KeySpec}`);
      return { keyArn: out.KeyId, key: createPublicKey({ key: Buffer.from(out.PublicKey), format: 'der', type: 'spki' }) };
    });
    this.publicKey.catch(() => {
      // Let the next call try again rather than caching a failure for the container's life.
      this.publicKey = undefined;
    });
    return this.publicKey;
  }

  async sign(message: Buffer): Promise<AuditSignature> {
    const out = await (await this.kms()).send(
      new (await kmsModule()).SignCommand({ KeyId: this.keyId, Message: message, MessageType: 'RAW', SigningAlgorithm: AUDIT_SIGNING_ALGORITHM }),
    );
    if (!out.Signature || !out.KeyId) throw new Error('KMS returned no signature');
    return { keyId: out.KeyId, algorithm: AUDIT_SIGNING_ALGORITHM, signature: Buffer.from(out.Signature) };
  }

  async verify(keyId: string, message: Buffer, signature: Buffer): Promise<boolean> {
    const { keyArn, key } = await this.trusted();
    return keyId === keyArn && verifyDer(key, message, signature);
  }
}

let signer: AuditSigner | undefined;

/** The container's checkpoint signer: KMS in AWS, the keystore's P-256 key locally. */
export function auditSigner(): AuditSigner {
  if (signer) return signer;
  const cfg = config();
  if (cfg.keys.provider === 'local') {
    signer = new LocalAuditSigner(cfg.keys.keystoreDir ?? '.data/keys');
  } else {
    if (!cfg.keys.auditSigningKeyId) throw new Error(`${ENV.auditSigningKeyId} is required with the KMS key provider`);
    signer = new KmsAuditSigner(lazyKmsClient(cfg.region), cfg.keys.auditSigningKeyId);
  }
  return signer;
}
