// @ts-nocheck
import type { AnchorNowResult } from '../../shared/contracts/audit';
import { jobSession } from '../../shared/db/sessions';
import type { Item, TenantDb } from '../../shared/db/tenant-db';
import { ConflictError } from '../../shared/errors';
import { listRegistryTenants } from '../../shared/tenancy/tenant-profile';
import { EVENT_PREFIX, eventSk, GENESIS_HASH, HEAD_SK, REGISTRY_SHARDS, registryStream } from '../core/chain-format';
import { ChainVerifier, type HeadFact } from '../core/chain-verify';
import { leafHash, rootOfHashes, sortLeaves, type StreamLeaf } from '../core/merkle';
import { anchorKeys, NO_PREVIOUS, signedBytes, TREE_HEAD_ALGORITHM, TREE_HEAD_VERSION, treeHeadHash, type LeafSet, type SignedTreeHead, type TreeHead } from '../core/tree-head';
import { latestTreeHead, readLeafSet } from '../core/anchor-log';
import type { AnchorStore } from '../core/anchor-store';
import type { TreeHeadSigner } from '../core/tree-head-signer';

/**
 * The anchoring job: for one municipality, read every stream head, build the Merkle tree over
 * them, sign the root and append the signed tree head to the write-once anchor store, chained to
 * the one before. Runs on a fixed beat (AWS: EventBridge every minute; `npm start`: a timer) and
 * when an auditor asks for it.
 *
 * Streams are found from the previous tree head's leaves plus the registry entries written since
 * (the registry shards are leaves too), so a beat reads each registry entry once, not every time.
 * The job never moves a leaf backwards: a head behind its anchored position, or naming another
 * hash at it, keeps the anchored leaf and is reported as a regression (verify then names the break).
 * Nor sideways: a leaf moves on only when the events since the anchored one chain onto it.
 */

export interface AnchorDeps {
  store: AnchorStore;
  signer: TreeHeadSigner;
  now?: () => Date;
}

export interface Regression {
  stream: string;
  anchoredSeq: number;
  headSeq: number | undefined;
}

/** A stream head that does not extend the stream's anchored chain; the previous leaf (if any) stays. */
export interface Divergence {
  stream: string;
  fromSeq: number;
  toSeq: number;
}

export interface AnchorOutcome {
  tenant: string;
  index: number;
  treeSize: number;
  root: string;
  time: string;
  /** Leaves that differ from the previous tree head's. */
  changed: number;
  regressions: Regression[];
  divergences: Divergence[];
}

/** Another run wrote this municipality's next tree head first. */
export class AnchorRaceError extends Error {
  constructor(tenant: string, index: number) {
    super(`tree head ${index} of ${tenant} already written`);
    this.name = 'AnchorRaceError';
  }
}

const BATCH = 100;
const BATCH_CONCURRENCY = 4;

/** Streams the registry shard names after entry `afterSeq`. */
async function registeredSince(db: TenantDb, registry: string, afterSeq: number): Promise<string[]> {
  const out: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await db.query<Item>({ table: 'audit', partition: registry, sortBetween: [eventSk(afterSeq + 1), `${EVENT_PREFIX}~`], limit: 1000, cursor });
    for (const item of page.items) if (typeof item.openedStream === 'string') out.push(item.openedStream);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

/** The head items of the given streams, read 100 per BatchGetItem, a few batches at a time. */
async function readHeads(db: TenantDb, streams: string[]): Promise<Map<string, { seq: number; hash: string }>> {
  const heads = new Map<string, { seq: number; hash: string }>();
  const batches: string[][] = [];
  for (let i = 0; i < streams.length; i += BATCH) batches.push(streams.slice(i, i + BATCH));
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(BATCH_CONCURRENCY, batches.length) }, async () => {
      while (next < batches.length) {
        const batch = batches[next++]!;
        const items = await db.getMany(
          'audit',
          batch.map((pk) => ({ pk, sk: HEAD_SK })),
        );
        items.forEach((h, i) => {
          if (h && typeof h.seq === 'number' && Number.isSafeInteger(h.seq) && h.seq >= 1 && typeof h.hash === 'string') heads.set(batch[i]!, { seq: h.seq, hash: h.hash });
        });
      }
    }),
  );
  return heads;
}

/** The leaves for this beat: current heads, never behind (or beside) what was anchored before. */
export function nextLeaves(streams: Iterable<string>, heads: Map<string, { seq: number; hash: string }>, previous: Map<string, StreamLeaf>): { leaves: StreamLeaf[]; regressions: Regression[] } {
  const leaves: StreamLeaf[] = [];
  const regressions: Regression[] = [];
  for (const stream of streams) {
    const head = heads.get(stream);
    const before = previous.get(stream);
    if (before && (!head || head.seq < before.seq || (head.seq === before.seq && head.hash !== before.hash))) {
      regressions.push({ stream, anchoredSeq: before.seq, headSeq: head?.seq });
      leaves.push(before);
    } else if (head) {
      leaves.push({ stream, seq: head.seq, hash: head.hash });
    }
  }
  return { leaves: sortLeaves(leaves), regressions };
}

const EXTEND_CONCURRENCY = 8;

/**
 * Whether the stored events from `from` (exclusive) to `to` chain on from the anchored hash and
 * end at the head's hash: the anchoring job's consistency check, so that every tree head extends
 * the one before it (like RFC 9162's consistency proofs) and a verifier may check only the newest.
 * Reads only the events written since the previous tree head.
 */
async function extendsChain(db: TenantDb, stream: string, from: HeadFact, to: HeadFact): Promise<boolean> {
  const verifier = new ChainVerifier(stream, { head: undefined, after: from });
  let cursor: string | undefined;
  do {
    const page = await db.query<Item>({ table: 'audit', partition: stream, sortBetween: [eventSk(from.seq + 1), eventSk(to.seq)], consistent: true, limit: 1000, cursor });
    for (const item of page.items) if (verifier.add(item)) return false;
    cursor = page.nextCursor;
  } while (cursor);
  return verifier.lastSeq === to.seq && verifier.lastEventHash === to.hash;
}

/** Keeps only the leaves that extend their anchored predecessors (or the empty chain, for new streams). */
async function consistentLeaves(db: TenantDb, leaves: StreamLeaf[], previous: Map<string, StreamLeaf>): Promise<{ leaves: StreamLeaf[]; divergences: Divergence[] }> {
  const divergences: Divergence[] = [];
  const out = new Map(leaves.map((l) => [l.stream, l]));
  const moved = leaves.filter((l) => {
    const p = previous.get(l.stream);
    return !p || p.seq !== l.seq;
  });
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(EXTEND_CONCURRENCY, moved.length) }, async () => {
      while (next < moved.length) {
        const leaf = moved[next++]!;
        const p = previous.get(leaf.stream);
        const from = p ? { seq: p.seq, hash: p.hash } : { seq: 0, hash: GENESIS_HASH };
        if (await extendsChain(db, leaf.stream, from, leaf)) continue;
        divergences.push({ stream: leaf.stream, fromSeq: from.seq, toSeq: leaf.seq });
        if (p) out.set(leaf.stream, p);
        else out.delete(leaf.stream);
      }
    }),
  );
  return { leaves: sortLeaves([...out.values()]), divergences: divergences.sort((a, b) => (a.stream < b.stream ? -1 : 1)) };
}

/** Anchors one municipality: one new signed tree head in the store. */
export async function anchorTenant(tenant: string, deps: AnchorDeps): Promise<AnchorOutcome> {
  // A job: its session comes from the one job-session factory (the anchoring role's own rights).
  const db = jobSession('anchor-beat', tenant).db;
  const prev = await latestTreeHead(deps.store, tenant);
  const prevSet = prev ? await readLeafSet(deps.store, tenant, prev.treeHead.root) : undefined;
  const previous = new Map((prevSet?.leaves ?? []).map((l) => [l.stream, l]));

  const streams = new Set<string>(previous.keys());
  const registries = REGISTRY_SHARDS.map((s) => registryStream(tenant, s));
  for (const r of registries) streams.add(r);
  // From the anchored registry position on while the entry there is still the anchored one; a
  // rewritten registry (new entries may then reuse anchored sequence numbers) is read whole.
  const opened = await Promise.all(
    registries.map(async (r) => {
      const anchored = previous.get(r);
      const entry = anchored ? await db.get('audit', r, eventSk(anchored.seq)) : undefined;
      return registeredSince(db, r, anchored && entry?.hash === anchored.hash ? anchored.seq : 0);
    }),
  );
  for (const list of opened) for (const s of list) streams.add(s);

  const heads = await readHeads(db, [...streams]);
  const next = nextLeaves(streams, heads, previous);
  const { regressions } = next;
  const { leaves, divergences } = await consistentLeaves(db, next.leaves, previous);
  const root = rootOfHashes(leaves.map(leafHash)).toString('hex');
  const changed = leaves.filter((l) => {
    const p = previous.get(l.stream);
    return !p || p.seq !== l.seq || p.hash !== l.hash;
  }).length;

  if (!prev || prev.treeHead.root !== root) {
    const set: LeafSet = { tenant, root, leaves };
    await deps.store.put(anchorKeys.leafSet(tenant, root), JSON.stringify(set));
  }

  // Never dated before the previous tree head, whatever this machine's clock says.
  const nowMs = (deps.now?.() ?? new Date()).getTime();
  const time = new Date(Math.max(nowMs, prev ? Date.parse(prev.treeHead.time) + 1 : 0)).toISOString();
  const treeHead: TreeHead = {
    version: TREE_HEAD_VERSION,
    tenant,
    index: (prev?.treeHead.index ?? 0) + 1,
    treeSize: leaves.length,
    root,
    time,
    prevHash: prev ? treeHeadHash(prev.treeHead) : NO_PREVIOUS,
    keyId: await deps.signer.keyId(),
  };
  const signature = await deps.signer.sign(signedBytes(treeHead));
  const signed: SignedTreeHead = { treeHead, algorithm: TREE_HEAD_ALGORITHM, signature: signature.toString('base64') };
  if ((await deps.store.put(anchorKeys.treeHead(treeHead), `${JSON.stringify(signed, null, 1)}\n`)) === 'exists') throw new AnchorRaceError(tenant, treeHead.index);
  return { tenant, index: treeHead.index, treeSize: treeHead.treeSize, root, time, changed, regressions, divergences };
}

/** Anchors one municipality, trying once more when another run took the same index first. */
export async function anchorTenantWithRetry(tenant: string, deps: AnchorDeps): Promise<AnchorOutcome> {
  try {
    return await anchorTenant(tenant, deps);
  } catch (error) {
    if (!(error instanceof AnchorRaceError)) throw error;
    return anchorTenant(tenant, deps);
  }
}

/**
 * The auditor's "anchor now" (POST /v1/audit/anchor): one new tree head for the caller's own
 * municipality, exactly as a beat writes it (a call right after a beat adds the next tree head,
 * chained to it, over the same or newer stream heads; nothing is overwritten).
 */
export async function anchorNow(tenant: string, deps: AnchorDeps): Promise<AnchorNowResult & { regressions: number }> {
  try {
    const a = await anchorTenantWithRetry(tenant, deps);
    return { tenant: a.tenant, index: a.index, treeSize: a.treeSize, root: a.root, time: a.time, changed: a.changed, regressions: a.regressions.length + a.divergences.length };
  } catch (error) {
    if (error instanceof AnchorRaceError) throw new ConflictError('Et annet signert trehode for kommunen ble skrevet samtidig; prøv igjen.');
    throw error;
  }
}

/** Municipalities whose logs are anchored: every one whose log still exists and may be read. */
const ANCHORED_STATUSES = new Set(['active', 'suspended', 'offboarding']);

export interface BeatOutcome {
  anchored: AnchorOutcome[];
  failed: { tenant: string; error: string }[];
}

/** One beat: every municipality, a few at a time; one failing does not stop the others. */
export async function anchorAll(deps: AnchorDeps, concurrency = 4): Promise<BeatOutcome> {
  const tenants = (await listRegistryTenants()).filter((t) => ANCHORED_STATUSES.has(t.status)).map((t) => t.id).sort();
  const out: BeatOutcome = { anchored: [], failed: [] };
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, tenants.length) }, async () => {
      while (next < tenants.length) {
        const tenant = tenants[next++]!;
        try {
          out.anchored.push(await anchorTenantWithRetry(tenant, deps));
        } catch (error) {
          out.failed.push({ tenant, error: (error as Error).name });
        }
      }
    }),
  );
  return out;
}
