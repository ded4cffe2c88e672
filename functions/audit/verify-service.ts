import type { CheckpointResult, VerifyResult } from '../../shared/contracts/audit';
import { NotFoundError, ValidationError } from '../../shared/errors';
import { TenantDb } from '../../shared/db/tenant-db';
import { appendAudit } from './audit-chain';
import { assertTenantAuditReader, auditEventFor, type AuditRequest } from './audit-access';
import { eventsInOrder, firstEventAfter, readEvent, readHead, registryPage } from './audit-store';
import { eventHash, patientOfStream, registryStream, streamOf } from './chain-format';
import { ChainVerifier, type BrokenLink, type HeadFact } from './chain-verify';
import { readCheckpoints, writeCheckpoint } from './checkpoint-store';

/**
 * `verify` for one patient's stream or for every stream of the tenant, and the auditor's
 * checkpoint run (verify, then sign the head of every stream that verified).
 *
 * One stream is read in this order, so concurrent appends never look like tampering:
 * 1. its signed checkpoints (a checkpoint is only written after its events committed, so none read
 *    here can lie past the head read next);
 * 2. its head;
 * 3. its events up to the head's sequence number, each checked against the one before;
 * 4. whether any event lies past the head (and, if so, whether a writer has since moved the head).
 * A whole-tenant run walks the stream registry (itself a checked chain) and checks each stream it
 * names; it stops between streams after `maxStreams` or a time budget and returns a cursor.
 */

const MAX_BROKEN_LISTED = 50;
const DEFAULT_MAX_STREAMS = 500;
/** Time one call may spend before it returns with a cursor (API Gateway allows 29 s). */
const DEFAULT_BUDGET_MS = 20_000;
/** Registry sequence numbers run far below this; it stands in for "to the end" when no head exists. */
const NO_HEAD_END = 999_999_999_999;

export interface StreamCheck {
  stream: string;
  eventsChecked: number;
  broken?: BrokenLink;
  /** The last event verified: where a checkpoint may be signed. */
  verified?: HeadFact;
  lastCheckpointSeq: number;
}

/**
 * Verifies one stream end to end. A stream the registry names (`registered`) must hold events:
 * finding none means it was removed wholesale.
 */
export async function verifyStream(tenant: string, stream: string, registered = false): Promise<StreamCheck> {
  const checkpoints = await readCheckpoints(new TenantDb(tenant), stream);
  const head = await readHead(tenant, stream);
  const verifier = new ChainVerifier(stream, checkpoints);
  for await (const page of eventsInOrder(tenant, stream, 1, head?.seq)) {
    if (page.some((item) => verifier.add(item) !== undefined)) break;
  }
  let broken = verifier.result ?? verifier.finish(head);
  if (!broken && head) {
    const extra = await firstEventAfter(tenant, stream, head.seq);
    // An event past the head is legitimate only if a writer has moved the head over it meanwhile.
    if (extra && ((await readHead(tenant, stream))?.seq ?? 0) < extra.seq) broken = { stream, seq: head.seq + 1, reason: 'head-mismatch' };
  }
  if (!broken && registered && verifier.checked === 0) broken = { stream, seq: 1, reason: 'missing-events' };
  const lastCheckpointSeq = checkpoints.reduce((m, c) => (c.valid ? Math.max(m, c.seq) : m), 0);
  return {
    stream,
    eventsChecked: verifier.checked,
    broken,
    verified: verifier.lastSeq > 0 ? { seq: verifier.lastSeq, hash: verifier.lastEventHash } : undefined,
    lastCheckpointSeq,
  };
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
async function checkpointIfAhead(tenant: string, check: StreamCheck, madeBy: string): Promise<number> {
  if (check.broken || !check.verified || check.verified.seq <= check.lastCheckpointSeq) return 0;
  return (await writeCheckpoint(new TenantDb(tenant), check.stream, check.verified.seq, check.verified.hash, madeBy)) ? 1 : 0;
}

function encodeCursor(afterSeq: number): string {
  return Buffer.from(JSON.stringify({ r: afterSeq })).toString('base64url');
}

function decodeCursor(raw: string): number {
  try {
    const c = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as { r?: unknown };
    if (typeof c.r === 'number' && Number.isInteger(c.r) && c.r > 0) return c.r;
  } catch {
    // fall through to the validation error
  }
  throw new ValidationError('Ugyldig cursor.', [{ field: 'body.cursor', message: 'Ukjent eller ugyldig cursor' }]);
}

async function run(req: AuditRequest, options: RunOptions): Promise<CheckpointResult> {
  const madeBy = `auditor:${req.caller.sub}`;
  const broken: BrokenLink[] = [];
  let streamsChecked = 0;
  let eventsChecked = 0;
  let checkpointsMade = 0;
  const note = (check: StreamCheck) => {
    streamsChecked += 1;
    eventsChecked += check.eventsChecked;
    if (check.broken && broken.length < MAX_BROKEN_LISTED) broken.push(check.broken);
  };

  if (options.patientId) {
    const stream = streamOf(req.tenant, options.patientId);
    const check = await verifyStream(req.tenant, stream);
    if (check.eventsChecked === 0 && !check.broken) throw new NotFoundError('Det finnes ingen logg for denne pasienten i kommunen.');
    note(check);
    if (options.checkpoint) checkpointsMade += await checkpointIfAhead(req.tenant, check, madeBy);
    return { ok: broken.length === 0, complete: true, streamsChecked, eventsChecked, broken: broken.map(withPatient), firstBroken: broken[0] && withPatient(broken[0]), checkpointsMade };
  }

  const started = Date.now();
  const budget = options.budgetMs ?? DEFAULT_BUDGET_MS;
  const maxStreams = options.maxStreams ?? DEFAULT_MAX_STREAMS;
  const registry = registryStream(req.tenant);
  const registryCheckpoints = await readCheckpoints(new TenantDb(req.tenant), registry);
  const registryHead = await readHead(req.tenant, registry);
  let after: HeadFact | undefined;
  let registryBroken: BrokenLink | undefined;
  if (options.cursor) {
    const seq = decodeCursor(options.cursor);
    const item = await readEvent(req.tenant, registry, seq);
    if (!item) throw new ValidationError('Ugyldig cursor.', [{ field: 'body.cursor', message: 'Ukjent eller ugyldig cursor' }]);
    after = { seq, hash: String(item.hash) };
    // The previous call checked this entry's link; its content must still give its hash.
    if (eventHash(item) !== item.hash) registryBroken = { stream: registry, seq, reason: 'hash-mismatch' };
  }
  const verifier = new ChainVerifier(registry, registryCheckpoints, after);
  let nextCursor: string | undefined;
  const end = registryHead?.seq ?? NO_HEAD_END;
  walk: while (!registryBroken && verifier.lastSeq < end) {
    const page = await registryPage(req.tenant, registry, verifier.lastSeq + 1, end, Math.min(100, maxStreams));
    if (page.length === 0) break;
    for (const entry of page) {
      registryBroken = verifier.add(entry);
      if (registryBroken) break walk;
      if (typeof entry.openedStream === 'string') {
        const check = await verifyStream(req.tenant, entry.openedStream, true);
        note(check);
        if (options.checkpoint) checkpointsMade += await checkpointIfAhead(req.tenant, check, madeBy);
      }
      if (verifier.lastSeq < end && (streamsChecked >= maxStreams || Date.now() - started > budget)) {
        nextCursor = encodeCursor(verifier.lastSeq);
        break walk;
      }
    }
  }
  if (!nextCursor && !registryBroken) {
    registryBroken = verifier.finish(registryHead);
    if (!registryBroken && registryHead) {
      const extra = await firstEventAfter(req.tenant, registry, registryHead.seq);
      if (extra && ((await readHead(req.tenant, registry))?.seq ?? 0) < extra.seq) registryBroken = { stream: registry, seq: registryHead.seq + 1, reason: 'head-mismatch' };
    }
    if (!registryBroken && options.checkpoint && verifier.lastSeq > 0) {
      checkpointsMade += await checkpointIfAhead(req.tenant, {
        stream: registry,
        eventsChecked: 0,
        verified: { seq: verifier.lastSeq, hash: verifier.lastEventHash },
        lastCheckpointSeq: registryCheckpoints.reduce((m, c) => (c.valid ? Math.max(m, c.seq) : m), 0),
      }, madeBy);
    }
  }
  // A broken registry comes first: the streams it names (or no longer names) cannot be trusted.
  if (registryBroken) broken.unshift(registryBroken);
  const listed = broken.map(withPatient);
  return {
    ok: listed.length === 0,
    complete: nextCursor === undefined,
    ...(nextCursor ? { nextCursor } : {}),
    streamsChecked,
    eventsChecked,
    broken: listed,
    ...(listed[0] ? { firstBroken: listed[0] } : {}),
    checkpointsMade,
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
  };
}

/** Recomputes the chain(s) and names the first broken link; writes nothing but its own audit event. */
export async function verifyAudit(req: AuditRequest, options: Omit<RunOptions, 'checkpoint'>): Promise<VerifyResult> {
  await assertTenantAuditReader(req, 'verify');
  const { checkpointsMade: _, ...result } = await run(req, { ...options, checkpoint: false });
  await appendAudit([auditEventFor(req, 'audit.verify', { details: auditDetails({ ...options, checkpoint: false }, { ...result, checkpointsMade: 0 }) })]);
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
  await appendAudit([auditEventFor(req, 'audit.checkpoint', { details: auditDetails({ ...options, checkpoint: true }, result) })]);
  return result;
}
