import { tenantDb, tenantSession } from '../support/tables';
import { DeleteItemCommand, GetItemCommand, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { config } from '../../shared/config';
import { type Item } from '../../shared/db/tenant-db';
import { appendAudit, CHECKPOINT_EVERY } from '../../functions/core/audit-chain';
import type { AuditEventInput } from '../../functions/core/audit-event';
import { checkpointSk, eventHash, eventSk, REGISTRY_SHARDS, registryShardOf, registryStream, streamOf } from '../../functions/core/chain-format';
import { readCheckpoints } from '../../functions/core/checkpoint-store';
import { SLICE_SEQS, verifyStream } from '../../functions/audit/verify-service';
import { useTestStack } from '../support/local-stack';
import { localDynamoClient } from '../support/tables';

/**
 * Tamper evidence, end to end: events are written through the real write path, then edited,
 * deleted, reordered and truncated directly in DynamoDB Local (as someone with table access
 * could), and POST /v1/audit/verify must name the first broken link each time.
 */

const stack = useTestStack();
const raw = localDynamoClient();
afterAll(() => raw.destroy());

const table = () => config().tables.audit;

const event = (tenant: string, patientId: string, n: number): AuditEventInput => ({
  tenant,
  action: n % 2 ? 'entry.read' : 'entry.create',
  outcome: 'success',
  actor: { sub: tenant === '0301' ? 'oslo.lege' : 'bergen.lege', roles: ['clinician'], tenant, hpr: '9100002' },
  requestId: `req-${patientId}-${n}`,
  patientId,
  recordId: `rec-${n}`,
  purposeOfUse: 'TREAT',
  reasonCode: 'care-relationship',
});

/** A patient stream of `n` events, written in one append. */
async function seedStream(tenant: string, patientId: string, n: number): Promise<void> {
  await appendAudit(tenantDb(tenant), Array.from({ length: n }, (_, i) => event(tenant, patientId, i + 1)));
}

async function getRaw(pk: string, sk: string): Promise<Item> {
  const out = await raw.send(new GetItemCommand({ TableName: table(), Key: marshall({ pk, sk }) }));
  if (!out.Item) throw new Error(`no item ${pk} ${sk}`);
  return unmarshall(out.Item);
}

async function putRaw(item: Item): Promise<void> {
  await raw.send(new PutItemCommand({ TableName: table(), Item: marshall(item, { removeUndefinedValues: true }) }));
}

async function deleteRaw(pk: string, sk: string): Promise<void> {
  await raw.send(new DeleteItemCommand({ TableName: table(), Key: marshall({ pk, sk }) }));
}

interface VerifyBody {
  ok: boolean;
  complete: boolean;
  nextCursor?: string;
  streamsChecked: number;
  eventsChecked: number;
  firstBroken?: { stream: string; patientId?: string; seq: number; reason: string };
  broken: { stream: string; patientId?: string; seq: number; reason: string }[];
  checkpointsMade?: number;
}

async function verify(body: Record<string, unknown>, as = 'oslo.revisor'): Promise<VerifyBody> {
  const res = await stack.call('/v1/audit/verify', { as, method: 'POST', json: body });
  expect(res.status).toBe(200);
  return (await res.json()) as VerifyBody;
}

async function checkpoint(body: Record<string, unknown>, as = 'oslo.revisor'): Promise<VerifyBody> {
  const res = await stack.call('/v1/audit/checkpoints', { as, method: 'POST', json: body });
  expect(res.status).toBe(200);
  return (await res.json()) as VerifyBody;
}

describe('verify names the first broken link', () => {
  it('passes an untouched stream', async () => {
    await seedStream('0301', 'v-intact', 6);
    const result = await verify({ patientId: 'v-intact' });
    expect(result).toMatchObject({ ok: true, complete: true, streamsChecked: 1, eventsChecked: 6, broken: [] });
    expect(result.firstBroken).toBeUndefined();
  });

  it('catches an edited event (hash mismatch at that event)', async () => {
    await seedStream('0301', 'v-edit', 6);
    const stream = streamOf('0301', 'v-edit');
    await raw.send(new UpdateItemCommand({ TableName: table(), Key: marshall({ pk: stream, sk: eventSk(3) }), UpdateExpression: 'SET outcome = :o', ExpressionAttributeValues: marshall({ ':o': 'denied' }) }));
    const result = await verify({ patientId: 'v-edit' });
    expect(result.ok).toBe(false);
    expect(result.firstBroken).toEqual({ stream, patientId: 'v-edit', seq: 3, reason: 'hash-mismatch' });
  });

  it('catches an edited event whose own hash was recomputed (broken link at the next event)', async () => {
    await seedStream('0301', 'v-rehash', 6);
    const stream = streamOf('0301', 'v-rehash');
    const item = await getRaw(stream, eventSk(3));
    const edited = { ...item, action: 'entry.sign' };
    await putRaw({ ...edited, hash: eventHash(edited) });
    expect((await verify({ patientId: 'v-rehash' })).firstBroken).toMatchObject({ seq: 4, reason: 'broken-link' });
  });

  it('catches a deleted event (gap at the missing number)', async () => {
    await seedStream('0301', 'v-delete', 6);
    const stream = streamOf('0301', 'v-delete');
    await deleteRaw(stream, eventSk(4));
    expect((await verify({ patientId: 'v-delete' })).firstBroken).toEqual({ stream, patientId: 'v-delete', seq: 4, reason: 'gap' });
  });

  it('catches two events swapped in place (reordered at the first moved slot)', async () => {
    await seedStream('0301', 'v-reorder', 6);
    const stream = streamOf('0301', 'v-reorder');
    const a = await getRaw(stream, eventSk(2));
    const b = await getRaw(stream, eventSk(3));
    await putRaw({ ...b, sk: a.sk });
    await putRaw({ ...a, sk: b.sk });
    expect((await verify({ patientId: 'v-reorder' })).firstBroken).toMatchObject({ seq: 2, reason: 'reordered' });
  });

  it('catches the newest events deleted while the head still names them (missing events)', async () => {
    await seedStream('0301', 'v-tail', 6);
    const stream = streamOf('0301', 'v-tail');
    await deleteRaw(stream, eventSk(6));
    await deleteRaw(stream, eventSk(5));
    expect((await verify({ patientId: 'v-tail' })).firstBroken).toMatchObject({ seq: 5, reason: 'missing-events' });
  });

  it('catches a head rewritten to name another hash (head mismatch)', async () => {
    await seedStream('0301', 'v-head', 4);
    const stream = streamOf('0301', 'v-head');
    const head = await getRaw(stream, 'HEAD');
    await putRaw({ ...head, hash: 'f'.repeat(64) });
    expect((await verify({ patientId: 'v-head' })).firstBroken).toMatchObject({ seq: 4, reason: 'head-mismatch' });
  });

  it('catches the newest events deleted AND the head rewritten only through the signed checkpoint', async () => {
    // Two identical streams; only one gets an auditor's checkpoint before the truncation.
    for (const id of ['v-trunc-ckpt', 'v-trunc-none']) await seedStream('0301', id, 5);
    const made = await checkpoint({ patientId: 'v-trunc-ckpt' });
    expect(made).toMatchObject({ ok: true, checkpointsMade: 1 });
    for (const id of ['v-trunc-ckpt', 'v-trunc-none']) {
      const stream = streamOf('0301', id);
      const third = await getRaw(stream, eventSk(3));
      await deleteRaw(stream, eventSk(5));
      await deleteRaw(stream, eventSk(4));
      await putRaw({ pk: stream, sk: 'HEAD', seq: 3, hash: third.hash, updatedAt: new Date().toISOString() });
    }
    // Without a checkpoint the shortened chain is self-consistent: this is what signing adds.
    expect((await verify({ patientId: 'v-trunc-none' })).ok).toBe(true);
    expect((await verify({ patientId: 'v-trunc-ckpt' })).firstBroken).toMatchObject({ seq: 4, reason: 'missing-events' });
  });

  it('catches a chain recomputed from an edit onwards (checkpoint mismatch)', async () => {
    await seedStream('0301', 'v-forge', 5);
    await checkpoint({ patientId: 'v-forge' });
    const stream = streamOf('0301', 'v-forge');
    let prev = String((await getRaw(stream, eventSk(1))).hash);
    for (let seq = 2; seq <= 5; seq++) {
      const item = await getRaw(stream, eventSk(seq));
      const forged: Item = { ...item, prevHash: prev, ...(seq === 2 ? { outcome: 'denied' } : {}) };
      forged.hash = eventHash(forged);
      prev = forged.hash as string;
      await putRaw(forged);
    }
    await putRaw({ pk: stream, sk: 'HEAD', seq: 5, hash: prev, updatedAt: new Date().toISOString() });
    expect((await verify({ patientId: 'v-forge' })).firstBroken).toMatchObject({ seq: 5, reason: 'checkpoint-mismatch' });
  });

  it('catches a checkpoint whose signed claim was altered', async () => {
    await seedStream('0301', 'v-ckpt-edit', 3);
    await checkpoint({ patientId: 'v-ckpt-edit' });
    const stream = streamOf('0301', 'v-ckpt-edit');
    const ckpt = await getRaw(stream, checkpointSk(3));
    await putRaw({ ...ckpt, time: '2020-01-01T00:00:00.000Z' });
    expect((await verify({ patientId: 'v-ckpt-edit' })).firstBroken).toMatchObject({ seq: 3, reason: 'checkpoint-mismatch' });
  });

  it('answers 404 for a patient with no log in the caller’s tenant (another tenant’s patient included)', async () => {
    await seedStream('4601', 'v-bergen-only', 2);
    const res = await stack.call('/v1/audit/verify', { as: 'oslo.revisor', method: 'POST', json: { patientId: 'v-bergen-only' } });
    expect(res.status).toBe(404);
    expect((await verify({ patientId: 'v-bergen-only' }, 'bergen.revisor')).ok).toBe(true);
  });

  it('is refused to operators and clinicians', async () => {
    for (const as of ['drift', 'oslo.lege']) {
      for (const path of ['/v1/audit/verify', '/v1/audit/checkpoints']) {
        const res = await stack.call(path, { as, method: 'POST', json: {} });
        expect(res.status, `${as} ${path}`).toBe(403);
      }
    }
  });
});

describe('checkpoints', () => {
  it(`signs a checkpoint by itself each time a stream passes ${CHECKPOINT_EVERY} events`, async () => {
    await seedStream('0301', 'v-auto', CHECKPOINT_EVERY + 1);
    const checkpoints = await readCheckpoints(tenantDb('0301'), streamOf('0301', 'v-auto'));
    expect(checkpoints).toEqual([expect.objectContaining({ seq: CHECKPOINT_EVERY + 1, valid: true })]);
    expect((await verify({ patientId: 'v-auto' })).ok).toBe(true);
  });

  it('are appended, never overwritten: a second run at the same head adds nothing', async () => {
    await seedStream('0301', 'v-twice', 2);
    expect((await checkpoint({ patientId: 'v-twice' })).checkpointsMade).toBe(1);
    expect((await checkpoint({ patientId: 'v-twice' })).checkpointsMade).toBe(0);
    await seedStream('0301', 'v-twice', 1);
    expect((await checkpoint({ patientId: 'v-twice' })).checkpointsMade).toBe(1);
    const seqs = (await readCheckpoints(tenantDb('0301'), streamOf('0301', 'v-twice'))).map((c) => c.seq);
    expect(seqs).toEqual([2, 3]);
  });

  it('are not made for a stream that fails verification', async () => {
    await seedStream('0301', 'v-no-ckpt', 3);
    await deleteRaw(streamOf('0301', 'v-no-ckpt'), eventSk(2));
    const result = await checkpoint({ patientId: 'v-no-ckpt' });
    expect(result).toMatchObject({ ok: false, checkpointsMade: 0 });
  });
});

describe('whole-tenant verify (Bodø, a tenant of its own for this block)', () => {
  const T = '1804';
  it('pages through every stream with a cursor, then catches a stream removed wholesale', async () => {
    for (let i = 1; i <= 5; i++) await seedStream(T, `t-${i}`, 3);
    const first = await verify({ maxStreams: 2 }, 'bodo.revisor');
    expect(first).toMatchObject({ ok: true, complete: false, streamsChecked: 2 });
    let cursor = first.nextCursor;
    let streams = first.streamsChecked;
    let events = first.eventsChecked;
    while (cursor) {
      const page = await verify({ maxStreams: 2, cursor }, 'bodo.revisor');
      expect(page.ok).toBe(true);
      streams += page.streamsChecked;
      events += page.eventsChecked;
      cursor = page.nextCursor;
    }
    // Every registered stream: the five patients, the tenant stream holding the verify calls' own
    // audit events, and whatever the demo seed wrote.
    let registered = 0;
    for (const shard of REGISTRY_SHARDS) registered += Number((await tenantDb(T).get('audit', registryStream(T, shard), 'HEAD'))?.seq ?? 0);
    expect(streams).toBe(registered);
    expect(streams).toBeGreaterThanOrEqual(6);
    expect(events).toBeGreaterThanOrEqual(15);

    // The auditor checkpoints the whole tenant, the registry included.
    const made = await checkpoint({}, 'bodo.revisor');
    expect(made).toMatchObject({ ok: true, complete: true });
    // Six streams, and each registry shard they are registered in.
    expect(made.checkpointsMade).toBeGreaterThanOrEqual(6 + 1);

    // Remove patient t-3's stream entirely: events, head and checkpoint.
    const stream = streamOf(T, 't-3');
    for (const sk of [eventSk(1), eventSk(2), eventSk(3), 'HEAD', checkpointSk(3)]) await deleteRaw(stream, sk);
    const after = await verify({}, 'bodo.revisor');
    expect(after.ok).toBe(false);
    expect(after.complete).toBe(true);
    expect(after.firstBroken).toEqual({ stream, patientId: 't-3', seq: 1, reason: 'missing-events' });
  });

  it('catches a registry entry removed to hide a stream', async () => {
    const hidden = streamOf(T, 't-3');
    const registry = registryStream(T, registryShardOf(hidden));
    const entries = (await tenantDb(T).query({ table: 'audit', partition: registry, sortBeginsWith: 'E#', limit: 100 })).items;
    const entry = entries.find((e) => e.openedStream === hidden)!;
    await deleteRaw(registry, String(entry.sk));
    const result = await verify({}, 'bodo.revisor');
    const last = entry.seq === entries.length;
    expect(result.firstBroken).toEqual({ stream: registry, seq: entry.seq, reason: last ? 'missing-events' : 'gap' });
    // With the entry gone, the removed stream itself is no longer visited.
    expect(result.broken.some((b) => b.stream === hidden)).toBe(false);
  });
});

describe('a long stream, read in slices ahead of the check', () => {
  /** `n` chained events and their head, written straight into the table (as the bench does). */
  async function longStream(patientId: string, n: number): Promise<string> {
    const stream = streamOf('0301', patientId);
    const items: Item[] = [];
    let prev = '0'.repeat(64);
    const time = new Date().toISOString();
    for (let seq = 1; seq <= n; seq++) {
      const item: Item = { pk: stream, sk: eventSk(seq), stream, seq, prevHash: prev, eventId: `${patientId}-${seq}`, time, tenant: '0301', action: 'entry.read', outcome: 'success', actor: { sub: 'oslo.lege' }, requestId: `r-${seq}`, patientId };
      item.hash = eventHash(item);
      prev = item.hash as string;
      items.push(item);
    }
    items.push({ pk: stream, sk: 'HEAD', seq: n, hash: prev });
    for (let i = 0; i < items.length; i += 50) await Promise.all(items.slice(i, i + 50).map((item) => putRaw(item)));
    return stream;
  }

  it('checks every event of a stream longer than a slice, and finds a break deep inside or between two slices', async () => {
    const n = SLICE_SEQS + 600;
    const stream = await longStream('v-long', n);
    expect(await verifyStream(tenantSession('0301'), stream)).toMatchObject({ eventsChecked: n, broken: undefined });
    // Something that is not an event, sorted between the last key of one slice and the first of the next.
    await putRaw({ pk: stream, sk: `${eventSk(SLICE_SEQS)}x`, seq: SLICE_SEQS });
    expect((await verifyStream(tenantSession('0301'), stream)).broken).toMatchObject({ seq: SLICE_SEQS + 1, reason: 'gap' });
    await deleteRaw(stream, `${eventSk(SLICE_SEQS)}x`);
    await deleteRaw(stream, eventSk(SLICE_SEQS + 234));
    expect((await verifyStream(tenantSession('0301'), stream)).broken).toMatchObject({ seq: SLICE_SEQS + 234, reason: 'gap' });
  }, 180_000);
});
