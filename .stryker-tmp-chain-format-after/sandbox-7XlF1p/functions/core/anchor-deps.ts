// @ts-nocheck
import { createPublicKey, type KeyObject } from 'node:crypto';
import { join } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { config } from '../../shared/config';
import { ENV } from '../../shared/config/env-names';
import { lazyKmsClient } from '../../shared/crypto/kms-module';
import { LocalAnchorStore, S3AnchorStore, type AnchorStore } from './anchor-store';
import { KmsTreeHeadSigner, LocalTreeHeadSigner, type TreeHeadSigner } from './tree-head-signer';

/** The anchor store, signer and beat from config; built once per container. */

let store: AnchorStore | undefined;
let signer: TreeHeadSigner | undefined;

/** The local keystore folder; anchors and the local anchor key live beside the other local keys. */
function keystoreDir(): string {
  return config().keys.keystoreDir ?? '.data/keys';
}

/** S3 with Object Lock when a bucket is configured, else the local folder of write-once files. */
export function anchorStore(): AnchorStore {
  if (store) return store;
  const cfg = config();
  if (cfg.anchor.bucket) {
    let client: Promise<S3Client> | undefined;
    const s3 = () => (client ??= import('@aws-sdk/client-s3').then(({ S3Client }) => new S3Client({ region: cfg.region })));
    store = new S3AnchorStore(s3, cfg.anchor.bucket, cfg.anchor.retentionDays);
  } else {
    store = new LocalAnchorStore(cfg.anchor.dir ?? join(keystoreDir(), 'anchors'));
  }
  return store;
}

/** The tree head signer: KMS in AWS, a P-256 PEM file of its own locally. */
export function treeHeadSigner(): TreeHeadSigner {
  if (signer) return signer;
  const cfg = config();
  if (cfg.keys.provider === 'local') {
    signer = new LocalTreeHeadSigner(join(keystoreDir(), 'anchor-signing-p256.pem'));
  } else {
    if (!cfg.anchor.keyId) throw new Error(`${ENV.anchorKeyId} is required with the KMS key provider`);
    signer = new KmsTreeHeadSigner(lazyKmsClient(cfg.region), cfg.anchor.keyId);
  }
  return signer;
}

/** The public key tree heads must verify with (GetPublicKey in AWS: verifying needs no Sign right). */
export async function anchorPublicKey(): Promise<KeyObject> {
  return createPublicKey(await treeHeadSigner().publicKeyPem());
}

export function anchorBeatMs(): number {
  return config().anchor.beatSeconds * 1000;
}

/** Forgets the built store and signer (tests that switch stacks). */
export function resetAnchorDepsForTests(): void {
  store = undefined;
  signer = undefined;
}
