// @ts-nocheck
import { auditSigner } from '../../shared/crypto/audit-signer';
import { config } from '../../shared/config';
import { ConditionFailedError, type Item, type TenantDb } from '../../shared/db/tenant-db';
import { CHECKPOINT_PREFIX, checkpointMessage, checkpointSk, seqOfSk, type CheckpointClaim } from './chain-format';

/** A signed statement "stream S had event hash H at sequence N", stored beside the stream's events. */
export interface StoredCheckpoint extends CheckpointClaim {
  pk: string;
  sk: string;
  keyId: string;
  algorithm: string;
  signature: Uint8Array;
  /** Why it was made: `auto` (every N events), or `auditor:<sub>` for an auditor's run. */
  madeBy: string;
}

/** A checkpoint after its signature was checked. */
export interface CheckedCheckpoint {
  seq: number;
  hash: string;
  /** The signature verifies with the platform key and the item's own key names the stream and seq it claims. */
  valid: boolean;
  time: string;
}

/**
 * Appends a signed checkpoint for `seq`. Checkpoints are never updated: when one already exists
 * for that sequence number, it stays and this one is dropped (returns false).
 */
export async function writeCheckpoint(db: TenantDb, stream: string, seq: number, hash: string, madeBy: string, now = new Date()): Promise<boolean> {
  // In AWS the data plane holds no signing right: signed tree heads (functions/anchor) replace checkpoints.
  if (config().auditCheckpoints === 'off') return false;
  const claim: CheckpointClaim = { tenant: db.tenant, stream, seq, hash, time: now.toISOString() };
  const signed = await auditSigner().sign(checkpointMessage(claim));
  const item: StoredCheckpoint = {
    pk: stream,
    sk: checkpointSk(seq),
    ...claim,
    keyId: signed.keyId,
    algorithm: signed.algorithm,
    signature: signed.signature,
    madeBy,
  };
  try {
    await db.put('audit', item as unknown as Item, { expression: 'attribute_not_exists(pk)' });
    return true;
  } catch (error) {
    if (error instanceof ConditionFailedError) return false;
    throw error;
  }
}

/** Every checkpoint of a stream, oldest first, each with its signature checked. */
export async function readCheckpoints(db: TenantDb, stream: string): Promise<CheckedCheckpoint[]> {
  const out: CheckedCheckpoint[] = [];
  let cursor: string | undefined;
  do {
    const page = await db.query<Item>({ table: 'audit', partition: stream, sortBeginsWith: CHECKPOINT_PREFIX, consistent: true, limit: 500, cursor });
    for (const item of page.items) out.push(await checkCheckpoint(db.tenant, stream, item));
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

async function checkCheckpoint(tenant: string, stream: string, item: Item): Promise<CheckedCheckpoint> {
  const skSeq = seqOfSk(String(item.sk));
  const seq = typeof item.seq === 'number' ? item.seq : Number.NaN;
  const hash = typeof item.hash === 'string' ? item.hash : '';
  const time = typeof item.time === 'string' ? item.time : '';
  // The signed claim is rebuilt from where the item sits, not only from what it says about itself,
  // so a valid checkpoint copied into another stream or position no longer verifies.
  const placed = skSeq === seq && item.stream === stream && item.tenant === tenant;
  const signature = item.signature instanceof Uint8Array ? Buffer.from(item.signature) : undefined;
  const valid =
    placed &&
    signature !== undefined &&
    typeof item.keyId === 'string' &&
    (await auditSigner().verify(item.keyId, checkpointMessage({ tenant, stream, seq, hash, time }), signature));
  return { seq: skSeq ?? seq, hash, valid, time };
}
