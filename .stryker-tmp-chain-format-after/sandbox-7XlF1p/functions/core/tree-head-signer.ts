// @ts-nocheck
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { KMSClient } from '@aws-sdk/client-kms';
import { kmsModule } from '../../shared/crypto/kms-module';
import { TREE_HEAD_ALGORITHM } from './tree-head';

/**
 * Signs tree heads: ECDSA P-256 over SHA-256, DER signatures (what KMS returns), so a tree head
 * verifies the same way wherever it was signed. This key is the anchoring job's alone: in AWS an
 * asymmetric KMS key only the anchoring role may Sign with; locally a PEM file of its own, apart
 * from the checkpoint key the data plane uses.
 */
export interface TreeHeadSigner {
  /** The id written into the tree head before signing (so it is covered by the signature). */
  keyId(): Promise<string>;
  sign(message: Buffer): Promise<Buffer>;
  /** The public key as SPKI PEM: what an auditor needs to verify tree heads. */
  publicKeyPem(): Promise<string>;
}

export const ALGORITHM = TREE_HEAD_ALGORITHM;

/** `local:` and the first 32 hex digits of SHA-256 over the DER SPKI public key. */
export function localKeyId(publicKey: KeyObject): string {
  const spki = publicKey.export({ format: 'der', type: 'spki' });
  return `local:${createHash('sha256').update(spki).digest('hex').slice(0, 32)}`;
}

/** Locally: a P-256 private key in a PEM file, created on first use (`wx`: racing creators keep the first). */
export class LocalTreeHeadSigner implements TreeHeadSigner {
  private keys: { privateKey: KeyObject; publicKey: KeyObject; keyId: string } | undefined;

  constructor(private readonly file: string) {}

  private load() {
    if (this.keys) return this.keys;
    if (!existsSync(this.file)) {
      mkdirSync(dirname(this.file), { recursive: true, mode: 0o700 });
      const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      try {
        writeFileSync(this.file, privateKey.export({ format: 'pem', type: 'pkcs8' }), { flag: 'wx', mode: 0o600 });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
    }
    const privateKey = createPrivateKey(readFileSync(this.file, 'utf8'));
    const publicKey = createPublicKey(privateKey);
    this.keys = { privateKey, publicKey, keyId: localKeyId(publicKey) };
    return this.keys;
  }

  async keyId(): Promise<string> {
    return this.load().keyId;
  }

  async sign(message: Buffer): Promise<Buffer> {
    return sign('sha256', message, this.load().privateKey);
  }

  async publicKeyPem(): Promise<string> {
    return this.load().publicKey.export({ format: 'pem', type: 'spki' }).toString();
  }
}

/** In AWS: KMS Sign with an ECC_NIST_P256 key; the key id written into tree heads is the key's ARN. */
export class KmsTreeHeadSigner implements TreeHeadSigner {
  private described: Promise<{ arn: string; pem: string }> | undefined;

  constructor(
    private readonly kms: () => Promise<KMSClient>,
    private readonly key: string,
  ) {}

  private describe(): Promise<{ arn: string; pem: string }> {
    this.described ??= Promise.all([this.kms(), kmsModule()])
      .then(([kms, { GetPublicKeyCommand }]) => kms.send(new GetPublicKeyCommand({ KeyId: this.key })))
      .then((out) => {
        if (!out.PublicKey || !out.KeyId) throw new Error('KMS returned no public key');
        if (out.KeySpec !== 'ECC_NIST_P256') throw new Error(`The anchor signing key must be ECC_NIST_P256, not ${out.KeySpec}`);
        const pem = createPublicKey({ key: Buffer.from(out.PublicKey), format: 'der', type: 'spki' }).export({ format: 'pem', type: 'spki' }).toString();
        return { arn: out.KeyId, pem };
      });
    this.described.catch(() => {
      this.described = undefined;
    });
    return this.described;
  }

  async keyId(): Promise<string> {
    return (await this.describe()).arn;
  }

  async sign(message: Buffer): Promise<Buffer> {
    const { arn } = await this.describe();
    const { SignCommand } = await kmsModule();
    const out = await (await this.kms()).send(new SignCommand({ KeyId: arn, Message: message, MessageType: 'RAW', SigningAlgorithm: ALGORITHM }));
    if (!out.Signature) throw new Error('KMS returned no signature');
    return Buffer.from(out.Signature);
  }

  async publicKeyPem(): Promise<string> {
    return (await this.describe()).pem;
  }
}
