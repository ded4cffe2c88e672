// @ts-nocheck
import { createHash, verify, type KeyObject } from 'node:crypto';
import { canonicalJson } from '../../shared/encoding/canonical-json';
import { inTreeOrder, merkleRoot, type StreamLeaf } from './merkle';

/**
 * Signed tree heads: on every beat the anchoring job signs, for each municipality, the Merkle root
 * over all its stream heads and writes it to a write-once store. Each tree head names the hash of
 * the one before, so the tree heads form a chain of their own (like CloudTrail's digest files).
 * Pure: the format, the exact signed bytes, the object keys and the checks; no I/O.
 */

export const TREE_HEAD_VERSION = 1;
export const TREE_HEAD_DOMAIN = 'fellesjournal-audit-tree-head/v1\n';
export const TREE_HEAD_ALGORITHM = 'ECDSA_SHA_256';
/** What the first tree head of a municipality names as its predecessor. */
export const NO_PREVIOUS = '0'.repeat(64);

/** The signed statement: "municipality T's audit streams had this Merkle root at this time". */
export interface TreeHead {
  version: typeof TREE_HEAD_VERSION;
  tenant: string;
  /** Position in the municipality's chain of tree heads, from 1, without gaps. */
  index: number;
  /** Number of leaves (streams). */
  treeSize: number;
  /** Merkle root, lowercase hex. */
  root: string;
  /** When the heads were read (ISO 8601, UTC, milliseconds). */
  time: string;
  /** treeHeadHash of the previous tree head; NO_PREVIOUS for index 1. */
  prevHash: string;
  /** Which key signed: the KMS key ARN in AWS, `local:<fingerprint>` locally. */
  keyId: string;
}

/** A tree head with its signature, as stored (one write-once object). */
export interface SignedTreeHead {
  treeHead: TreeHead;
  algorithm: typeof TREE_HEAD_ALGORITHM;
  /** DER-encoded ECDSA P-256 signature over SHA-256 of signedBytes(treeHead), base64. */
  signature: string;
}

/** The leaves a tree head's root was built from (content-addressed by the root). */
export interface LeafSet {
  tenant: string;
  root: string;
  leaves: StreamLeaf[];
}

/** The exact bytes signed: the domain line, then RFC 8785 canonical JSON of the tree head, UTF-8. */
export function signedBytes(head: TreeHead): Buffer {
  const { version, tenant, index, treeSize, root, time, prevHash, keyId } = head;
  return Buffer.from(TREE_HEAD_DOMAIN + canonicalJson({ version, tenant, index, treeSize, root, time, prevHash, keyId }), 'utf8');
}

/** What the next tree head names as prevHash: SHA-256 of this one's signed bytes, hex. */
export function treeHeadHash(head: TreeHead): string {
  return createHash('sha256').update(signedBytes(head)).digest('hex');
}

/** Object keys in the anchor store. Day folders keep listings short; the index keeps them ordered. */
export const anchorKeys = {
  tenantPrefix: (tenant: string) => `tree-heads/${tenant}/`,
  dayPrefix: (tenant: string, day: string) => `tree-heads/${tenant}/${day}/`,
  treeHead: (head: Pick<TreeHead, 'tenant' | 'index' | 'time'>) => `tree-heads/${head.tenant}/${head.time.slice(0, 10)}/${String(head.index).padStart(12, '0')}.json`,
  leafSet: (tenant: string, root: string) => `leaves/${tenant}/${root}.json`,
};

/** Parses a stored tree head; undefined when it is not one (the check reports that). */
export function parseSignedTreeHead(text: string): SignedTreeHead | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return undefined;
  }
  const o = raw as Partial<SignedTreeHead> | null;
  const h = o?.treeHead as Partial<TreeHead> | undefined;
  const hex64 = (s: unknown) => typeof s === 'string' && /^[0-9a-f]{64}$/.test(s);
  const nat = (n: unknown, min: number) => typeof n === 'number' && Number.isSafeInteger(n) && n >= min;
  if (!o || !h || o.algorithm !== TREE_HEAD_ALGORITHM || typeof o.signature !== 'string') return undefined;
  if (h.version !== TREE_HEAD_VERSION || typeof h.tenant !== 'string' || !nat(h.index, 1) || !nat(h.treeSize, 0)) return undefined;
  if (!hex64(h.root) || !hex64(h.prevHash) || typeof h.time !== 'string' || Number.isNaN(Date.parse(h.time)) || typeof h.keyId !== 'string') return undefined;
  return { treeHead: h as TreeHead, algorithm: o.algorithm, signature: o.signature };
}

/** Parses a stored leaf set; undefined when malformed. */
export function parseLeafSet(text: string): LeafSet | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return undefined;
  }
  const o = raw as Partial<LeafSet> | null;
  if (!o || typeof o.tenant !== 'string' || typeof o.root !== 'string' || !Array.isArray(o.leaves)) return undefined;
  const ok = o.leaves.every((l: Partial<StreamLeaf>) => typeof l?.stream === 'string' && typeof l.seq === 'number' && Number.isSafeInteger(l.seq) && l.seq >= 1 && typeof l.hash === 'string');
  return ok ? (o as LeafSet) : undefined;
}

/** Verifies a tree head's signature with the expected public key (ECDSA P-256, SHA-256, DER). */
export function signatureValid(signed: SignedTreeHead, publicKey: KeyObject): boolean {
  try {
    return verify('sha256', signedBytes(signed.treeHead), publicKey, Buffer.from(signed.signature, 'base64'));
  } catch {
    return false;
  }
}

export const ANCHOR_PROBLEMS = [
  'no-tree-head', 'malformed', 'bad-signature', 'wrong-tenant', 'index-gap', 'broken-prev', 'late', 'stale', 'leaves-missing', 'root-mismatch',
] as const;
export type AnchorProblemKind = (typeof ANCHOR_PROBLEMS)[number];

/** A fault in the chain of tree heads itself. */
export interface AnchorProblem {
  kind: AnchorProblemKind;
  /** The tree head index it concerns (0 when none). */
  index: number;
  detail: string;
}

export interface TreeHeadChainOptions {
  tenant: string;
  publicKey: KeyObject;
  /** The anchoring beat; consecutive tree heads more than two beats apart are a fault. */
  beatMs: number;
  /** When given, the newest tree head must be at most two beats older than this. */
  now?: Date;
  /** The tree head just before the first one given (a ranged check), when known. */
  before?: TreeHead;
}

/**
 * Checks a municipality's chain of signed tree heads, oldest first: each parses, is for this
 * municipality, verifies with the expected key, follows the one before (index + 1 and prevHash),
 * and comes at most two beats after it; the newest is at most two beats old. Returns every fault
 * and the newest tree head whose signature held.
 */
export function checkTreeHeadChain(texts: readonly string[], options: TreeHeadChainOptions): { problems: AnchorProblem[]; heads: SignedTreeHead[]; latest?: SignedTreeHead } {
  const problems: AnchorProblem[] = [];
  const heads: SignedTreeHead[] = [];
  const maxGap = 2 * options.beatMs;
  let prev: TreeHead | undefined = options.before;
  for (const text of texts) {
    const signed = parseSignedTreeHead(text);
    if (!signed) {
      problems.push({ kind: 'malformed', index: prev ? prev.index + 1 : 0, detail: 'not a signed tree head' });
      continue;
    }
    const head = signed.treeHead;
    if (head.tenant !== options.tenant) problems.push({ kind: 'wrong-tenant', index: head.index, detail: `names municipality ${head.tenant}` });
    if (!signatureValid(signed, options.publicKey)) {
      problems.push({ kind: 'bad-signature', index: head.index, detail: `signature does not verify with the expected public key (claims key ${head.keyId})` });
      continue;
    }
    if (prev) {
      if (head.index !== prev.index + 1) problems.push({ kind: 'index-gap', index: head.index, detail: `follows tree head ${prev.index}` });
      else if (head.prevHash !== treeHeadHash(prev)) problems.push({ kind: 'broken-prev', index: head.index, detail: `does not name tree head ${prev.index}'s hash` });
      const gap = Date.parse(head.time) - Date.parse(prev.time);
      if (gap > maxGap) problems.push({ kind: 'late', index: head.index, detail: `${Math.round(gap / 1000)} s after tree head ${prev.index} (more than two beats)` });
      if (gap < 0) problems.push({ kind: 'broken-prev', index: head.index, detail: `dated before tree head ${prev.index}` });
    } else if (head.index === 1 && head.prevHash !== NO_PREVIOUS) {
      problems.push({ kind: 'broken-prev', index: 1, detail: 'the first tree head names a predecessor' });
    }
    heads.push(signed);
    prev = head;
  }
  const latest = heads.at(-1);
  if (!latest) problems.push({ kind: 'no-tree-head', index: 0, detail: 'no signed tree head found' });
  else if (options.now && options.now.getTime() - Date.parse(latest.treeHead.time) > maxGap) {
    problems.push({ kind: 'stale', index: latest.treeHead.index, detail: `the newest tree head is from ${latest.treeHead.time}, more than two beats ago` });
  }
  return { problems, heads, ...(latest ? { latest } : {}) };
}

/** Checks that a leaf set is the one a tree head signed: right municipality, size, order and root. */
export function leafSetMatches(head: TreeHead, set: LeafSet | undefined): AnchorProblem | undefined {
  if (!set) return { kind: 'leaves-missing', index: head.index, detail: `no leaf set for root ${head.root}` };
  if (set.tenant !== head.tenant || set.leaves.length !== head.treeSize || !inTreeOrder(set.leaves) || merkleRoot(set.leaves) !== head.root) {
    return { kind: 'root-mismatch', index: head.index, detail: 'the leaf set does not give the signed root' };
  }
  return undefined;
}
