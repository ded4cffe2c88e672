// @ts-nocheck
import type { VerifyResult } from '../../shared/contracts/audit';
import { anchorBeatMs, anchorPublicKey, anchorStore } from '../core/anchor-deps';
import { readAll, readLeafSet, treeHeadKeys } from '../core/anchor-log';
import type { HeadFact } from '../core/chain-verify';
import { checkTreeHeadChain, leafSetMatches, type AnchorProblem, type TreeHead } from '../core/tree-head';

/**
 * What verify checks the audit table against: the recent chain of signed tree heads and the leaf
 * set of the newest. The table can be rewritten by anyone who can write it; these cannot (Object
 * Lock in AWS), so every stream position they name must still be there with the same hash.
 */

/** Tree heads checked per verify call (the last two hours at one a minute); the CLI checks any range. */
export const RECENT_TREE_HEADS = 120;

export type AnchorReport = NonNullable<VerifyResult['anchor']>;

export interface AnchorContext {
  /** The stream's position in the newest tree head, if it has one. */
  leafOf(stream: string): HeadFact | undefined;
  latest?: TreeHead;
  problems: AnchorProblem[];
  treeHeadsChecked: number;
}

/** Reads and checks the municipality's recent tree heads; no tree head at all is `unanchored`, not a fault. */
export async function loadAnchorContext(tenant: string, now = new Date()): Promise<AnchorContext> {
  const store = anchorStore();
  const keys = await treeHeadKeys(store, tenant, { last: RECENT_TREE_HEADS });
  if (keys.length === 0) return { leafOf: () => undefined, problems: [], treeHeadsChecked: 0 };
  const texts = await readAll(store, keys);
  const chain = checkTreeHeadChain(texts, { tenant, publicKey: await anchorPublicKey(), beatMs: anchorBeatMs(), now });
  const problems = [...chain.problems];
  const latest = chain.latest?.treeHead;
  let leaves = new Map<string, HeadFact>();
  if (latest) {
    const set = await readLeafSet(store, tenant, latest.root);
    const wrong = leafSetMatches(latest, set);
    if (wrong) problems.push(wrong);
    else leaves = new Map(set!.leaves.map((l) => [l.stream, { seq: l.seq, hash: l.hash }]));
  }
  return { leafOf: (stream) => leaves.get(stream), ...(latest ? { latest } : {}), problems, treeHeadsChecked: texts.length };
}

/** Counts for the report: events the anchor covers, and the window past it. */
export interface AnchorTally {
  anchoredEvents: number;
  windowStreams: number;
  windowEvents: number;
}

/** Adds one verified stream to the tally: up to its anchored seq covered, the rest in the window. */
export function tallyStream(tally: AnchorTally, anchored: HeadFact | undefined, lastSeq: number): void {
  const covered = Math.min(anchored?.seq ?? 0, lastSeq);
  tally.anchoredEvents += covered;
  if (lastSeq > covered) {
    tally.windowStreams += 1;
    tally.windowEvents += lastSeq - covered;
  }
}

export function anchorReport(context: AnchorContext, tally: AnchorTally): AnchorReport {
  const { latest } = context;
  return {
    status: context.problems.length > 0 ? 'failed' : latest ? 'verified' : 'unanchored',
    ...(latest ? { latest: { index: latest.index, time: latest.time, treeSize: latest.treeSize, root: latest.root } } : {}),
    treeHeadsChecked: context.treeHeadsChecked,
    problems: context.problems,
    anchoredEvents: tally.anchoredEvents,
    window: { ...(latest ? { since: latest.time } : {}), streams: tally.windowStreams, events: tally.windowEvents },
  };
}
