import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BatchWriteItemCommand, DynamoDBClient, ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { verifyChain, type BrokenLink } from '../functions/core/chain-verify';
import { EVENT_PREFIX, HEAD_SK, seqOfSk } from '../functions/core/chain-format';
import { globalKey } from '../shared/db/keys';
import { TABLES, tableName, type TableId } from '../shared/db/tables';
import { controlKeys } from '../shared/tenancy/control-keys';
import { createTables } from './create-tables';

/**
 * Disaster recovery for the tables (docs/operations/restore.md): `backup export` writes every item
 * of every table as DynamoDB JSON, one NDJSON file per table with a manifest of counts and hashes;
 * `restore` creates the tables (if missing) and writes the items back, optionally only one
 * municipality's, then verifies every audit hash chain it restored. Items stay as stored (encrypted
 * under the tenants' keys), so the export is no more readable than the tables themselves.
 * In AWS the same files come from DynamoDB's export to S3 (PITR), and a PITR restore to a new
 * table is the other path; the runbook says when to take which.
 */

type RawItem = Record<string, AttributeValue>;

export interface DrTarget {
  /** DynamoDB endpoint (DynamoDB Local); the SDK's default chain when absent. */
  endpoint?: string;
  stage: string;
  region?: string;
  /**
   * The deployed tables' names (CloudFormation names them; the region stack's outputs list them,
   * as FJ_TABLE_*). Without them the stage's local names (`fj-<stage>-<id>`) are used, and restore
   * creates missing tables; with them the tables must exist (the stack owns them).
   */
  tables?: Record<TableId, string>;
}

/** The physical name of a table on the target. */
function nameOf(target: DrTarget, id: TableId): string {
  return target.tables?.[id] ?? tableName(target.stage, id);
}

function client(target: DrTarget): DynamoDBClient {
  return new DynamoDBClient({
    region: target.region ?? process.env.AWS_REGION ?? 'eu-north-1',
    ...(target.endpoint ? { endpoint: target.endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
  });
}

/** Whether an item belongs to one municipality: its partition, its registry entry, its users and grants. */
export function belongsTo(tenant: string, table: TableId, item: RawItem): boolean {
  const s = (name: string) => item[name]?.S;
  const pk = s('pk') ?? '';
  if (pk.startsWith(`T#${tenant}#`)) return true;
  if (table !== 'control') return false;
  if (pk === controlKeys.tenant(tenant).pk || s('tenant') === tenant) return true;
  const listing = globalKey('TENANT', tenant);
  return [s('gsi1pk'), s('gsi2pk')].some((k) => k !== undefined && (k === listing || k.startsWith(`${listing}#`)));
}

/** DynamoDB JSON as DynamoDB's own export writes it: binary values (B, BS) as base64. */
export function itemToJson(item: RawItem): string {
  return JSON.stringify(item, (_key, value: unknown) => (value instanceof Uint8Array ? Buffer.from(value).toString('base64') : value));
}

export function itemFromJson(line: string): RawItem {
  return JSON.parse(line, (key, value: unknown) => {
    if (key === 'B' && typeof value === 'string') return new Uint8Array(Buffer.from(value, 'base64'));
    if (key === 'BS' && Array.isArray(value) && value.every((v) => typeof v === 'string')) return value.map((v: string) => new Uint8Array(Buffer.from(v, 'base64')));
    return value;
  }) as RawItem;
}

async function* scan(db: DynamoDBClient, table: string): AsyncGenerator<RawItem[]> {
  let start: RawItem | undefined;
  do {
    const out = await db.send(new ScanCommand({ TableName: table, ConsistentRead: true, ...(start ? { ExclusiveStartKey: start } : {}) }));
    yield out.Items ?? [];
    start = out.LastEvaluatedKey;
  } while (start);
}

interface ManifestTable {
  id: TableId;
  table: string;
  file: string;
  items: number;
  sha256: string;
}

/** Every item of every table (or one municipality's) into `dir`: `<table>.ndjson` and `manifest.json`. */
export async function exportTables(o: DrTarget & { dir: string; tenant?: string }): Promise<{ dir: string; tables: ManifestTable[] }> {
  const db = client(o);
  mkdirSync(o.dir, { recursive: true, mode: 0o700 });
  const tables: ManifestTable[] = [];
  for (const def of TABLES) {
    const name = nameOf(o, def.id);
    const lines: string[] = [];
    for await (const page of scan(db, name)) for (const item of page) if (!o.tenant || belongsTo(o.tenant, def.id, item)) lines.push(itemToJson(item));
    const text = lines.map((l) => `${l}\n`).join('');
    const file = `${def.id}.ndjson`;
    writeFileSync(join(o.dir, file), text, { mode: 0o600, flag: 'wx' });
    tables.push({ id: def.id, table: name, file, items: lines.length, sha256: createHash('sha256').update(text).digest('hex') });
  }
  writeFileSync(join(o.dir, 'manifest.json'), `${JSON.stringify({ format: 'fellesjournal-tables/1', stage: o.stage, exportedAt: new Date().toISOString(), ...(o.tenant ? { tenant: o.tenant } : {}), tables }, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  db.destroy();
  return { dir: o.dir, tables };
}

type WriteRequest = { PutRequest: { Item: RawItem } } | { DeleteRequest: { Key: RawItem } };

async function batchAll(db: DynamoDBClient, table: string, all: WriteRequest[]): Promise<void> {
  for (let i = 0; i < all.length; i += 25) {
    let requests: WriteRequest[] = all.slice(i, i + 25);
    for (let attempt = 0; requests.length > 0; attempt++) {
      if (attempt > 8) throw new Error(`${table}: items still unprocessed after retries`);
      if (attempt > 0) await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
      const out = await db.send(new BatchWriteItemCommand({ RequestItems: { [table]: requests } }));
      requests = (out.UnprocessedItems?.[table] ?? []) as WriteRequest[];
    }
  }
}

/** Removes one municipality's items from every table (their keys only), before its restore. */
async function removeTenant(db: DynamoDBClient, target: DrTarget, tenant: string): Promise<number> {
  let removed = 0;
  for (const def of TABLES) {
    const table = nameOf(target, def.id);
    const keys: WriteRequest[] = [];
    for await (const page of scan(db, table)) {
      for (const item of page) {
        if (!belongsTo(tenant, def.id, item)) continue;
        keys.push({ DeleteRequest: { Key: { [def.partitionKey]: item[def.partitionKey]!, [def.sortKey]: item[def.sortKey]! } } });
      }
    }
    await batchAll(db, table, keys);
    removed += keys.length;
  }
  return removed;
}

export interface ChainReport {
  checked: number;
  events: number;
  broken: BrokenLink[];
}

/** Recomputes every audit hash chain in the audit table (or one municipality's) from genesis to its head. */
export async function verifyAuditChains(o: DrTarget & { tenant?: string }): Promise<ChainReport> {
  const db = client(o);
  const streams = new Map<string, { events: Record<string, unknown>[]; head?: { seq: number; hash: string } }>();
  for await (const page of scan(db, nameOf(o, 'audit'))) {
    for (const raw of page) {
      const item = unmarshall(raw);
      const pk = String(item.pk);
      const sk = String(item.sk);
      if (o.tenant && !pk.startsWith(`T#${o.tenant}#`)) continue;
      if (sk !== HEAD_SK && !sk.startsWith(EVENT_PREFIX)) continue;
      const s = streams.get(pk) ?? { events: [] };
      if (sk === HEAD_SK) {
        if (typeof item.seq === 'number' && typeof item.hash === 'string') s.head = { seq: item.seq, hash: item.hash };
      } else s.events.push(item);
      streams.set(pk, s);
    }
  }
  db.destroy();
  const report: ChainReport = { checked: 0, events: 0, broken: [] };
  for (const [stream, s] of streams) {
    if (!s.head && s.events.length === 0) continue;
    s.events.sort((a, b) => (seqOfSk(String(a.sk)) ?? 0) - (seqOfSk(String(b.sk)) ?? 0));
    const result = verifyChain(stream, s.events, s.head);
    report.checked += 1;
    report.events += result.checked;
    if (result.broken) report.broken.push(result.broken);
  }
  return report;
}

/**
 * Rebuilds the tables from an export: creates any that are missing (the same definitions CDK
 * uses), writes the items (only `tenant`'s when given, leaving every other municipality as it is),
 * then verifies the audit chains restored. A file whose hash differs from the manifest is refused.
 */
export async function restoreTables(o: DrTarget & { dir: string; tenant?: string }): Promise<{ tables: { table: string; items: number }[]; chains: ChainReport; replaced?: { dir: string; items: number } }> {
  const manifest = JSON.parse(readFileSync(join(o.dir, 'manifest.json'), 'utf8')) as { format: string; tables: ManifestTable[] };
  if (manifest.format !== 'fellesjournal-tables/1') throw new Error(`not a table export: ${manifest.format}`);
  // Every file is checked before anything is written.
  const files = manifest.tables.map((entry) => {
    const text = readFileSync(join(o.dir, entry.file), 'utf8');
    if (createHash('sha256').update(text).digest('hex') !== entry.sha256) throw new Error(`${entry.file} does not match the manifest's hash; refusing to restore`);
    return { entry, text };
  });
  const db = client(o);
  if (!o.tables) await createTables(db, o.stage);
  let replaced: { dir: string; items: number } | undefined;
  if (o.tenant) {
    // One municipality goes back to the export's point in time: what it holds now is kept aside
    // first (its audit events since then included), then removed, so no newer item mixes with the old chain.
    const aside = join(o.dir, `replaced-${o.tenant}-${new Date().toISOString().replace(/[-:.]/g, '')}`);
    const before = await exportTables({ ...o, dir: aside, tenant: o.tenant });
    await removeTenant(db, o, o.tenant);
    replaced = { dir: aside, items: before.tables.reduce((n, t) => n + t.items, 0) };
  }
  const restored: { table: string; items: number }[] = [];
  for (const { entry, text } of files) {
    const items = text
      .split('\n')
      .filter((l) => l.length > 0)
      .map(itemFromJson)
      .filter((item) => !o.tenant || belongsTo(o.tenant, entry.id, item));
    const table = nameOf(o, entry.id);
    await batchAll(db, table, items.map((Item) => ({ PutRequest: { Item } })));
    restored.push({ table, items: items.length });
  }
  db.destroy();
  return { tables: restored, chains: await verifyAuditChains(o), ...(replaced ? { replaced } : {}) };
}
