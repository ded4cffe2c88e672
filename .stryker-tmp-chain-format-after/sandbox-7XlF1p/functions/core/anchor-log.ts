// @ts-nocheck
import { anchorKeys, parseLeafSet, parseSignedTreeHead, type LeafSet, type SignedTreeHead } from './tree-head';
import type { AnchorStore } from './anchor-store';

/**
 * Reading a municipality's tree heads from an anchor store, for the anchoring job (the newest, to
 * chain onto), verify (the recent ones) and the independent verifier (a time range). Only the
 * store's read side and the pure format are used here.
 */

/** Day folders (`YYYY-MM-DD`) of a municipality's tree heads, oldest first, optionally within [fromDay, toDay]. */
async function days(store: AnchorStore, tenant: string, fromDay?: string, toDay?: string): Promise<string[]> {
  const prefix = anchorKeys.tenantPrefix(tenant);
  return (await store.folders(prefix))
    .map((f) => f.slice(prefix.length, -1))
    .filter((d) => (!fromDay || d >= fromDay) && (!toDay || d <= toDay));
}

/** Keys of tree heads, oldest first: all in the day range, or the newest `last` of them. */
export async function treeHeadKeys(store: AnchorStore, tenant: string, range: { fromDay?: string; toDay?: string; last?: number } = {}): Promise<string[]> {
  const ds = await days(store, tenant, range.fromDay, range.toDay);
  const out: string[] = [];
  for (let i = ds.length - 1; i >= 0; i--) {
    out.unshift(...(await store.list(anchorKeys.dayPrefix(tenant, ds[i]!))).filter((k) => k.endsWith('.json')));
    if (range.last !== undefined && out.length >= range.last) return out.slice(-range.last);
  }
  return out;
}

/** The texts of the given keys, read a few at a time, in the same order. */
export async function readAll(store: AnchorStore, keys: string[], concurrency = 16): Promise<string[]> {
  const out = new Array<string>(keys.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, keys.length) }, async () => {
      while (next < keys.length) {
        const i = next++;
        out[i] = (await store.get(keys[i]!)) ?? '';
      }
    }),
  );
  return out;
}

/** The newest tree head of a municipality as stored (its signature unchecked), or undefined. */
export async function latestTreeHead(store: AnchorStore, tenant: string): Promise<SignedTreeHead | undefined> {
  const [key] = await treeHeadKeys(store, tenant, { last: 1 });
  const text = key ? await store.get(key) : undefined;
  return text ? parseSignedTreeHead(text) : undefined;
}

export async function readLeafSet(store: AnchorStore, tenant: string, root: string): Promise<LeafSet | undefined> {
  const text = await store.get(anchorKeys.leafSet(tenant, root));
  return text ? parseLeafSet(text) : undefined;
}
