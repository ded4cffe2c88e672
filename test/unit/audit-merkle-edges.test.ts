import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { inclusionProof, inTreeOrder, leafHash, merkleRoot, nodeHash, sortLeaves, verifyInclusion, type StreamLeaf } from '../../functions/core/merkle';

/**
 * Edges of the Merkle tree over stream heads (functions/core/merkle.ts) that the mutation run
 * (issue 20, point 4) pins: what an inclusion proof must look like to be accepted, the order the
 * leaves must be in, and the node and leaf prefixes.
 */

const sha = (...parts: Buffer[]) => parts.reduce((h, p) => h.update(p), createHash('sha256')).digest();
const leaf = (i: number): StreamLeaf => ({ stream: `T#0301#AUDIT#P#q${String(i).padStart(3, '0')}`, seq: i + 1, hash: sha(Buffer.from(`h${i}`)).toString('hex') });
const tree = (n: number) => Array.from({ length: n }, (_, i) => leaf(i));

describe('inclusion proofs', () => {
  const ls = tree(7);
  const root = merkleRoot(ls);

  it('are refused for an index outside the tree or not an integer', () => {
    const proof = inclusionProof(ls, 2);
    for (const index of [-1, 7, 8, 2.5, Number.NaN]) expect(verifyInclusion(ls[2]!, index, 7, proof, root), String(index)).toBe(false);
    expect(verifyInclusion(ls[2]!, 2, 2, proof, root)).toBe(false);
    for (const index of [-1, 7, 1.5]) expect(() => inclusionProof(ls, index)).toThrow('leaf index out of range');
  });

  it('are refused for an index just outside the tree even where the hashing alone would accept it', () => {
    // Without the range check, the first leaf's proof also "proves" index -1, and index n in small trees.
    expect(verifyInclusion(ls[0]!, -1, 7, inclusionProof(ls, 0), root)).toBe(false);
    const one = tree(1);
    expect(verifyInclusion(one[0]!, 1, 1, [], merkleRoot(one))).toBe(false);
    const two = tree(2);
    expect(verifyInclusion(two[0]!, 2, 2, inclusionProof(two, 0), merkleRoot(two))).toBe(false);
    expect(verifyInclusion(two[0]!, 0, 2, inclusionProof(two, 0), merkleRoot(two))).toBe(true);
  });

  it('are refused when an element is not 64 lowercase hex digits', () => {
    const proof = inclusionProof(ls, 3);
    expect(verifyInclusion(ls[3]!, 3, 7, proof, root)).toBe(true);
    for (const bad of [proof[0]!.toUpperCase(), proof[0]!.slice(1), `${proof[0]}0`, `x${proof[0]!.slice(1)}`, ` ${proof[0]!.slice(1)}`]) {
      expect(verifyInclusion(ls[3]!, 3, 7, [bad, ...proof.slice(1)], root), bad).toBe(false);
    }
  });

  it('are refused when too long or too short for the tree', () => {
    const proof = inclusionProof(ls, 6);
    expect(verifyInclusion(ls[6]!, 6, 7, proof, root)).toBe(true);
    expect(verifyInclusion(ls[6]!, 6, 7, [...proof, proof[0]!], root)).toBe(false);
    expect(verifyInclusion(ls[6]!, 6, 7, proof.slice(0, -1), root)).toBe(false);
    expect(verifyInclusion(ls[0]!, 0, 1, [], merkleRoot([ls[0]!]))).toBe(true);
    expect(verifyInclusion(ls[0]!, 0, 1, [proof[0]!], merkleRoot([ls[0]!]))).toBe(false);
  });

  it('are refused against another root', () => {
    const proof = inclusionProof(ls, 4);
    expect(verifyInclusion(ls[4]!, 4, 7, proof, merkleRoot(tree(6)))).toBe(false);
    expect(verifyInclusion(ls[4]!, 4, 7, proof, root.toUpperCase())).toBe(false);
  });

  it('the last leaf of an unbalanced tree climbs past the missing right siblings', () => {
    for (const n of [3, 5, 6, 9, 13]) {
      const t = tree(n);
      const r = merkleRoot(t);
      expect(verifyInclusion(t[n - 1]!, n - 1, n, inclusionProof(t, n - 1), r), String(n)).toBe(true);
      expect(verifyInclusion(t[n - 2]!, n - 2, n, inclusionProof(t, n - 2), r), String(n)).toBe(true);
    }
  });
});

describe('leaf order and hashing', () => {
  it('sorts by stream id and refuses any stream twice, wherever the copies are', () => {
    const ls = tree(4);
    expect(sortLeaves([ls[2]!, ls[0]!, ls[3]!, ls[1]!])).toEqual(ls);
    expect(() => sortLeaves([ls[0]!, ls[1]!, { ...ls[0]!, seq: 9 }])).toThrow(`duplicate leaf for stream ${ls[0]!.stream}`);
    expect(sortLeaves([])).toEqual([]);
    expect(sortLeaves([ls[1]!])).toEqual([ls[1]]);
  });

  it('is in tree order only when strictly ascending', () => {
    const ls = tree(3);
    expect(inTreeOrder(ls)).toBe(true);
    expect(inTreeOrder([])).toBe(true);
    expect(inTreeOrder([ls[0]!, ls[0]!])).toBe(false);
    expect(inTreeOrder([ls[0]!, ls[2]!, ls[1]!])).toBe(false);
    expect(() => merkleRoot([ls[0]!, ls[0]!])).toThrow('leaves are not in tree order');
  });

  it('separates leaves from nodes by a one-byte prefix (0x00, 0x01)', () => {
    const a = leaf(1);
    expect(leafHash(a)).toEqual(sha(Buffer.from([0]), Buffer.from(JSON.stringify({ hash: a.hash, seq: a.seq, stream: a.stream }))));
    const l = sha(Buffer.from('l'));
    const r = sha(Buffer.from('r'));
    expect(nodeHash(l, r)).toEqual(sha(Buffer.from([1]), l, r));
    expect(merkleRoot([a, leaf(2)])).toBe(sha(Buffer.from([1]), leafHash(a), leafHash(leaf(2))).toString('hex'));
  });
});
