// @ts-nocheck
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { inclusionProof, leafBytes, merkleRoot, rootOfHashes, sortLeaves, verifyInclusion, type StreamLeaf } from '../../functions/core/merkle';
import { checkTreeHeadChain, leafSetMatches, NO_PREVIOUS, signedBytes, treeHeadHash, type SignedTreeHead, type TreeHead } from '../../functions/core/tree-head';

const sha = (...parts: Buffer[]) => parts.reduce((h, p) => h.update(p), createHash('sha256')).digest();

/** RFC 6962 / 9162 reference vectors (the certificate-transparency test data): leaves and roots of trees of 1..8. */
const CT_LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'];
const CT_ROOTS = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];

const leaves = (n: number): StreamLeaf[] =>
  sortLeaves(Array.from({ length: n }, (_, i) => ({ stream: `T#0301#AUDIT#P#p${String(i).padStart(4, '0')}`, seq: i + 1, hash: sha(Buffer.from(String(i))).toString('hex') })));

describe('Merkle tree (RFC 9162 2.1)', () => {
  it('matches the certificate-transparency reference roots', () => {
    expect(rootOfHashes([]).toString('hex')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    for (let n = 1; n <= CT_LEAVES.length; n++) {
      const hashes = CT_LEAVES.slice(0, n).map((hex) => sha(Buffer.from([0]), Buffer.from(hex, 'hex')));
      expect(rootOfHashes(hashes).toString('hex')).toBe(CT_ROOTS[n - 1]);
    }
  });

  it('hashes a leaf as canonical JSON of stream, seq and hash', () => {
    expect(leafBytes({ stream: 'T#0301#AUDIT#TENANT', seq: 3, hash: 'ab' }).toString('utf8')).toBe('{"hash":"ab","seq":3,"stream":"T#0301#AUDIT#TENANT"}');
  });

  it('proves and verifies inclusion of every leaf in trees of 1..33', () => {
    for (let n = 1; n <= 33; n++) {
      const ls = leaves(n);
      const root = merkleRoot(ls);
      for (let i = 0; i < n; i++) {
        const proof = inclusionProof(ls, i);
        expect(verifyInclusion(ls[i]!, i, n, proof, root)).toBe(true);
        // Another leaf, index, size or a flipped proof element fails.
        expect(verifyInclusion({ ...ls[i]!, seq: ls[i]!.seq + 1 }, i, n, proof, root)).toBe(false);
        if (n > 1) expect(verifyInclusion(ls[i]!, (i + 1) % n, n, proof, root)).toBe(false);
        if (proof.length > 0) expect(verifyInclusion(ls[i]!, i, n, [...proof.slice(1), proof[0]!.replace(/^./, (c) => (c === '0' ? '1' : '0'))], root)).toBe(false);
      }
    }
  });

  it('refuses leaves out of order or duplicated', () => {
    const ls = leaves(3);
    expect(() => merkleRoot([ls[1]!, ls[0]!, ls[2]!])).toThrow();
    expect(() => sortLeaves([ls[0]!, ls[0]!])).toThrow();
  });
});

describe('signed tree heads', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const other = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const beatMs = 60_000;
  const t0 = Date.parse('2026-12-05T07:00:00.000Z');

  function chain(n: number, key = privateKey): SignedTreeHead[] {
    const out: SignedTreeHead[] = [];
    let prevHash = NO_PREVIOUS;
    for (let i = 1; i <= n; i++) {
      const ls = leaves(i);
      const treeHead: TreeHead = { version: 1, tenant: '0301', index: i, treeSize: ls.length, root: merkleRoot(ls), time: new Date(t0 + i * beatMs).toISOString(), prevHash, keyId: 'local:test' };
      out.push({ treeHead, algorithm: 'ECDSA_SHA_256', signature: sign('sha256', signedBytes(treeHead), key).toString('base64') });
      prevHash = treeHeadHash(treeHead);
    }
    return out;
  }
  const texts = (heads: SignedTreeHead[]) => heads.map((h) => JSON.stringify(h));
  const check = (heads: SignedTreeHead[], now = new Date(t0 + heads.length * beatMs)) => checkTreeHeadChain(texts(heads), { tenant: '0301', publicKey, beatMs, now });

  it('signs a domain-separated canonical form', () => {
    const [h] = chain(1);
    expect(signedBytes(h!.treeHead).toString('utf8')).toMatch(/^fellesjournal-audit-tree-head\/v1\n\{"index":1,"keyId":"local:test","prevHash":"0{64}","root":"[0-9a-f]{64}","tenant":"0301","time":"2026-12-05T07:01:00.000Z","treeSize":1,"version":1\}$/);
  });

  it('accepts an unbroken chain and names the newest', () => {
    const result = check(chain(5));
    expect(result.problems).toEqual([]);
    expect(result.latest?.treeHead.index).toBe(5);
  });

  it('finds a deleted tree head, a foreign signature, a late beat, a stale chain and another municipality', () => {
    const c = chain(5);
    expect(check([c[0]!, c[1]!, c[3]!, c[4]!]).problems.map((p) => p.kind)).toEqual(['index-gap']);
    expect(check(c.slice(0, 4), new Date(t0 + 8 * beatMs)).problems.map((p) => p.kind)).toEqual(['stale']);
    const forged = chain(5, other.privateKey);
    expect(check([...c.slice(0, 4), forged[4]!]).problems.map((p) => p.kind)).toContain('bad-signature');
    const late = structuredClone(c[4]!);
    late.treeHead.time = new Date(t0 + 9 * beatMs).toISOString();
    late.signature = sign('sha256', signedBytes(late.treeHead), privateKey).toString('base64');
    expect(check([...c.slice(0, 4), late], new Date(t0 + 9 * beatMs)).problems.map((p) => p.kind)).toEqual(['late']);
    const edited = structuredClone(c[2]!);
    edited.treeHead.root = 'f'.repeat(64);
    expect(check([c[0]!, c[1]!, edited, c[3]!, c[4]!]).problems.map((p) => p.kind)).toEqual(['bad-signature', 'index-gap']);
    expect(checkTreeHeadChain(texts(c), { tenant: '4601', publicKey, beatMs }).problems.map((p) => p.kind)).toContain('wrong-tenant');
    expect(checkTreeHeadChain([], { tenant: '0301', publicKey, beatMs }).problems.map((p) => p.kind)).toEqual(['no-tree-head']);
  });

  it('finds a leaf set that does not give the signed root', () => {
    const [h] = chain(3).slice(2);
    const ls = leaves(3);
    expect(leafSetMatches(h!.treeHead, { tenant: '0301', root: h!.treeHead.root, leaves: ls })).toBeUndefined();
    expect(leafSetMatches(h!.treeHead, { tenant: '0301', root: h!.treeHead.root, leaves: [ls[0]!, ls[1]!, { ...ls[2]!, seq: 1 }] })?.kind).toBe('root-mismatch');
    expect(leafSetMatches(h!.treeHead, undefined)?.kind).toBe('leaves-missing');
  });
});
