// @ts-nocheck
import { tenantDb } from '../support/tables';
import { execFile } from 'node:child_process';
import { generateKeyPairSync, sign } from 'node:crypto';
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DeleteItemCommand, DynamoDBClient, GetItemCommand, PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { config } from '../../shared/config';
import { ENV } from '../../shared/config/env-names';
import type { Item } from '../../shared/db/tenant-db';
import { appendAudit, noteContention, shardFor } from '../../functions/core/audit-chain';
import type { AuditEventInput } from '../../functions/core/audit-event';
import { checkpointSk, eventHash, eventSk, registryShardOf, registryStream, shardStream, streamOf } from '../../functions/core/chain-format';
import { anchorKeys, signedBytes, treeHeadHash, type SignedTreeHead, type TreeHead } from '../../functions/core/tree-head';
import { anchorStore, treeHeadSigner } from '../../functions/core/anchor-deps';
import { latestTreeHead } from '../../functions/core/anchor-log';
import { anchorTenant } from '../../functions/anchor/anchor-service';
import { startTestStack, type TestStack } from '../support/local-stack';

/**
 * The attacks of a writer with full access to the audit table (PutItem, DeleteItem), tried
 * directly against DynamoDB Local after the anchoring job signed a tree head over the streams:
 * each must be detected once an anchor covers what it changes. The same attacks on events written
 * after the newest tree head are not detectable by any hash check; verify must report them as
 * "not yet anchored" (the window), never as anchored.
 */

let stack: TestStack;
let raw: DynamoDBClient;
const previousBeat = process.env[ENV.anchorBeatSeconds];

beforeAll(async () => {
  // An hour's beat: the tree heads written here must not turn stale while the file runs.
  process.env[ENV.anchorBeatSeconds] = '3600';
  stack = await startTestStack();
  raw = new DynamoDBClient({ endpoint: inject('dynamoEndpoint'), region: 'eu-north-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
});
afterAll(async () => {
  if (previousBeat === undefined) delete process.env[ENV.anchorBeatSeconds];
  else process.env[ENV.anchorBeatSeconds] = previousBeat;
  raw?.destroy();
  await stack?.stop();
});

const table = () => config().tables.audit;
const anchor = (tenant = '0301') => anchorTenant(tenant, { store: anchorStore(), signer: treeHeadSigner() });

let counter = 0;
const event = (tenant: string, patientId: string): AuditEventInput => ({
  tenant,
  action: 'entry.read',
  outcome: 'success',
  actor: { sub: 'oslo.lege', roles: ['clinician'], tenant, hpr: '9100002' },
  requestId: `req-${patientId}-${++counter}`,
  patientId,
  recordId: `rec-${counter}`,
  purposeOfUse: 'TREAT',
  reasonCode: 'care-relationship',
});

async function append(patientId: string, n: number, tenant = '0301'): Promise<void> {
  await appendAudit(tenantDb(tenant), Array.from({ length: n }, () => event(tenant, patientId)));
}

async function getRaw(pk: string, sk: string): Promise<Item> {
  const out = await raw.send(new GetItemCommand({ TableName: table(), Key: marshall({ pk, sk }) }));
  if (!out.Item) throw new Error(`no item ${pk} ${sk}`);
  return unmarshall(out.Item);
}
const putRaw = (item: Item) => raw.send(new PutItemCommand({ TableName: table(), Item: marshall(item, { removeUndefinedValues: true }) }));
const deleteRaw = (pk: string, sk: string) => raw.send(new DeleteItemCommand({ TableName: table(), Key: marshall({ pk, sk }) }));
const moveHead = (stream: string, seq: number, hash: string) => putRaw({ pk: stream, sk: 'HEAD', seq, hash, updatedAt: new Date().toISOString() });

async function allItems(pk: string): Promise<Item[]> {
  const out = await raw.send(new QueryCommand({ TableName: table(), KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: marshall({ ':pk': pk }) }));
  return (out.Items ?? []).map((i) => unmarshall(i));
}

async function deleteCheckpoints(stream: string): Promise<void> {
  for (const item of await allItems(stream)) if (String(item.sk).startsWith('C#')) await deleteRaw(stream, String(item.sk));
}

/** Rewrites events `from..to` of a stream as `change` says, recomputing every hash after it, and moves the head. */
async function rewrite(stream: string, from: number, to: number, change: (item: Item) => Item): Promise<void> {
  let prev = from === 1 ? '0'.repeat(64) : String((await getRaw(stream, eventSk(from - 1))).hash);
  for (let seq = from; seq <= to; seq++) {
    const item: Item = { ...change(await getRaw(stream, eventSk(seq))), prevHash: prev };
    item.hash = eventHash(item);
    prev = item.hash as string;
    await putRaw(item);
  }
  await moveHead(stream, to, prev);
}

/** Deletes events `from..to` and rolls the head back to the event before. */
async function truncate(stream: string, from: number, to: number): Promise<void> {
  for (let seq = to; seq >= from; seq--) await deleteRaw(stream, eventSk(seq));
  const before = await getRaw(stream, eventSk(from - 1));
  await moveHead(stream, from - 1, String(before.hash));
}

/** Swaps the contents of events a and a+1 (renumbered into their new slots) and recomputes the chain to `to`. */
async function swapAndRehash(stream: string, a: number, to: number): Promise<void> {
  const first = await getRaw(stream, eventSk(a));
  const second = await getRaw(stream, eventSk(a + 1));
  await putRaw({ ...second, sk: eventSk(a), seq: a });
  await putRaw({ ...first, sk: eventSk(a + 1), seq: a + 1 });
  await rewrite(stream, a, to, (item) => item);
}

/** Appends one forged event after event `after` (deleting what was there), chained with a valid hash, and moves the head. */
async function forgeAfter(stream: string, after: number): Promise<void> {
  const prev = await getRaw(stream, eventSk(after));
  for (const item of await allItems(stream)) if (String(item.sk).startsWith('E#') && Number(item.seq) > after) await deleteRaw(stream, String(item.sk));
  const forged: Item = { ...prev, sk: eventSk(after + 1), seq: after + 1, prevHash: prev.hash, eventId: 'forged', action: 'entry.read', requestId: 'forged' };
  forged.hash = eventHash(forged);
  await putRaw(forged);
  await moveHead(stream, after + 1, String(forged.hash));
}

interface AnchorBody {
  status: string;
  problems: { kind: string; index: number }[];
  anchoredEvents: number;
  window: { since?: string; streams: number; events: number };
  latest?: { index: number };
}
interface VerifyBody {
  ok: boolean;
  eventsChecked: number;
  firstBroken?: { stream: string; seq: number; reason: string };
  broken: { stream: string; seq: number; reason: string }[];
  anchor: AnchorBody;
}

async function verify(body: Record<string, unknown>, as = 'oslo.revisor'): Promise<VerifyBody> {
  const res = await stack.call('/v1/audit/verify', { as, method: 'POST', json: body });
  expect(res.status).toBe(200);
  return (await res.json()) as VerifyBody;
}

describe('attacks on anchored events are detected', () => {
  it('edit an event, recompute every later hash and move the head', async () => {
    await append('a-edit', 6);
    await anchor();
    await rewrite(streamOf('0301', 'a-edit'), 2, 6, (item) => ({ ...item, outcome: 'denied' }));
    const result = await verify({ patientId: 'a-edit' });
    expect(result.ok).toBe(false);
    expect(result.firstBroken).toMatchObject({ seq: 6, reason: 'anchor-mismatch' });
  });

  it('the same edit, with a signed checkpoint before it', async () => {
    await append('a-edit-ckpt', 25);
    await append('a-edit-ckpt', 1);
    const stream = streamOf('0301', 'a-edit-ckpt');
    await getRaw(stream, checkpointSk(25));
    await anchor();
    await deleteCheckpoints(stream);
    await rewrite(stream, 3, 26, (item) => ({ ...item, outcome: 'denied' }));
    expect((await verify({ patientId: 'a-edit-ckpt' })).firstBroken).toMatchObject({ seq: 26, reason: 'anchor-mismatch' });
  });

  it('delete the newest events and roll the head back', async () => {
    await append('a-trunc', 6);
    await anchor();
    await truncate(streamOf('0301', 'a-trunc'), 4, 6);
    const result = await verify({ patientId: 'a-trunc' });
    expect(result.ok).toBe(false);
    expect(result.firstBroken).toMatchObject({ seq: 4, reason: 'missing-events' });
  });

  it('delete the checkpoint items, then truncate past where they were', async () => {
    await append('a-ckpt-trunc', 25);
    await append('a-ckpt-trunc', 2);
    const stream = streamOf('0301', 'a-ckpt-trunc');
    await getRaw(stream, checkpointSk(25));
    await anchor();
    await deleteCheckpoints(stream);
    await truncate(stream, 20, 27);
    expect((await verify({ patientId: 'a-ckpt-trunc' })).firstBroken).toMatchObject({ seq: 20, reason: 'missing-events' });
  });

  it('replace the newest anchored event by a forged one with a valid hash, appended after the head', async () => {
    await append('a-forge', 5);
    await anchor();
    await truncate(streamOf('0301', 'a-forge'), 5, 5);
    await forgeAfter(streamOf('0301', 'a-forge'), 4);
    expect((await verify({ patientId: 'a-forge' })).firstBroken).toMatchObject({ seq: 5, reason: 'anchor-mismatch' });
  });

  it('reorder a pair and recompute the chain', async () => {
    await append('a-swap', 5);
    await anchor();
    await swapAndRehash(streamOf('0301', 'a-swap'), 2, 5);
    expect((await verify({ patientId: 'a-swap' })).firstBroken).toMatchObject({ seq: 5, reason: 'anchor-mismatch' });
  });

  it('delete a whole stream (a patient verify finds it gone instead of answering 404)', async () => {
    await append('a-gone', 3);
    await anchor();
    const stream = streamOf('0301', 'a-gone');
    for (const item of await allItems(stream)) await deleteRaw(stream, String(item.sk));
    const result = await verify({ patientId: 'a-gone' });
    expect(result.ok).toBe(false);
    expect(result.firstBroken).toMatchObject({ seq: 1, reason: 'missing-events' });
  });

  it('delete a whole stream and its registry entry, rewriting the registry chain (a tenant-wide verify names the registry)', async () => {
    await append('a-gone-reg', 3);
    const stream = streamOf('0301', 'a-gone-reg');
    const registry = registryStream('0301', registryShardOf(stream));
    await anchor();
    for (const item of await allItems(stream)) await deleteRaw(stream, String(item.sk));
    // Take the entry out of its registry shard: renumber the entries after it and recompute their hashes.
    const entries = (await allItems(registry)).filter((i) => String(i.sk).startsWith('E#')).sort((a, b) => Number(a.seq) - Number(b.seq));
    const at = entries.findIndex((e) => e.openedStream === stream);
    expect(at).toBeGreaterThanOrEqual(0);
    let prev = at === 0 ? '0'.repeat(64) : String(entries[at - 1]!.hash);
    for (let i = at + 1; i < entries.length; i++) {
      const seq = i;
      const moved: Item = { ...entries[i]!, sk: eventSk(seq), seq, prevHash: prev };
      moved.hash = eventHash(moved);
      prev = moved.hash as string;
      await putRaw(moved);
    }
    await deleteRaw(registry, eventSk(entries.length));
    await moveHead(registry, entries.length - 1, prev);
    const result = await verify({ maxStreams: 1000 });
    expect(result.ok).toBe(false);
    expect(result.broken.some((b) => b.stream === registry && ['anchor-mismatch', 'missing-events'].includes(b.reason))).toBe(true);
  });
});

describe('the same attacks after the newest tree head are reported as not yet anchored', () => {
  /** A stream of `anchored` events under a tree head, then `more` events after it. */
  async function windowed(patientId: string, anchored: number, more: number): Promise<string> {
    await append(patientId, anchored);
    await anchor();
    await append(patientId, more);
    return streamOf('0301', patientId);
  }

  function expectWindow(result: VerifyBody, anchoredEvents: number, windowEvents: number): void {
    expect(result.ok).toBe(true);
    expect(result.anchor.status).toBe('verified');
    expect(result.anchor.anchoredEvents).toBe(anchoredEvents);
    expect(result.anchor.window).toMatchObject({ streams: windowEvents > 0 ? 1 : 0, events: windowEvents });
    expect(result.anchor.window.since).toBeDefined();
  }

  it('edit + recompute + move the head', async () => {
    const stream = await windowed('w-edit', 4, 3);
    await rewrite(stream, 6, 7, (item) => ({ ...item, outcome: 'denied' }));
    expectWindow(await verify({ patientId: 'w-edit' }), 4, 3);
  });

  it('delete the newest events and roll the head back', async () => {
    const stream = await windowed('w-trunc', 4, 3);
    await truncate(stream, 6, 7);
    expectWindow(await verify({ patientId: 'w-trunc' }), 4, 1);
  });

  it('delete the checkpoint items, then truncate', async () => {
    const stream = await windowed('w-ckpt-trunc', 24, 3);
    await getRaw(stream, checkpointSk(27));
    await deleteCheckpoints(stream);
    await truncate(stream, 25, 27);
    expectWindow(await verify({ patientId: 'w-ckpt-trunc' }), 24, 0);
  });

  it('append a forged event after the head with a valid hash', async () => {
    const stream = await windowed('w-forge', 4, 0);
    await forgeAfter(stream, 4);
    expectWindow(await verify({ patientId: 'w-forge' }), 4, 1);
  });

  it('reorder a pair and recompute', async () => {
    const stream = await windowed('w-swap', 4, 3);
    await swapAndRehash(stream, 5, 7);
    expectWindow(await verify({ patientId: 'w-swap' }), 4, 3);
  });

  it('a stream opened after the newest tree head, then deleted, is not one verify can know of', async () => {
    await anchor();
    await append('w-new', 2);
    const result = await verify({ patientId: 'w-new' });
    expectWindow(result, 0, 2);
  });
});

/**
 * A log spread over shards 0 and `shard`: the log is marked contended, so appends spread by their
 * request id, and each event gets a request id that lands where it should (shardFor).
 */
async function appendSharded(patientId: string, perShard: number, shard: number): Promise<string> {
  const base = streamOf('0301', patientId);
  for (const target of [0, shard]) {
    for (let n = 0; n < perShard; n++) {
      noteContention(base);
      let requestId = '';
      for (let i = 0; shardFor(base, requestId, 0) !== target; i++) requestId = `req-${patientId}-${target}-${n}-${i}`;
      await appendAudit(tenantDb('0301'), [{ ...event('0301', patientId), requestId }]);
    }
  }
  const items = await allItems(shardStream(base, shard));
  expect(items.filter((i) => String(i.sk).startsWith('E#'))).toHaveLength(perShard);
  return shardStream(base, shard);
}

describe('attacks on a log spread over shards are detected in any shard', () => {
  it('edit an event in a shard other than the first, recompute and move its head', async () => {
    const stream = await appendSharded('s-edit', 3, 5);
    await anchor();
    await rewrite(stream, 2, 3, (item) => ({ ...item, outcome: 'denied' }));
    const result = await verify({ patientId: 's-edit' });
    expect(result.ok).toBe(false);
    expect(result.firstBroken).toMatchObject({ stream, seq: 3, reason: 'anchor-mismatch' });
    expect((await verify({ maxStreams: 1000 })).broken).toContainEqual(expect.objectContaining({ stream, seq: 3, reason: 'anchor-mismatch' }));
  });

  it('delete an event in a shard and roll its head back', async () => {
    const stream = await appendSharded('s-trunc', 3, 9);
    await anchor();
    await truncate(stream, 3, 3);
    expect((await verify({ patientId: 's-trunc' })).firstBroken).toMatchObject({ stream, seq: 3, reason: 'missing-events' });
  });

  it('delete a whole shard, head and all (the patient verify still finds it through the anchor)', async () => {
    const stream = await appendSharded('s-gone', 2, 14);
    await anchor();
    for (const item of await allItems(stream)) await deleteRaw(stream, String(item.sk));
    const result = await verify({ patientId: 's-gone' });
    expect(result.ok).toBe(false);
    expect(result.firstBroken).toMatchObject({ stream, seq: 1, reason: 'missing-events' });
  });

  it('an untouched sharded log verifies, with every shard in the anchor', async () => {
    await appendSharded('s-ok', 2, 3);
    await anchor();
    const result = await verify({ patientId: 's-ok' });
    expect(result).toMatchObject({ ok: true, eventsChecked: 4 });
    expect(result.anchor).toMatchObject({ status: 'verified', anchoredEvents: 4 });
  });
});

/** Runs the independent verifier (tools/audit-verify.ts) as an auditor would, with read access and the public key only. */
async function independentVerify(tenant: string): Promise<{ code: number; out: string }> {
  const keyFile = join(stack.keystoreDir, 'anchor-public.pem');
  writeFileSync(keyFile, await treeHeadSigner().publicKeyPem());
  const args = ['--import', 'tsx', 'tools/audit-verify.ts', '--tenant', tenant, '--public-key', keyFile, '--anchors', join(stack.keystoreDir, 'anchors'), '--table', table(), '--endpoint', inject('dynamoEndpoint'), '--beat-seconds', '3600'];
  return new Promise((resolve) => {
    execFile(process.execPath, args, { cwd: process.cwd(), env: { ...process.env, FJ_TABLE_AUDIT: '' } }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, out: `${stdout}${stderr}` });
    });
  });
}

describe('attacks on the tree heads themselves', () => {
  const dir = () => join(stack.keystoreDir, 'anchors');

  it('an untouched chain of tree heads verifies', async () => {
    await append('t-ok', 2, '1804');
    for (let i = 0; i < 3; i++) await anchor('1804');
    const result = await verify({}, 'bodo.revisor');
    expect(result.ok).toBe(true);
    expect(result.anchor).toMatchObject({ status: 'verified', problems: [] });
    expect(result.anchor.latest?.index).toBe(3);
    const cli = await independentVerify('1804');
    expect(cli.out).toContain('RESULT: OK');
    expect(cli.code).toBe(0);
  });

  it('a tree head signed by another key', async () => {
    const latest = (await latestTreeHead(anchorStore(), '1804'))!.treeHead;
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const treeHead: TreeHead = { ...latest, index: latest.index + 1, time: new Date().toISOString(), prevHash: treeHeadHash(latest) };
    const forged: SignedTreeHead = { treeHead, algorithm: 'ECDSA_SHA_256', signature: sign('sha256', signedBytes(treeHead), other.privateKey).toString('base64') };
    writeFileSync(join(dir(), anchorKeys.treeHead(treeHead)), JSON.stringify(forged), { flag: 'wx' });
    const result = await verify({}, 'bodo.revisor');
    expect(result.ok).toBe(false);
    expect(result.anchor.problems).toContainEqual(expect.objectContaining({ kind: 'bad-signature', index: treeHead.index }));
    const cli = await independentVerify('1804');
    expect(cli.out).toContain(`FAIL tree head ${treeHead.index}: bad-signature`);
    expect(cli.code).toBe(1);
  });

  it('the independent verifier names the attacks on anchored events too', async () => {
    const cli = await independentVerify('0301');
    expect(cli.code).toBe(1);
    for (const patient of ['a-edit', 'a-trunc', 'a-swap', 'a-gone']) expect(cli.out).toContain(`FAIL ${streamOf('0301', patient)} at`);
    // ... and in a shard of a sharded log.
    for (const [patient, shard] of [['s-edit', 5], ['s-trunc', 9]] as const) expect(cli.out).toContain(`FAIL ${shardStream(streamOf('0301', patient), shard)} at`);
    expect(cli.out).toMatch(/Not yet anchored \(the window, after /);
  });

  it('a deleted tree head', async () => {
    await append('t-del', 2, '4601');
    for (let i = 0; i < 3; i++) await anchor('4601');
    const day = readdirSync(join(dir(), 'tree-heads', '4601'))[0]!;
    rmSync(join(dir(), 'tree-heads', '4601', day, `${'2'.padStart(12, '0')}.json`));
    const result = await verify({}, 'bergen.revisor');
    expect(result.ok).toBe(false);
    expect(result.anchor.problems).toContainEqual(expect.objectContaining({ kind: 'index-gap', index: 3 }));
  });

  it('the anchoring job moves a leaf on only along the anchored chain (a rewrite before the next beat stays detected)', async () => {
    await append('t-side', 4);
    await anchor();
    await append('t-side', 3);
    const stream = streamOf('0301', 't-side');
    await rewrite(stream, 2, 7, (item) => ({ ...item, outcome: 'denied' }));
    const outcome = await anchor();
    expect(outcome.divergences).toContainEqual({ stream, fromSeq: 4, toSeq: 7 });
    expect((await verify({ patientId: 't-side' })).firstBroken).toMatchObject({ seq: 4, reason: 'anchor-mismatch' });
  });

  it('the anchoring job never moves a leaf backwards, and names the regression', async () => {
    await append('t-back', 4);
    await anchor();
    await truncate(streamOf('0301', 't-back'), 3, 4);
    const outcome = await anchor();
    expect(outcome.regressions).toContainEqual({ stream: streamOf('0301', 't-back'), anchoredSeq: 4, headSeq: 2 });
    expect((await verify({ patientId: 't-back' })).firstBroken).toMatchObject({ seq: 3, reason: 'missing-events' });
  });
});
