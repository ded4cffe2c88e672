// @ts-nocheck
import type { Item } from '../../shared/db/tenant-db';
import { eventHash, GENESIS_HASH, seqOfSk } from './chain-format';

export const BROKEN_REASONS = ['hash-mismatch', 'broken-link', 'gap', 'reordered', 'head-mismatch', 'checkpoint-mismatch', 'missing-events', 'anchor-mismatch'] as const;
export type BrokenReason = (typeof BROKEN_REASONS)[number];

/** The first place a chain stops being what was written. */
export interface BrokenLink {
  stream: string;
  seq: number;
  reason: BrokenReason;
}

/** A checkpoint as the verifier needs it: where, what hash, and whether its signature held. */
export interface CheckpointFact {
  seq: number;
  hash: string;
  valid: boolean;
}

export interface HeadFact {
  seq: number;
  hash: string;
}

/**
 * Walks one stream's events in sort-key order and names the first broken link. Pure and
 * incremental, so the caller can feed it page by page and stop reading at the first break.
 *
 * At each position, in this order:
 * - `gap`: the sort key is not the next sequence number (an event was removed);
 * - `reordered`: the event claims another sequence number than the slot it sits in (moved/swapped);
 * - `hash-mismatch`: the event's content no longer gives its stored hash (edited);
 * - `broken-link`: the event does not point at the hash of the one before (edited and re-hashed,
 *   or spliced in from elsewhere);
 * - `checkpoint-mismatch`: a signed checkpoint for this position names another hash, or its
 *   signature does not verify;
 * - `head-mismatch`: the stream's head names this position with another hash;
 * - `anchor-mismatch`: the latest signed tree head anchored this position with another hash.
 * At the end (`finish`): `missing-events` when the head, a signed checkpoint or the anchor names events past
 * the last one found (truncation), `head-mismatch` when events exist but no head does.
 *
 * The head may name an event before the last one: writers store their event first and move the
 * head after it, so events past the head are appends whose writer had not moved it yet (or died
 * before it did). They are checked like every other event; only a head that names events that
 * are not there, or another hash than the event it names, is a break.
 */
export class ChainVerifier {
  private expected: number;
  /** The hash of the last event verified: the next one must point at it. */
  private lastHash: string;
  private broken: BrokenLink | undefined;
  private readonly checkpoints: Map<number, CheckpointFact>;
  /** The stream's head as read before its events; undefined when no head item exists. */
  private readonly head: HeadFact | undefined;
  /** Where the latest signed tree head put this stream; the table cannot move it. */
  private readonly anchored: HeadFact | undefined;
  /** Events looked at, including the one that broke. */
  checked = 0;

  constructor(
    readonly stream: string,
    options: {
      head: HeadFact | undefined;
      checkpoints?: CheckpointFact[];
      /** Continue after an already verified event (paged tenant verify), instead of from genesis. */
      after?: { seq: number; hash: string };
      /** The stream's leaf in the latest signed tree head, when it has one. */
      anchored?: HeadFact;
    },
  ) {
    const { checkpoints = [], after = { seq: 0, hash: GENESIS_HASH } } = options;
    this.head = options.head;
    this.anchored = options.anchored;
    this.checkpoints = new Map(checkpoints.map((c) => [c.seq, c]));
    this.expected = after.seq + 1;
    this.lastHash = after.hash;
  }

  /** The last sequence number verified so far. */
  get lastSeq(): number {
    return this.expected - 1;
  }

  get lastEventHash(): string {
    return this.lastHash;
  }

  get result(): BrokenLink | undefined {
    return this.broken;
  }

  private fail(seq: number, reason: BrokenReason): BrokenLink {
    this.broken = { stream: this.stream, seq, reason };
    return this.broken;
  }

  /** Checks the next stored event; returns the break if this event is where the chain breaks. */
  add(item: Item): BrokenLink | undefined {
    if (this.broken) return this.broken;
    this.checked += 1;
    const seq = this.expected;
    const skSeq = seqOfSk(String(item.sk));
    if (skSeq === undefined || skSeq > seq) return this.fail(seq, 'gap');
    if (skSeq < seq || item.seq !== skSeq) return this.fail(seq, 'reordered');
    const stored = typeof item.hash === 'string' ? item.hash : '';
    if (eventHash(item) !== stored) return this.fail(seq, 'hash-mismatch');
    if (item.prevHash !== this.lastHash) return this.fail(seq, 'broken-link');
    const checkpoint = this.checkpoints.get(seq);
    if (checkpoint && (!checkpoint.valid || checkpoint.hash !== stored)) return this.fail(seq, 'checkpoint-mismatch');
    if (this.anchored?.seq === seq && this.anchored.hash !== stored) return this.fail(seq, 'anchor-mismatch');
    if (this.head?.seq === seq && this.head.hash !== stored) return this.fail(seq, 'head-mismatch');
    this.lastHash = stored;
    this.expected += 1;
    return undefined;
  }

  /** After the last event: checks the head and every signed checkpoint against what was found. */
  finish(): BrokenLink | undefined {
    if (this.broken) return this.broken;
    const last = this.lastSeq;
    const beyond = [...this.checkpoints.values()].filter((c) => c.seq > last).sort((a, b) => a.seq - b.seq);
    const forged = beyond.find((c) => !c.valid);
    if (forged && !beyond.some((c) => c.valid && c.seq < forged.seq)) return this.fail(forged.seq, 'checkpoint-mismatch');
    // A signed checkpoint past the end: events it vouched for are gone, whatever the head says.
    if (beyond.some((c) => c.valid)) return this.fail(last + 1, 'missing-events');
    // Anchored events that are gone: truncated, or the whole stream removed.
    if (this.anchored && this.anchored.seq > last) return this.fail(last + 1, 'missing-events');
    if (!this.head) return last === 0 ? undefined : this.fail(last, 'head-mismatch');
    if (this.head.seq > last) return this.fail(last + 1, 'missing-events');
    return undefined;
  }
}

/** Verifies a whole stream held in memory (unit tests and small streams). */
export function verifyChain(stream: string, events: Item[], head: HeadFact | undefined, checkpoints: CheckpointFact[] = []): { broken?: BrokenLink; checked: number } {
  const verifier = new ChainVerifier(stream, { head, checkpoints });
  for (const e of events) if (verifier.add(e)) break;
  const broken = verifier.finish();
  return { broken, checked: verifier.checked };
}
