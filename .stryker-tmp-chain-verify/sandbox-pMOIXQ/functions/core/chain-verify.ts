// @ts-nocheck
function stryNS_9fa48() {
  var g = typeof globalThis === 'object' && globalThis && globalThis.Math === Math && globalThis || new Function("return this")();
  var ns = g.__stryker__ || (g.__stryker__ = {});
  if (ns.activeMutant === undefined && g.process && g.process.env && g.process.env.__STRYKER_ACTIVE_MUTANT__) {
    ns.activeMutant = g.process.env.__STRYKER_ACTIVE_MUTANT__;
  }
  function retrieveNS() {
    return ns;
  }
  stryNS_9fa48 = retrieveNS;
  return retrieveNS();
}
stryNS_9fa48();
function stryCov_9fa48() {
  var ns = stryNS_9fa48();
  var cov = ns.mutantCoverage || (ns.mutantCoverage = {
    static: {},
    perTest: {}
  });
  function cover() {
    var c = cov.static;
    if (ns.currentTestId) {
      c = cov.perTest[ns.currentTestId] = cov.perTest[ns.currentTestId] || {};
    }
    var a = arguments;
    for (var i = 0; i < a.length; i++) {
      c[a[i]] = (c[a[i]] || 0) + 1;
    }
  }
  stryCov_9fa48 = cover;
  cover.apply(null, arguments);
}
function stryMutAct_9fa48(id) {
  var ns = stryNS_9fa48();
  function isActive(id) {
    if (ns.activeMutant === id) {
      if (ns.hitCount !== void 0 && ++ns.hitCount > ns.hitLimit) {
        throw new Error('Stryker: Hit count limit reached (' + ns.hitCount + ')');
      }
      return true;
    }
    return false;
  }
  stryMutAct_9fa48 = isActive;
  return isActive(id);
}
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
  constructor(readonly stream: string, options: {
    head: HeadFact | undefined;
    checkpoints?: CheckpointFact[];
    /** Continue after an already verified event (paged tenant verify), instead of from genesis. */
    after?: {
      seq: number;
      hash: string;
    };
    /** The stream's leaf in the latest signed tree head, when it has one. */
    anchored?: HeadFact;
  }) {
    if (stryMutAct_9fa48("0")) {
      {}
    } else {
      stryCov_9fa48("0");
      const {
        checkpoints = stryMutAct_9fa48("1") ? ["Stryker was here"] : (stryCov_9fa48("1"), []),
        after = stryMutAct_9fa48("2") ? {} : (stryCov_9fa48("2"), {
          seq: 0,
          hash: GENESIS_HASH
        })
      } = options;
      this.head = options.head;
      this.anchored = options.anchored;
      this.checkpoints = new Map(checkpoints.map(stryMutAct_9fa48("3") ? () => undefined : (stryCov_9fa48("3"), c => stryMutAct_9fa48("4") ? [] : (stryCov_9fa48("4"), [c.seq, c]))));
      this.expected = stryMutAct_9fa48("5") ? after.seq - 1 : (stryCov_9fa48("5"), after.seq + 1);
      this.lastHash = after.hash;
    }
  }

  /** The last sequence number verified so far. */
  get lastSeq(): number {
    if (stryMutAct_9fa48("6")) {
      {}
    } else {
      stryCov_9fa48("6");
      return stryMutAct_9fa48("7") ? this.expected + 1 : (stryCov_9fa48("7"), this.expected - 1);
    }
  }
  get lastEventHash(): string {
    if (stryMutAct_9fa48("8")) {
      {}
    } else {
      stryCov_9fa48("8");
      return this.lastHash;
    }
  }
  get result(): BrokenLink | undefined {
    if (stryMutAct_9fa48("9")) {
      {}
    } else {
      stryCov_9fa48("9");
      return this.broken;
    }
  }
  private fail(seq: number, reason: BrokenReason): BrokenLink {
    if (stryMutAct_9fa48("10")) {
      {}
    } else {
      stryCov_9fa48("10");
      this.broken = stryMutAct_9fa48("11") ? {} : (stryCov_9fa48("11"), {
        stream: this.stream,
        seq,
        reason
      });
      return this.broken;
    }
  }

  /** Checks the next stored event; returns the break if this event is where the chain breaks. */
  add(item: Item): BrokenLink | undefined {
    if (stryMutAct_9fa48("12")) {
      {}
    } else {
      stryCov_9fa48("12");
      if (stryMutAct_9fa48("14") ? false : stryMutAct_9fa48("13") ? true : (stryCov_9fa48("13", "14"), this.broken)) return this.broken;
      stryMutAct_9fa48("15") ? this.checked -= 1 : (stryCov_9fa48("15"), this.checked += 1);
      const seq = this.expected;
      const skSeq = seqOfSk(String(item.sk));
      if (stryMutAct_9fa48("18") ? skSeq === undefined && skSeq > seq : stryMutAct_9fa48("17") ? false : stryMutAct_9fa48("16") ? true : (stryCov_9fa48("16", "17", "18"), (stryMutAct_9fa48("20") ? skSeq !== undefined : stryMutAct_9fa48("19") ? false : (stryCov_9fa48("19", "20"), skSeq === undefined)) || (stryMutAct_9fa48("23") ? skSeq <= seq : stryMutAct_9fa48("22") ? skSeq >= seq : stryMutAct_9fa48("21") ? false : (stryCov_9fa48("21", "22", "23"), skSeq > seq)))) return this.fail(seq, stryMutAct_9fa48("24") ? "" : (stryCov_9fa48("24"), 'gap'));
      if (stryMutAct_9fa48("27") ? skSeq < seq && item.seq !== skSeq : stryMutAct_9fa48("26") ? false : stryMutAct_9fa48("25") ? true : (stryCov_9fa48("25", "26", "27"), (stryMutAct_9fa48("30") ? skSeq >= seq : stryMutAct_9fa48("29") ? skSeq <= seq : stryMutAct_9fa48("28") ? false : (stryCov_9fa48("28", "29", "30"), skSeq < seq)) || (stryMutAct_9fa48("32") ? item.seq === skSeq : stryMutAct_9fa48("31") ? false : (stryCov_9fa48("31", "32"), item.seq !== skSeq)))) return this.fail(seq, stryMutAct_9fa48("33") ? "" : (stryCov_9fa48("33"), 'reordered'));
      const stored = (stryMutAct_9fa48("36") ? typeof item.hash !== 'string' : stryMutAct_9fa48("35") ? false : stryMutAct_9fa48("34") ? true : (stryCov_9fa48("34", "35", "36"), typeof item.hash === (stryMutAct_9fa48("37") ? "" : (stryCov_9fa48("37"), 'string')))) ? item.hash : stryMutAct_9fa48("38") ? "Stryker was here!" : (stryCov_9fa48("38"), '');
      if (stryMutAct_9fa48("41") ? eventHash(item) === stored : stryMutAct_9fa48("40") ? false : stryMutAct_9fa48("39") ? true : (stryCov_9fa48("39", "40", "41"), eventHash(item) !== stored)) return this.fail(seq, stryMutAct_9fa48("42") ? "" : (stryCov_9fa48("42"), 'hash-mismatch'));
      if (stryMutAct_9fa48("45") ? item.prevHash === this.lastHash : stryMutAct_9fa48("44") ? false : stryMutAct_9fa48("43") ? true : (stryCov_9fa48("43", "44", "45"), item.prevHash !== this.lastHash)) return this.fail(seq, stryMutAct_9fa48("46") ? "" : (stryCov_9fa48("46"), 'broken-link'));
      const checkpoint = this.checkpoints.get(seq);
      if (stryMutAct_9fa48("49") ? checkpoint || !checkpoint.valid || checkpoint.hash !== stored : stryMutAct_9fa48("48") ? false : stryMutAct_9fa48("47") ? true : (stryCov_9fa48("47", "48", "49"), checkpoint && (stryMutAct_9fa48("51") ? !checkpoint.valid && checkpoint.hash !== stored : stryMutAct_9fa48("50") ? true : (stryCov_9fa48("50", "51"), (stryMutAct_9fa48("52") ? checkpoint.valid : (stryCov_9fa48("52"), !checkpoint.valid)) || (stryMutAct_9fa48("54") ? checkpoint.hash === stored : stryMutAct_9fa48("53") ? false : (stryCov_9fa48("53", "54"), checkpoint.hash !== stored)))))) return this.fail(seq, stryMutAct_9fa48("55") ? "" : (stryCov_9fa48("55"), 'checkpoint-mismatch'));
      if (stryMutAct_9fa48("58") ? this.anchored?.seq === seq || this.anchored.hash !== stored : stryMutAct_9fa48("57") ? false : stryMutAct_9fa48("56") ? true : (stryCov_9fa48("56", "57", "58"), (stryMutAct_9fa48("60") ? this.anchored?.seq !== seq : stryMutAct_9fa48("59") ? true : (stryCov_9fa48("59", "60"), (stryMutAct_9fa48("61") ? this.anchored.seq : (stryCov_9fa48("61"), this.anchored?.seq)) === seq)) && (stryMutAct_9fa48("63") ? this.anchored.hash === stored : stryMutAct_9fa48("62") ? true : (stryCov_9fa48("62", "63"), this.anchored.hash !== stored)))) return this.fail(seq, stryMutAct_9fa48("64") ? "" : (stryCov_9fa48("64"), 'anchor-mismatch'));
      if (stryMutAct_9fa48("67") ? this.head?.seq === seq || this.head.hash !== stored : stryMutAct_9fa48("66") ? false : stryMutAct_9fa48("65") ? true : (stryCov_9fa48("65", "66", "67"), (stryMutAct_9fa48("69") ? this.head?.seq !== seq : stryMutAct_9fa48("68") ? true : (stryCov_9fa48("68", "69"), (stryMutAct_9fa48("70") ? this.head.seq : (stryCov_9fa48("70"), this.head?.seq)) === seq)) && (stryMutAct_9fa48("72") ? this.head.hash === stored : stryMutAct_9fa48("71") ? true : (stryCov_9fa48("71", "72"), this.head.hash !== stored)))) return this.fail(seq, stryMutAct_9fa48("73") ? "" : (stryCov_9fa48("73"), 'head-mismatch'));
      this.lastHash = stored;
      stryMutAct_9fa48("74") ? this.expected -= 1 : (stryCov_9fa48("74"), this.expected += 1);
      return undefined;
    }
  }

  /** After the last event: checks the head and every signed checkpoint against what was found. */
  finish(): BrokenLink | undefined {
    if (stryMutAct_9fa48("75")) {
      {}
    } else {
      stryCov_9fa48("75");
      if (stryMutAct_9fa48("77") ? false : stryMutAct_9fa48("76") ? true : (stryCov_9fa48("76", "77"), this.broken)) return this.broken;
      const last = this.lastSeq;
      const beyond = stryMutAct_9fa48("79") ? [...this.checkpoints.values()].sort((a, b) => a.seq - b.seq) : stryMutAct_9fa48("78") ? [...this.checkpoints.values()].filter(c => c.seq > last) : (stryCov_9fa48("78", "79"), (stryMutAct_9fa48("80") ? [] : (stryCov_9fa48("80"), [...this.checkpoints.values()])).filter(stryMutAct_9fa48("81") ? () => undefined : (stryCov_9fa48("81"), c => stryMutAct_9fa48("85") ? c.seq <= last : stryMutAct_9fa48("84") ? c.seq >= last : stryMutAct_9fa48("83") ? false : stryMutAct_9fa48("82") ? true : (stryCov_9fa48("82", "83", "84", "85"), c.seq > last))).sort(stryMutAct_9fa48("86") ? () => undefined : (stryCov_9fa48("86"), (a, b) => stryMutAct_9fa48("87") ? a.seq + b.seq : (stryCov_9fa48("87"), a.seq - b.seq))));
      const forged = beyond.find(stryMutAct_9fa48("88") ? () => undefined : (stryCov_9fa48("88"), c => stryMutAct_9fa48("89") ? c.valid : (stryCov_9fa48("89"), !c.valid)));
      if (stryMutAct_9fa48("92") ? forged || !beyond.some(c => c.valid && c.seq < forged.seq) : stryMutAct_9fa48("91") ? false : stryMutAct_9fa48("90") ? true : (stryCov_9fa48("90", "91", "92"), forged && (stryMutAct_9fa48("93") ? beyond.some(c => c.valid && c.seq < forged.seq) : (stryCov_9fa48("93"), !(stryMutAct_9fa48("94") ? beyond.every(c => c.valid && c.seq < forged.seq) : (stryCov_9fa48("94"), beyond.some(stryMutAct_9fa48("95") ? () => undefined : (stryCov_9fa48("95"), c => stryMutAct_9fa48("98") ? c.valid || c.seq < forged.seq : stryMutAct_9fa48("97") ? false : stryMutAct_9fa48("96") ? true : (stryCov_9fa48("96", "97", "98"), c.valid && (stryMutAct_9fa48("101") ? c.seq >= forged.seq : stryMutAct_9fa48("100") ? c.seq <= forged.seq : stryMutAct_9fa48("99") ? true : (stryCov_9fa48("99", "100", "101"), c.seq < forged.seq))))))))))) return this.fail(forged.seq, stryMutAct_9fa48("102") ? "" : (stryCov_9fa48("102"), 'checkpoint-mismatch'));
      // A signed checkpoint past the end: events it vouched for are gone, whatever the head says.
      if (stryMutAct_9fa48("105") ? beyond.every(c => c.valid) : stryMutAct_9fa48("104") ? false : stryMutAct_9fa48("103") ? true : (stryCov_9fa48("103", "104", "105"), beyond.some(stryMutAct_9fa48("106") ? () => undefined : (stryCov_9fa48("106"), c => c.valid)))) return this.fail(stryMutAct_9fa48("107") ? last - 1 : (stryCov_9fa48("107"), last + 1), stryMutAct_9fa48("108") ? "" : (stryCov_9fa48("108"), 'missing-events'));
      // Anchored events that are gone: truncated, or the whole stream removed.
      if (stryMutAct_9fa48("111") ? this.anchored || this.anchored.seq > last : stryMutAct_9fa48("110") ? false : stryMutAct_9fa48("109") ? true : (stryCov_9fa48("109", "110", "111"), this.anchored && (stryMutAct_9fa48("114") ? this.anchored.seq <= last : stryMutAct_9fa48("113") ? this.anchored.seq >= last : stryMutAct_9fa48("112") ? true : (stryCov_9fa48("112", "113", "114"), this.anchored.seq > last)))) return this.fail(stryMutAct_9fa48("115") ? last - 1 : (stryCov_9fa48("115"), last + 1), stryMutAct_9fa48("116") ? "" : (stryCov_9fa48("116"), 'missing-events'));
      if (stryMutAct_9fa48("119") ? false : stryMutAct_9fa48("118") ? true : stryMutAct_9fa48("117") ? this.head : (stryCov_9fa48("117", "118", "119"), !this.head)) return (stryMutAct_9fa48("122") ? last !== 0 : stryMutAct_9fa48("121") ? false : stryMutAct_9fa48("120") ? true : (stryCov_9fa48("120", "121", "122"), last === 0)) ? undefined : this.fail(last, stryMutAct_9fa48("123") ? "" : (stryCov_9fa48("123"), 'head-mismatch'));
      if (stryMutAct_9fa48("127") ? this.head.seq <= last : stryMutAct_9fa48("126") ? this.head.seq >= last : stryMutAct_9fa48("125") ? false : stryMutAct_9fa48("124") ? true : (stryCov_9fa48("124", "125", "126", "127"), this.head.seq > last)) return this.fail(stryMutAct_9fa48("128") ? last - 1 : (stryCov_9fa48("128"), last + 1), stryMutAct_9fa48("129") ? "" : (stryCov_9fa48("129"), 'missing-events'));
      return undefined;
    }
  }
}

/** Verifies a whole stream held in memory (unit tests and small streams). */
export function verifyChain(stream: string, events: Item[], head: HeadFact | undefined, checkpoints: CheckpointFact[] = stryMutAct_9fa48("130") ? ["Stryker was here"] : (stryCov_9fa48("130"), [])): {
  broken?: BrokenLink;
  checked: number;
} {
  if (stryMutAct_9fa48("131")) {
    {}
  } else {
    stryCov_9fa48("131");
    const verifier = new ChainVerifier(stream, stryMutAct_9fa48("132") ? {} : (stryCov_9fa48("132"), {
      head,
      checkpoints
    }));
    for (const e of events) if (stryMutAct_9fa48("134") ? false : stryMutAct_9fa48("133") ? true : (stryCov_9fa48("133", "134"), verifier.add(e))) break;
    const broken = verifier.finish();
    return stryMutAct_9fa48("135") ? {} : (stryCov_9fa48("135"), {
      broken,
      checked: verifier.checked
    });
  }
}