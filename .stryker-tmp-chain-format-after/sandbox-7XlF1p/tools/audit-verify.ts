// @ts-nocheck
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DynamoDBClient, GetItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { EVENT_PREFIX, eventSk, HEAD_SK, REGISTRY_SHARDS, registryStream } from '../functions/core/chain-format';
import { ChainVerifier, type BrokenLink, type HeadFact } from '../functions/core/chain-verify';
import { checkTreeHeadChain, leafSetMatches, parseLeafSet, anchorKeys, type AnchorProblem } from '../functions/core/tree-head';
import { readAll, treeHeadKeys } from '../functions/core/anchor-log';
import { LocalAnchorStore, S3AnchorStore, type AnchorStore } from '../functions/core/anchor-store';

/**
 * `npm run audit:verify -- --tenant 0301`: the independent verifier. It needs read access to the
 * audit table (Query, GetItem) and the anchor store, and the anchoring key's public half (PEM);
 * it imports only the pure format, Merkle and chain-check modules, none of the platform's
 * services, config or credentials. docs/audit-format.md describes the same checks for anyone who
 * wants to re-implement them.
 *
 * Checks: the tree heads (in the day range) form an unbroken chain signed by the expected key with
 * no gap over two beats; each one's leaf set gives its signed root; no stream's anchored position
 * ever goes backwards; every stream named by the registry or by the newest tree head walks from
 * genesis through every anchored position with the anchored hash, to its head. What lies past
 * the newest tree head is reported as not yet anchored.
 */

const USAGE = `Usage: npm run audit:verify -- --tenant <kommunenummer> [options]

  --public-key <file>   the anchoring key's public half (SPKI PEM); locally defaults to the
                        public half of .data/keys/anchor-signing-p256.pem
  --anchors <dir>       local anchor folder (default .data/anchors, else .data/keys/anchors)
  --bucket <name>       S3 anchor bucket instead (read-only: ListBucket, GetObject)
  --table <name>        audit table (default $FJ_TABLE_AUDIT or fj-local-audit)
  --endpoint <url>      DynamoDB endpoint (default $AWS_ENDPOINT_URL_DYNAMODB; http://127.0.0.1:8765 for the local table)
  --region <region>     default $AWS_REGION or eu-north-1
  --from <YYYY-MM-DD>   first day of tree heads to check (default: the first)
  --to <YYYY-MM-DD>     last day of tree heads to check (default: today; then the newest must be at most two beats old)
  --beat-seconds <n>    the anchoring beat (default 60)
  --allow-unanchored    do not fail when no tree head exists yet`;

interface Options {
  tenant: string;
  publicKey: KeyObject;
  store: AnchorStore;
  db: DynamoDBClient;
  table: string;
  fromDay?: string;
  toDay?: string;
  beatMs: number;
  allowUnanchored: boolean;
}

function fail(message: string): never {
  console.error(`${message}\n\n${USAGE}`);
  process.exit(2);
}

function options(): Options {
  const { values } = parseArgs({
    options: {
      tenant: { type: 'string' },
      'public-key': { type: 'string' },
      anchors: { type: 'string' },
      bucket: { type: 'string' },
      table: { type: 'string' },
      endpoint: { type: 'string' },
      region: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      'beat-seconds': { type: 'string' },
      'allow-unanchored': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const tenant = values.tenant ?? fail('--tenant is required');
  if (!/^\d{4}$/.test(tenant)) fail('--tenant must be a four-digit kommunenummer');
  for (const d of [values.from, values.to]) if (d !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(d)) fail('--from and --to take a day: YYYY-MM-DD');
  const region = values.region ?? process.env.AWS_REGION ?? 'eu-north-1';
  const localKey = join('.data', 'keys', 'anchor-signing-p256.pem');
  let publicKey: KeyObject;
  if (values['public-key']) publicKey = createPublicKey(readFileSync(values['public-key'], 'utf8'));
  else if (existsSync(localKey)) publicKey = createPublicKey(createPrivateKey(readFileSync(localKey, 'utf8')));
  else fail('--public-key is required (no local anchor key found)');
  let store: AnchorStore;
  if (values.bucket) {
    const bucket = values.bucket;
    store = new S3AnchorStore(() => import('@aws-sdk/client-s3').then(({ S3Client }) => new S3Client({ region })), bucket, 0);
  } else {
    const dir = values.anchors ?? (existsSync(join('.data', 'anchors')) ? join('.data', 'anchors') : join('.data', 'keys', 'anchors'));
    store = new LocalAnchorStore(dir);
  }
  const table = values.table ?? process.env.FJ_TABLE_AUDIT ?? 'fj-local-audit';
  const endpoint = values.endpoint ?? process.env.AWS_ENDPOINT_URL_DYNAMODB ?? (table === 'fj-local-audit' ? 'http://127.0.0.1:8765' : undefined);
  const local = endpoint !== undefined && /^http:\/\/(127\.0\.0\.1|localhost)/.test(endpoint);
  const db = new DynamoDBClient({ region, ...(endpoint ? { endpoint } : {}), ...(local ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}) });
  const beatMs = Number(values['beat-seconds'] ?? '60') * 1000;
  if (!Number.isFinite(beatMs) || beatMs <= 0) fail('--beat-seconds must be a positive number');
  return { tenant, publicKey, store, db, table, ...(values.from ? { fromDay: values.from } : {}), ...(values.to ? { toDay: values.to } : {}), beatMs, allowUnanchored: values['allow-unanchored'] };
}

async function* query(o: Options, pk: string, from: string, to: string): AsyncGenerator<Record<string, unknown>[]> {
  let start: Record<string, unknown> | undefined;
  do {
    const out = await o.db.send(
      new QueryCommand({
        TableName: o.table,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :a AND :b',
        ExpressionAttributeValues: marshall({ ':pk': pk, ':a': from, ':b': to }),
        ConsistentRead: true,
        ...(start ? { ExclusiveStartKey: marshall(start) } : {}),
      }),
    );
    yield (out.Items ?? []).map((i) => unmarshall(i));
    start = out.LastEvaluatedKey ? unmarshall(out.LastEvaluatedKey) : undefined;
  } while (start);
}

async function head(o: Options, stream: string): Promise<HeadFact | undefined> {
  const out = await o.db.send(new GetItemCommand({ TableName: o.table, Key: marshall({ pk: stream, sk: HEAD_SK }), ConsistentRead: true }));
  const item = out.Item ? unmarshall(out.Item) : undefined;
  return item && typeof item.seq === 'number' && typeof item.hash === 'string' ? { seq: item.seq, hash: item.hash } : undefined;
}

interface StreamResult {
  stream: string;
  events: number;
  anchoredSeq: number;
  broken?: BrokenLink;
}

/** Walks one stream from genesis, checking every anchored position on the way. */
async function checkStream(o: Options, stream: string, positions: Map<number, string>, latest: HeadFact | undefined): Promise<StreamResult> {
  const verifier = new ChainVerifier(stream, { head: await head(o, stream), ...(latest ? { anchored: latest } : {}) });
  let broken: BrokenLink | undefined;
  walk: for await (const page of query(o, stream, eventSk(1), `${EVENT_PREFIX}~`)) {
    for (const item of page) {
      const seq = verifier.lastSeq + 1;
      broken = verifier.add(item);
      if (broken) break walk;
      const anchored = positions.get(seq);
      if (anchored !== undefined && anchored !== item.hash) {
        broken = { stream, seq, reason: 'anchor-mismatch' };
        break walk;
      }
    }
  }
  broken ??= verifier.finish();
  const lastAnchored = Math.max(0, ...positions.keys());
  if (!broken && lastAnchored > verifier.lastSeq) broken = { stream, seq: verifier.lastSeq + 1, reason: 'missing-events' };
  return { stream, events: verifier.checked, anchoredSeq: latest?.seq ?? 0, ...(broken ? { broken } : {}) };
}

async function main(): Promise<void> {
  const o = options();
  const problems: AnchorProblem[] = [];
  console.log(`Audit verification for municipality ${o.tenant}`);
  console.log(`  audit table   ${o.table}`);
  console.log(`  anchor store  ${o.store.location}`);
  console.log(`  tree heads    ${o.fromDay ?? 'first'} .. ${o.toDay ?? 'now'}`);

  const keys = await treeHeadKeys(o.store, o.tenant, { ...(o.fromDay ? { fromDay: o.fromDay } : {}), ...(o.toDay ? { toDay: o.toDay } : {}) });
  const texts = await readAll(o.store, keys);
  const chain = checkTreeHeadChain(texts, { tenant: o.tenant, publicKey: o.publicKey, beatMs: o.beatMs, ...(o.toDay ? {} : { now: new Date() }) });
  problems.push(...chain.problems.filter((p) => !(p.kind === 'no-tree-head' && o.allowUnanchored)));

  // Every anchored position of every stream, from each distinct leaf set; positions never go back.
  const positions = new Map<string, Map<number, string>>();
  const newest = new Map<string, HeadFact>();
  const seenRoots = new Set<string>();
  for (const signed of chain.heads) {
    const th = signed.treeHead;
    if (seenRoots.has(th.root)) continue;
    seenRoots.add(th.root);
    const set = parseLeafSet((await o.store.get(anchorKeys.leafSet(o.tenant, th.root))) ?? '');
    const wrong = leafSetMatches(th, set);
    if (wrong || !set) {
      problems.push(wrong!);
      continue;
    }
    for (const leaf of set.leaves) {
      const before = newest.get(leaf.stream);
      if (before && (leaf.seq < before.seq || (leaf.seq === before.seq && leaf.hash !== before.hash))) {
        problems.push({ kind: 'root-mismatch', index: th.index, detail: `${leaf.stream} anchored at ${leaf.seq} after ${before.seq} (tree heads disagree)` });
      }
      newest.set(leaf.stream, { seq: leaf.seq, hash: leaf.hash });
      const map = positions.get(leaf.stream) ?? positions.set(leaf.stream, new Map()).get(leaf.stream)!;
      if (map.has(leaf.seq) && map.get(leaf.seq) !== leaf.hash) problems.push({ kind: 'root-mismatch', index: th.index, detail: `${leaf.stream} anchored twice at ${leaf.seq} with different hashes` });
      map.set(leaf.seq, leaf.hash);
    }
  }
  const latestLeaves = chain.latest ? (parseLeafSet((await o.store.get(anchorKeys.leafSet(o.tenant, chain.latest.treeHead.root))) ?? '')?.leaves ?? []) : [];
  const latestOf = new Map(latestLeaves.map((l) => [l.stream, { seq: l.seq, hash: l.hash }]));

  // Streams: the registry's, the newest tree head's, and the registry shards themselves.
  const registries = REGISTRY_SHARDS.map((s) => registryStream(o.tenant, s));
  const streams = new Set<string>([...registries, ...latestOf.keys()]);
  for (const r of registries) for await (const page of query(o, r, eventSk(1), `${EVENT_PREFIX}~`)) for (const e of page) if (typeof e.openedStream === 'string') streams.add(e.openedStream);

  const results: StreamResult[] = [];
  const list = [...streams].sort();
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < list.length) {
        const stream = list[next++]!;
        results.push(await checkStream(o, stream, positions.get(stream) ?? new Map<number, string>(), latestOf.get(stream)));
      }
    }),
  );
  results.sort((a, b) => (a.stream < b.stream ? -1 : 1));
  const broken = results.filter((r) => r.broken).map((r) => r.broken!);
  // A registered stream with no events at all was removed wholesale.
  for (const r of results) if (!r.broken && r.events === 0 && !registries.includes(r.stream)) broken.push({ stream: r.stream, seq: 1, reason: 'missing-events' });
  const anchoredEvents = results.reduce((n, r) => n + Math.min(r.anchoredSeq, r.events), 0);
  const windowStreams = results.filter((r) => r.events > r.anchoredSeq);
  const windowEvents = windowStreams.reduce((n, r) => n + r.events - r.anchoredSeq, 0);
  const events = results.reduce((n, r) => n + r.events, 0);

  console.log('');
  const latest = chain.latest?.treeHead;
  console.log(`Tree heads: ${chain.heads.length} checked${latest ? `, newest #${latest.index} at ${latest.time} over ${latest.treeSize} streams (root ${latest.root.slice(0, 16)}…)` : ''}`);
  for (const p of problems) console.log(`  FAIL tree head ${p.index}: ${p.kind} — ${p.detail}`);
  console.log(`Streams: ${results.length} checked, ${events} events`);
  for (const b of broken) console.log(`  FAIL ${b.stream} at ${b.seq}: ${b.reason}`);
  console.log(`Anchored: ${anchoredEvents} events are covered by signed tree heads and verified against them.`);
  console.log(
    latest
      ? `Not yet anchored (the window, after ${latest.time}): ${windowEvents} events in ${windowStreams.length} streams — chained, but rewritable without detection until the next tree head.`
      : `Not yet anchored: all ${events} events (no tree head exists) — chained only, not protected against a writer with table access.`,
  );
  const ok = problems.length === 0 && broken.length === 0;
  console.log('');
  console.log(ok ? 'RESULT: OK' : `RESULT: FAILED (${problems.length} tree head problems, ${broken.length} broken streams)`);
  o.db.destroy();
  process.exit(ok ? 0 : 1);
}

main().catch((error: unknown) => {
  console.error(`audit:verify could not run: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(2);
});
