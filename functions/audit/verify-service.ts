import type { CheckpointResult, VerifyResult } from '../../shared/contracts/audit';
import { badCursor, cursors, openCursor, type CursorScope } from '../../shared/crypto/cursor-codec';
import { NotFoundError } from '../../shared/errors';
import type { TenantSession } from '../../shared/db/sessions';
import { assertTenantAuditReader, auditEventFor, recordAuditAct, type AuditRequest } from './audit-access';
import { holdsItems, readEvent, readHead, registryPage, type StoredEvent } from './audit-store';
import { eventHash, EVENT_PREFIX, eventSk, HASHED_FIELDS, patientOfStream, REGISTRY_SHARDS, registryStream, shardStreams, streamOf } from '../core/chain-format';
import { ChainVerifier, type BrokenLink, type HeadFact } from '../core/chain-verify';
import { readCheckpoints, writeCheckpoint } from '../core/checkpoint-store';
import { anchorReport, loadAnchorContext, tallyStream, type AnchorContext, type AnchorTally } from './anchor-check';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { METRICS } from '../../shared/metric-names';
import { metrics } from '../../shared/observability';

/**
 * `verify` for one patient's stream or for every stream of the tenant, and the auditor's
 * checkpoint run (verify, then sign the head of every stream that verified).
 *
 * One stream is read in this order, so concurrent appends never look like tampering:
 * 1. its signed checkpoints (a checkpoint is only written after its events committed, so none read
 *    here can lie past the head read next);
 * 2. its head (writers move it only after their event is stored, so it never names an event the
 *    next read cannot find);
 * 3. all its events, each checked against the one before; the head must name one of them with
 *    its hash. Events past the head are appends whose writer had not moved the head yet.
 * A whole-tenant run walks the stream registry (itself a checked chain) and checks each stream it
 * names; it stops between streams after `maxStreams` or a time budget and returns a cursor.
 */

const MAX_BROKEN_LISTED = 50;
/** Streams verified at once in a tenant-wide run. */
const STREAM_CONCURRENCY = 8;
const DEFAULT_MAX_STREAMS = 500;
/** Time one call may spend before it returns with a cursor (API Gateway allows 29 s). */
const DEFAULT_BUDGET_MS = 20_000;
/** Registry sequence numbers run far below this; it stands for "to the end of the registry". */
const REGISTRY_END = 999_999_999_999;

export interface StreamCheck {
  stream: string;
  eventsChecked: number;
  broken?: BrokenLink;
  /** The last event verified: where a checkpoint may be signed. */
  verified?: HeadFact;
  lastCheckpointSeq: number;
  /** Where the latest signed tree head put this stream. */
  anchored?: HeadFact;
}

/** Sequence numbers one slice of a stream covers: one DynamoDB page of events (1 MB holds ~2,000 of them). */
export const SLICE_SEQS = 1000;
/** Slices read at once ahead of the check. */
const SLICES_AHEAD = 6;

/** What the check reads of an event: its keys, its stored hash and the fields the hash covers (not the index keys). */
const CHECKED_ATTRIBUTES = ['pk', 'sk', 'hash', ...HASHED_FIELDS];

/** All items of one sort-key range [from, to] of a stream, in order; `to` itself left out unless `toIncluded`. */
async function sliceItems(session: TenantSession, stream: string, from: string, to: string, toIncluded: boolean): Promise<StoredEvent[]> {
  const out: StoredEvent[] = [];
  let cursor: string | undefined;
  do {
    const page = await session.db.query<StoredEvent>({ table: 'audit', partition: stream, sortBetween: [from, to], consistent: true, limit: SLICE_SEQS + 1, cursor, attributes: CHECKED_ATTRIBUTES });
    for (const item of page.items) out.push(item);
    cursor = page.nextCursor;
  } while (cursor);
  return toIncluded || out.at(-1)?.sk !== to ? out : out.slice(0, -1);
}

/**
 * All events of a stream in sort-key order, slice by slice, for the check. Up to `knownSeq` (the
 * head read before) the range is split into slices of SLICE_SEQS sequence numbers, SLICES_AHEAD of
 * them read at once, so reading is parallel and the check of one slice overlaps the reads of the
 * next: verify is bounded by reading, not by one round trip after another. The slices meet exactly
 * ([E#a, E#b] without E#b, then [E#b, ...]), so together they cover the same key range one query
 * from E#1 would, malformed keys included; after them one query reads whatever lies past
 * `knownSeq` (appends whose head had not moved yet).
 */
export async function* streamEvents(session: TenantSession, stream: string, knownSeq = 0): AsyncGenerator<StoredEvent[]> {
  const bounds: number[] = [];
  for (let seq = 1; seq <= knownSeq; seq += SLICE_SEQS) bounds.push(seq);
  bounds.push(knownSeq + 1);
  const slices = bounds.slice(0, -1).map((from, i) => () => sliceItems(session, stream, eventSk(from), eventSk(bounds[i + 1]!), false));
  slices.push(() => sliceItems(session, stream, eventSk(knownSeq + 1), `${EVENT_PREFIX}~`, true));
  const inFlight: Promise<StoredEvent[]>[] = [];
  let next = 0;
  const fill = () => {
    while (next < slices.length && inFlight.length < SLICES_AHEAD) {
      const read = slices[next++]!();
      // A reader that stops early (at a break) leaves reads behind: they settle unobserved, never as unhandled rejections.
      read.catch(() => undefined);
      inFlight.push(read);
    }
  };
  fill();
  while (inFlight.length > 0) {
    const items = await inFlight.shift()!;
    fill();
    if (items.length > 0) yield items;
  }
}

/**
 * Verifies one stream end to end. A stream the registry names (`registered`) must hold events:
 * finding none means it was removed wholesale.
 */
export async function verifyStream(session: TenantSession, stream: string, registered = false, anchored?: HeadFact): Promise<StreamCheck> {
  const checkpoints = await readCheckpoints(session.db, stream);
  const head = await readHead(session, stream);
  const verifier = new ChainVerifier(stream, { head, checkpoints, anchored });
  for await (const page of streamEvents(session, stream, head?.seq)) {
    if (page.some((item) => verifier.add(item) !== undefined)) break;
  }
  let broken = verifier.finish();
  if (!broken && registered && verifier.checked === 0) broken = { stream, seq: 1, reason: 'missing-events' };
  const lastCheckpointSeq = checkpoints.reduce((m, c) => (c.valid ? Math.max(m, c.seq) : m), 0);
  return {
    stream,
    eventsChecked: verifier.checked,
    broken,
    verified: verifier.lastSeq > 0 ? { seq: verifier.lastSeq, hash: verifier.lastEventHash } : undefined,
    lastCheckpointSeq,
    ...(anchored ? { anchored } : {}),
  };
}

/**
 * Verifies every shard of one patient's log. A shard is checked when anything names it or lies in
 * it: its head, its leaf in the latest signed tree head, or any item in its partition (events or
 * checkpoints left after a head was deleted). A shard with none of these never held an event, or
 * was removed wholesale before any anchor covered it (the tenant-wide run still finds it through
 * the registry). Streams with nothing in them are left out of the result.
 */
async function verifyPatientLog(session: TenantSession, patientId: string, anchors: AnchorContext): Promise<StreamCheck[]> {
  const streams = shardStreams(streamOf(session.tenant, patientId));
  const checks = await Promise.all(
    streams.map(async (stream, k) => {
      const anchored = anchors.leafOf(stream);
      // Shard 0 is the log's base stream: always checked, as before sharding.
      if (k > 0 && !anchored && !(await holdsItems(session, stream))) return undefined;
      return verifyStream(session, stream, false, anchored);
    }),
  );
  return checks.filter((c): c is StreamCheck => c !== undefined && (c.eventsChecked > 0 || c.broken !== undefined));
}

function withPatient(b: BrokenLink): NonNullable<VerifyResult['firstBroken']> {
  const patientId = patientOfStream(b.stream);
  return { ...b, ...(patientId ? { patientId } : {}) };
}

interface RunOptions {
  patientId?: string;
  cursor?: string;
  maxStreams?: number;
  /** Sign a checkpoint at the head of every stream that verifies (the auditor's checkpoint run). */
  checkpoint: boolean;
  budgetMs?: number;
}

/** Signs a checkpoint at the verified head when it is past the newest valid checkpoint. */
async function checkpointIfAhead(session: TenantSession, check: StreamCheck, madeBy: string): Promise<number> {
  if (check.broken || !check.verified || check.verified.seq <= check.lastCheckpointSeq) return 0;
  return (await writeCheckpoint(session.db, check.stream, check.verified.seq, check.verified.hash, madeBy)) ? 1 : 0;
}

/** Where a tenant-wide run goes on: registry shard index and the last entry verified in it. */
interface RunCursor {
  shard: number;
  after: number;
}

/** Verify and checkpoint runs walk the same registry, so one run's cursor goes on with either. */
function runScope(req: AuditRequest): CursorScope {
  return { list: 'audit.verify-run', tenant: req.tenant, sub: req.caller.sub };
}

async function openRunCursor(req: AuditRequest, raw: string): Promise<RunCursor> {
  const c = (await openCursor(runScope(req), raw, 'body.cursor')) as { s?: unknown; r?: unknown } | null;
  const ok = (n: unknown, max: number): n is number => typeof n === 'number' && Number.isInteger(n) && n >= 0 && n < max;
  if (typeof c !== 'object' || c === null || !ok(c.s, REGISTRY_SHARDS.length) || !ok(c.r, REGISTRY_END)) throw badCursor('body.cursor');
  return { shard: c.s, after: c.r };
}

async function sealRunCursor(req: AuditRequest, c: RunCursor): Promise<string> {
  return cursors().seal(runScope(req), { s: c.shard, r: c.after });
}

interface RunState {
  req: AuditRequest;
  options: RunOptions;
  madeBy: string;
  started: number;
  budget: number;
  maxStreams: number;
  streamsChecked: number;
  eventsChecked: number;
  checkpointsMade: number;
  broken: BrokenLink[];
  anchors: AnchorContext;
  tally: AnchorTally;
}

function note(state: RunState, check: StreamCheck): void {
  state.streamsChecked += 1;
  state.eventsChecked += check.eventsChecked;
  if (check.broken && state.broken.length < MAX_BROKEN_LISTED) state.broken.push(check.broken);
  tallyStream(state.tally, check.anchored, check.verified?.seq ?? 0);
}

/**
 * Walks one registry shard from entry `after` on, verifying each stream it names. Returns where
 * to go on when it stopped for the budget, or undefined when the shard is done (the shard's own
 * head and checkpoints are then checked, and on a checkpoint run signed).
 */
async function walkShard(state: RunState, shard: number, after: number): Promise<number | undefined> {
  const { req, options } = state;
  const registry = registryStream(req.tenant, REGISTRY_SHARDS[shard] ?? '0');
  const registryCheckpoints = await readCheckpoints(req.session.db, registry);
  const registryHead = await readHead(req.session, registry);
  let start: HeadFact | undefined;
  let registryBroken: BrokenLink | undefined;
  if (after > 0) {
    const item = await readEvent(req.session, registry, after);
    if (!item) throw badCursor('body.cursor');
    start = { seq: after, hash: String(item.hash) };
    // The previous call checked this entry's link; its content must still give its hash.
    if (eventHash(item) !== item.hash) registryBroken = { stream: registry, seq: after, reason: 'hash-mismatch' };
  }
  const verifier = new ChainVerifier(registry, { head: registryHead, checkpoints: registryCheckpoints, after: start, anchored: state.anchors.leafOf(registry) });
  let stoppedAt: number | undefined;
  walk: while (!registryBroken && verifier.lastSeq < REGISTRY_END) {
    const page = await registryPage(req.session, registry, verifier.lastSeq + 1, REGISTRY_END, 100);
    if (page.length === 0) break;
    let i = 0;
    while (i < page.length) {
      // The registry chain is checked entry by entry; the streams it names are checked a few at a time.
      const room = Math.min(STREAM_CONCURRENCY, state.maxStreams - state.streamsChecked);
      const batch: string[] = [];
      while (i < page.length && batch.length < room) {
        const entry = page[i++] as StoredEvent;
        registryBroken = verifier.add(entry);
        if (registryBroken) break;
        if (typeof entry.openedStream === 'string') batch.push(entry.openedStream);
      }
      const checks = await Promise.all(batch.map((stream) => verifyStream(req.session, stream, true, state.anchors.leafOf(stream))));
      for (const check of checks) note(state, check);
      if (options.checkpoint) {
        const made = await Promise.all(checks.map((check) => checkpointIfAhead(req.session, check, state.madeBy)));
        state.checkpointsMade += made.reduce((a, b) => a + b, 0);
      }
      if (registryBroken) break walk;
      if (state.streamsChecked >= state.maxStreams || Date.now() - state.started > state.budget) {
        stoppedAt = verifier.lastSeq;
        break walk;
      }
    }
  }
  if (stoppedAt !== undefined) return stoppedAt;
  if (!registryBroken) registryBroken = verifier.finish();
  if (registryBroken) {
    // A broken registry comes first: the streams it names (or no longer names) cannot be trusted.
    state.broken.unshift(registryBroken);
  } else if (options.checkpoint && verifier.lastSeq > 0) {
    state.checkpointsMade += await checkpointIfAhead(req.session, {
      stream: registry,
      eventsChecked: 0,
      verified: { seq: verifier.lastSeq, hash: verifier.lastEventHash },
      lastCheckpointSeq: registryCheckpoints.reduce((m, c) => (c.valid ? Math.max(m, c.seq) : m), 0),
    }, state.madeBy);
  }
  return undefined;
}

async function run(req: AuditRequest, options: RunOptions): Promise<CheckpointResult> {
  const state: RunState = {
    req,
    options,
    madeBy: `auditor:${req.caller.sub}`,
    started: Date.now(),
    budget: options.budgetMs ?? DEFAULT_BUDGET_MS,
    maxStreams: options.maxStreams ?? DEFAULT_MAX_STREAMS,
    streamsChecked: 0,
    eventsChecked: 0,
    checkpointsMade: 0,
    broken: [],
    anchors: await loadAnchorContext(req.tenant),
    tally: { anchoredEvents: 0, windowStreams: 0, windowEvents: 0 },
  };
  let nextCursor: string | undefined;
  if (options.patientId) {
    const checks = await verifyPatientLog(req.session, options.patientId, state.anchors);
    if (checks.every((c) => c.eventsChecked === 0 && !c.broken)) throw new NotFoundError('Det finnes ingen logg for denne pasienten i kommunen.');
    for (const check of checks) note(state, check);
    if (options.checkpoint) {
      for (const check of checks) state.checkpointsMade += await checkpointIfAhead(req.session, check, state.madeBy);
    }
  } else {
    const from = options.cursor ? await openRunCursor(req, options.cursor) : { shard: 0, after: 0 };
    for (let shard = from.shard; shard < REGISTRY_SHARDS.length; shard++) {
      const stoppedAt = await walkShard(state, shard, shard === from.shard ? from.after : 0);
      if (stoppedAt !== undefined) {
        nextCursor = await sealRunCursor(req, { shard, after: stoppedAt });
        break;
      }
      if (shard + 1 < REGISTRY_SHARDS.length && (state.streamsChecked >= state.maxStreams || Date.now() - state.started > state.budget)) {
        nextCursor = await sealRunCursor(req, { shard: shard + 1, after: 0 });
        break;
      }
    }
  }
  const listed = state.broken.map(withPatient);
  const anchor = anchorReport(state.anchors, state.tally);
  return {
    ok: listed.length === 0 && anchor.problems.length === 0,
    complete: nextCursor === undefined,
    ...(nextCursor ? { nextCursor } : {}),
    streamsChecked: state.streamsChecked,
    eventsChecked: state.eventsChecked,
    broken: listed,
    ...(listed[0] ? { firstBroken: listed[0] } : {}),
    checkpointsMade: state.checkpointsMade,
    anchor,
  };
}

function auditDetails(options: RunOptions, result: CheckpointResult): Record<string, string | number | boolean> {
  return {
    ok: result.ok,
    complete: result.complete,
    streamsChecked: result.streamsChecked,
    eventsChecked: result.eventsChecked,
    ...(options.patientId ? { patientId: options.patientId } : {}),
    ...(result.firstBroken ? { firstBrokenReason: result.firstBroken.reason, firstBrokenSeq: result.firstBroken.seq } : {}),
    ...(options.checkpoint ? { checkpointsMade: result.checkpointsMade } : {}),
    ...(result.anchor ? { anchorStatus: result.anchor.status, anchorWindowEvents: result.anchor.window.events } : {}),
  };
}

/** Recomputes the chain(s) and names the first broken link; writes nothing but its own audit event. */
export async function verifyAudit(req: AuditRequest, options: Omit<RunOptions, 'checkpoint'>): Promise<VerifyResult> {
  await assertTenantAuditReader(req, 'verify');
  const { checkpointsMade: _, ...result } = await run(req, { ...options, checkpoint: false });
  if (!result.ok) metrics.addMetric(METRICS.auditVerifyFailed, MetricUnit.Count, 1);
  await recordAuditAct(req, [auditEventFor(req, 'audit.verify', { details: auditDetails({ ...options, checkpoint: false }, { ...result, checkpointsMade: 0 }) })]);
  return result;
}

/**
 * The auditor's checkpoint run: verifies, and appends a signed checkpoint at the head of every
 * stream that verified and has moved since its last checkpoint. A broken stream gets none, so a
 * checkpoint never vouches for a chain that failed verification.
 */
export async function checkpointAudit(req: AuditRequest, options: Omit<RunOptions, 'checkpoint'>): Promise<CheckpointResult> {
  await assertTenantAuditReader(req, 'checkpoint');
  const result = await run(req, { ...options, checkpoint: true });
  await recordAuditAct(req, [auditEventFor(req, 'audit.checkpoint', { details: auditDetails({ ...options, checkpoint: true }, result) })]);
  return result;
}
