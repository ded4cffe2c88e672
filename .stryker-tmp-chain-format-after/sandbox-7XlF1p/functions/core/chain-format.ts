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
import { createHash } from 'node:crypto';
import { tenantKey } from '../../shared/db/keys';
import { canonicalJson } from '../../shared/encoding/canonical-json';
import type { Item } from '../../shared/db/tenant-db';

/**
 * The stored shape of the audit chains, shared by the writer (audit-chain.ts), the verifier and the
 * views. Pure: no I/O here, so the unit tests can build and break chains in memory.
 */

/**
 * The base stream (hash chain) an event belongs to: one per patient, one per tenant for the rest.
 * It is shard 0 of that log, and the only chain there was before logs were sharded, so logs
 * written in the single-stream layout are simply logs whose other shards were never opened.
 */
export function streamOf(tenant: string, patientId: string | undefined): string {
  if (stryMutAct_9fa48("0")) {
    {}
  } else {
    stryCov_9fa48("0");
    return patientId ? tenantKey(tenant, stryMutAct_9fa48("1") ? "" : (stryCov_9fa48("1"), 'AUDIT'), stryMutAct_9fa48("2") ? "" : (stryCov_9fa48("2"), 'P'), patientId) : tenantKey(tenant, stryMutAct_9fa48("3") ? "" : (stryCov_9fa48("3"), 'AUDIT'), stryMutAct_9fa48("4") ? "" : (stryCov_9fa48("4"), 'TENANT'));
  }
}

/**
 * How many hash chains one patient's (or the tenant's) log may spread over. Every shard is a
 * stream like any other (its own chain, head, checkpoints, registry entry and tree-head leaf), so
 * sharding weakens nothing that verify checks; it only stops concurrent appenders from queueing
 * behind one head. Shards past 0 are opened only under contention (see audit-chain.ts), so a quiet
 * patient keeps one chain and one leaf; 16 lets 32 concurrent readers spread to about two per
 * chain while a reader of the history merges at most 16 short lists.
 */
export const STREAM_SHARDS = 16;
const SHARD_MARK = stryMutAct_9fa48("5") ? "" : (stryCov_9fa48("5"), '#S#');

/** Shard `shard` of a base stream: shard 0 is the base stream itself. */
export function shardStream(base: string, shard: number): string {
  if (stryMutAct_9fa48("6")) {
    {}
  } else {
    stryCov_9fa48("6");
    return (stryMutAct_9fa48("9") ? shard !== 0 : stryMutAct_9fa48("8") ? false : stryMutAct_9fa48("7") ? true : (stryCov_9fa48("7", "8", "9"), shard === 0)) ? base : stryMutAct_9fa48("10") ? `` : (stryCov_9fa48("10"), `${base}${SHARD_MARK}${String(shard).padStart(2, stryMutAct_9fa48("11") ? "" : (stryCov_9fa48("11"), '0'))}`);
  }
}

/** Every shard stream a base stream may have, shard 0 first. */
export function shardStreams(base: string): string[] {
  if (stryMutAct_9fa48("12")) {
    {}
  } else {
    stryCov_9fa48("12");
    return Array.from(stryMutAct_9fa48("13") ? {} : (stryCov_9fa48("13"), {
      length: STREAM_SHARDS
    }), stryMutAct_9fa48("14") ? () => undefined : (stryCov_9fa48("14"), (_, k) => shardStream(base, k)));
  }
}

/** A stream's base stream and shard number (`T#0301#AUDIT#P#x#S#03` -> the base and 3). */
export function shardOf(stream: string): {
  base: string;
  shard: number;
} {
  if (stryMutAct_9fa48("15")) {
    {}
  } else {
    stryCov_9fa48("15");
    const m = (stryMutAct_9fa48("20") ? /^(.+)#S#(\D{2})$/ : stryMutAct_9fa48("19") ? /^(.+)#S#(\d)$/ : stryMutAct_9fa48("18") ? /^(.)#S#(\d{2})$/ : stryMutAct_9fa48("17") ? /^(.+)#S#(\d{2})/ : stryMutAct_9fa48("16") ? /(.+)#S#(\d{2})$/ : (stryCov_9fa48("16", "17", "18", "19", "20"), /^(.+)#S#(\d{2})$/)).exec(stream);
    return (stryMutAct_9fa48("23") ? m?.[1] || m[2] : stryMutAct_9fa48("22") ? false : stryMutAct_9fa48("21") ? true : (stryCov_9fa48("21", "22", "23"), (stryMutAct_9fa48("24") ? m[1] : (stryCov_9fa48("24"), m?.[1])) && m[2])) ? stryMutAct_9fa48("25") ? {} : (stryCov_9fa48("25"), {
      base: m[1],
      shard: Number(m[2])
    }) : stryMutAct_9fa48("26") ? {} : (stryCov_9fa48("26"), {
      base: stream,
      shard: 0
    });
  }
}

/**
 * The tenant's stream registry: hash chains of their own with one entry per stream ever opened, so
 * a whole-tenant verify can find every stream and a stream removed wholesale still shows up. It is
 * split into 16 shards (by the stream's hash) so that patients opened at the same moment rarely
 * race for the same registry head.
 */
export const REGISTRY_SHARDS = (stryMutAct_9fa48("27") ? "" : (stryCov_9fa48("27"), '0123456789abcdef')).split(stryMutAct_9fa48("28") ? "Stryker was here!" : (stryCov_9fa48("28"), ''));
export function registryShardOf(stream: string): string {
  if (stryMutAct_9fa48("29")) {
    {}
  } else {
    stryCov_9fa48("29");
    return stryMutAct_9fa48("30") ? createHash('sha256').update(stream).digest('hex') : (stryCov_9fa48("30"), createHash(stryMutAct_9fa48("31") ? "" : (stryCov_9fa48("31"), 'sha256')).update(stream).digest(stryMutAct_9fa48("32") ? "" : (stryCov_9fa48("32"), 'hex')).charAt(0));
  }
}
export function registryStream(tenant: string, shard: string): string {
  if (stryMutAct_9fa48("33")) {
    {}
  } else {
    stryCov_9fa48("33");
    return tenantKey(tenant, stryMutAct_9fa48("34") ? "" : (stryCov_9fa48("34"), 'AUDIT'), stryMutAct_9fa48("35") ? "" : (stryCov_9fa48("35"), 'STREAMS'), shard);
  }
}

/** The patient record id a patient stream (any shard) belongs to; undefined for the tenant stream and the registry. */
export function patientOfStream(stream: string): string | undefined {
  if (stryMutAct_9fa48("36")) {
    {}
  } else {
    stryCov_9fa48("36");
    return stryMutAct_9fa48("37") ? /^T#\d{4}#AUDIT#P#(.+)$/.exec(shardOf(stream).base)[1] : (stryCov_9fa48("37"), (stryMutAct_9fa48("42") ? /^T#\d{4}#AUDIT#P#(.)$/ : stryMutAct_9fa48("41") ? /^T#\D{4}#AUDIT#P#(.+)$/ : stryMutAct_9fa48("40") ? /^T#\d#AUDIT#P#(.+)$/ : stryMutAct_9fa48("39") ? /^T#\d{4}#AUDIT#P#(.+)/ : stryMutAct_9fa48("38") ? /T#\d{4}#AUDIT#P#(.+)$/ : (stryCov_9fa48("38", "39", "40", "41", "42"), /^T#\d{4}#AUDIT#P#(.+)$/)).exec(shardOf(stream).base)?.[1]);
  }
}
export const HEAD_SK = stryMutAct_9fa48("43") ? "" : (stryCov_9fa48("43"), 'HEAD');
export const GENESIS_HASH = (stryMutAct_9fa48("44") ? "" : (stryCov_9fa48("44"), '0')).repeat(64);
export const EVENT_PREFIX = stryMutAct_9fa48("45") ? "" : (stryCov_9fa48("45"), 'E#');
export const CHECKPOINT_PREFIX = stryMutAct_9fa48("46") ? "" : (stryCov_9fa48("46"), 'C#');
function seqPart(seq: number): string {
  if (stryMutAct_9fa48("47")) {
    {}
  } else {
    stryCov_9fa48("47");
    return String(seq).padStart(12, stryMutAct_9fa48("48") ? "" : (stryCov_9fa48("48"), '0'));
  }
}
export function eventSk(seq: number): string {
  if (stryMutAct_9fa48("49")) {
    {}
  } else {
    stryCov_9fa48("49");
    return stryMutAct_9fa48("50") ? `` : (stryCov_9fa48("50"), `${EVENT_PREFIX}${seqPart(seq)}`);
  }
}

/** Checkpoints live beside the events of their stream; one per checkpointed sequence number. */
export function checkpointSk(seq: number): string {
  if (stryMutAct_9fa48("51")) {
    {}
  } else {
    stryCov_9fa48("51");
    return stryMutAct_9fa48("52") ? `` : (stryCov_9fa48("52"), `${CHECKPOINT_PREFIX}${seqPart(seq)}`);
  }
}

/** The sequence number a sort key claims (`E#000000000042` -> 42), or undefined when malformed. */
export function seqOfSk(sk: string): number | undefined {
  if (stryMutAct_9fa48("53")) {
    {}
  } else {
    stryCov_9fa48("53");
    const m = (stryMutAct_9fa48("58") ? /^[EC]#(\D{12})$/ : stryMutAct_9fa48("57") ? /^[EC]#(\d)$/ : stryMutAct_9fa48("56") ? /^[^EC]#(\d{12})$/ : stryMutAct_9fa48("55") ? /^[EC]#(\d{12})/ : stryMutAct_9fa48("54") ? /[EC]#(\d{12})$/ : (stryCov_9fa48("54", "55", "56", "57", "58"), /^[EC]#(\d{12})$/)).exec(sk);
    return (stryMutAct_9fa48("59") ? m[1] : (stryCov_9fa48("59"), m?.[1])) ? Number(m[1]) : undefined;
  }
}

/** The fields of a stored event that its hash covers (everything but index keys and the hash). */
export const HASHED_FIELDS = ['stream', 'seq', 'prevHash', 'eventId', 'time', 'tenant', 'action', 'outcome', 'actor', 'requestId', 'patientId', 'citizenKey', 'recordId', 'purposeOfUse', 'reasonCode', 'reasonSealed', 'flagged', 'flagReason', 'fromTenant', 'rule', 'details', 'openedStream'] as const;

/** Deterministic JSON (RFC 8785, bytes as base64): the one serializer every hash and signature uses. */
export function canonical(value: unknown): string {
  if (stryMutAct_9fa48("60")) {
    {}
  } else {
    stryCov_9fa48("60");
    return canonicalJson(value);
  }
}

/** SHA-256 over the canonical form of the hashed fields; the previous hash is one of them. */
export function eventHash(item: Item): string {
  if (stryMutAct_9fa48("61")) {
    {}
  } else {
    stryCov_9fa48("61");
    const covered: Record<string, unknown> = {};
    for (const f of HASHED_FIELDS) if (stryMutAct_9fa48("64") ? item[f] === undefined : stryMutAct_9fa48("63") ? false : stryMutAct_9fa48("62") ? true : (stryCov_9fa48("62", "63", "64"), item[f] !== undefined)) covered[f] = item[f];
    return createHash(stryMutAct_9fa48("65") ? "" : (stryCov_9fa48("65"), 'sha256')).update(canonical(covered)).digest(stryMutAct_9fa48("66") ? "" : (stryCov_9fa48("66"), 'hex'));
  }
}

/** What a checkpoint signs: the stream, its sequence number and the event hash at that number. */
export interface CheckpointClaim {
  tenant: string;
  stream: string;
  seq: number;
  hash: string;
  time: string;
}

/** The exact bytes a checkpoint signature covers (domain-separated, canonical). */
export function checkpointMessage(claim: CheckpointClaim): Buffer {
  if (stryMutAct_9fa48("67")) {
    {}
  } else {
    stryCov_9fa48("67");
    const {
      tenant,
      stream,
      seq,
      hash,
      time
    } = claim;
    return Buffer.from(stryMutAct_9fa48("68") ? `` : (stryCov_9fa48("68"), `fellesjournal-audit-checkpoint/v1\n${canonical(stryMutAct_9fa48("69") ? {} : (stryCov_9fa48("69"), {
      tenant,
      stream,
      seq,
      hash,
      time
    }))}`), stryMutAct_9fa48("70") ? "" : (stryCov_9fa48("70"), 'utf8'));
  }
}