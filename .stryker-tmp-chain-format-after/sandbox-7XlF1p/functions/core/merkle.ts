// @ts-nocheck
import { createHash } from 'node:crypto';
import { canonicalJson } from '../../shared/encoding/canonical-json';

/**
 * The Merkle tree over a municipality's stream heads, as RFC 9162 (Certificate Transparency 2.0)
 * section 2.1 defines it: SHA-256, leaves hashed as H(0x00 || leaf), interior nodes as
 * H(0x01 || left || right), a tree of n leaves split at the largest power of two below n.
 * Pure: no I/O, so an auditor can re-run it anywhere (see docs/audit-format.md).
 */

/** One leaf: a stream, the sequence number of its head, and that event's chain hash. */
export interface StreamLeaf {
  stream: string;
  seq: number;
  hash: string;
}

const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

/** The leaf's bytes: RFC 8785 canonical JSON of {hash, seq, stream}, UTF-8. */
export function leafBytes(leaf: StreamLeaf): Buffer {
  return Buffer.from(canonicalJson({ stream: leaf.stream, seq: leaf.seq, hash: leaf.hash }), 'utf8');
}

export function leafHash(leaf: StreamLeaf): Buffer {
  return createHash('sha256').update(LEAF_PREFIX).update(leafBytes(leaf)).digest();
}

export function nodeHash(left: Buffer, right: Buffer): Buffer {
  return createHash('sha256').update(NODE_PREFIX).update(left).update(right).digest();
}

/** Leaves in tree order: ascending by stream id (UTF-16 code units; ids are ASCII), one per stream. */
export function sortLeaves(leaves: StreamLeaf[]): StreamLeaf[] {
  const sorted = [...leaves].sort((a, b) => (a.stream < b.stream ? -1 : a.stream > b.stream ? 1 : 0));
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]!.stream === sorted[i - 1]!.stream) throw new Error(`duplicate leaf for stream ${sorted[i]!.stream}`);
  }
  return sorted;
}

/** True when the leaves are strictly ascending by stream id (the only order a tree is built in). */
export function inTreeOrder(leaves: readonly StreamLeaf[]): boolean {
  for (let i = 1; i < leaves.length; i++) if (!(leaves[i - 1]!.stream < leaves[i]!.stream)) return false;
  return true;
}

/** The largest power of two strictly below n (n >= 2). */
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function subtreeRoot(hashes: Buffer[], from: number, to: number): Buffer {
  const n = to - from;
  if (n === 1) return hashes[from]!;
  const k = splitPoint(n);
  return nodeHash(subtreeRoot(hashes, from, from + k), subtreeRoot(hashes, from + k, to));
}

/** MTH over leaf hashes already computed (in tree order). The empty tree's root is SHA-256(""). */
export function rootOfHashes(hashes: Buffer[]): Buffer {
  if (hashes.length === 0) return createHash('sha256').digest();
  return subtreeRoot(hashes, 0, hashes.length);
}

/** The tree's root as lowercase hex; the leaves must already be in tree order. */
export function merkleRoot(leaves: readonly StreamLeaf[]): string {
  if (!inTreeOrder(leaves)) throw new Error('leaves are not in tree order');
  return rootOfHashes(leaves.map(leafHash)).toString('hex');
}

function path(hashes: Buffer[], m: number, from: number, to: number): Buffer[] {
  const n = to - from;
  if (n === 1) return [];
  const k = splitPoint(n);
  return m < k
    ? [...path(hashes, m, from, from + k), subtreeRoot(hashes, from + k, to)]
    : [...path(hashes, m - k, from + k, to), subtreeRoot(hashes, from, from + k)];
}

/** The audit path (RFC 9162 2.1.3.1) for the leaf at `index` among `leaves` (in tree order). */
export function inclusionProof(leaves: readonly StreamLeaf[], index: number): string[] {
  if (!Number.isInteger(index) || index < 0 || index >= leaves.length) throw new Error('leaf index out of range');
  return path(leaves.map(leafHash), index, 0, leaves.length).map((h) => h.toString('hex'));
}

/** Checks an inclusion proof (RFC 9162 2.1.3.2): the leaf at `index` in a tree of `treeSize` gives `root`. */
export function verifyInclusion(leaf: StreamLeaf, index: number, treeSize: number, proof: readonly string[], root: string): boolean {
  if (!Number.isInteger(index) || index < 0 || index >= treeSize) return false;
  let fn = index;
  let sn = treeSize - 1;
  let r = leafHash(leaf);
  for (const hex of proof) {
    if (!/^[0-9a-f]{64}$/.test(hex)) return false;
    const p = Buffer.from(hex, 'hex');
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && r.toString('hex') === root;
}
