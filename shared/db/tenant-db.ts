import {
  BatchGetItemCommand,
  ConditionalCheckFailedException,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  TransactionCanceledException,
  TransactWriteItemsCommand,
  UpdateItemCommand,
  type AttributeValue,
  type BatchGetItemCommandOutput,
  type DynamoDBClient,
  type KeysAndAttributes,
  type TransactWriteItem,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { badCursor } from '../crypto/cursor-codec';
import type { Envelope } from '../crypto/envelope';
import { config } from '../config';
import { TABLES, type TableId } from './tables';

export type Item = Record<string, unknown>;

export interface Condition {
  expression: string;
  names?: Record<string, string>;
  values?: Record<string, unknown>;
}

/** One write inside a transaction. */
export type TxWrite =
  | { kind: 'put'; table: TableId; item: Item; condition?: Condition }
  | { kind: 'update'; table: TableId; key: { pk: string; sk: string }; update: Condition; condition?: Condition }
  | { kind: 'check'; table: TableId; key: { pk: string; sk: string }; condition: Condition };

export interface QueryInput {
  table: TableId;
  index?: string;
  /** Value of the (index) partition key. */
  partition: string;
  /** Sort key condition: begins_with a prefix, or between two values inclusive. */
  sortBeginsWith?: string;
  sortBetween?: [string, string];
  newestFirst?: boolean;
  limit?: number;
  cursor?: string;
  consistent?: boolean;
  filter?: Condition;
  /** Only these attributes of each item (ProjectionExpression); all of them when absent. */
  attributes?: readonly string[];
}

export interface Page<T> {
  items: T[];
  /** Opaque; pass back as `cursor` for the next page. Absent on the last page. */
  nextCursor?: string;
}

/** Concurrent transactions touched the same item; the whole transaction was dropped and may be retried. */
export class TransactionConflictError extends Error {
  constructor() {
    super('Transaction conflict');
    this.name = 'TransactionConflictError';
  }
}

/** A write was refused by its condition. `index` names the failing transaction item, if any. */
export class ConditionFailedError extends Error {
  constructor(readonly index?: number, readonly reasons: string[] = []) {
    super('Condition failed');
    this.name = 'ConditionFailedError';
  }
}

export const tenantScoped: ReadonlySet<TableId> = new Set(TABLES.filter((t) => t.tenantScoped).map((t) => t.id));

function physical(table: TableId): string {
  return config().tables[table];
}

function expressionParts(c: Condition | undefined, prefix: string) {
  if (!c) return {};
  return {
    expression: c.expression,
    names: c.names,
    values: c.values ? marshall(c.values, { removeUndefinedValues: true }) : undefined,
    prefix,
  };
}

/**
 * What a database handle may reach: which keys (refused before any request leaves the process) and
 * under which credentials. Reaches are made only by the session factories in ./sessions.ts, from a
 * tenant session bound to the verified caller, a job's session or the platform's own client; the
 * lint rule in eslint.config.mjs keeps `new TenantDb`/`new PlatformDb` inside shared/db.
 */
export interface DataReach {
  /** Throws ForbiddenError when the partition `key` (with sort key `sk`, for one item) of `table` is outside the reach. */
  guard(table: TableId, key: string, write: boolean, sk?: string): void;
  /** The client for a request; `tenantData` when it touches a tenant-scoped table. */
  client(tenantData: boolean): Promise<DynamoDBClient>;
  /**
   * Settles when the request's caller is admitted by the registry (shared/http/handler.ts); every
   * write waits for it and fails with its refusal. Absent: admitted before the handle was made.
   */
  admitted?: Promise<void>;
}

/** DynamoDB access within one reach: every key is checked by the reach before it is sent. */
export abstract class ScopedDb {
  constructor(protected readonly reach: DataReach) {}

  private guard(table: TableId, key: string, write = false, sk?: string): void {
    this.reach.guard(table, key, write, sk);
  }

  private client(table: TableId): Promise<DynamoDBClient> {
    return this.reach.client(tenantScoped.has(table));
  }

  /** The client for a write: only once the caller is admitted (reads may run beside the registry's read, writes never). */
  private async writeClient(tenantData: boolean): Promise<DynamoDBClient> {
    if (this.reach.admitted) await this.reach.admitted;
    return this.reach.client(tenantData);
  }

  async get<T extends Item = Item>(table: TableId, pk: string, sk: string, consistent = true): Promise<T | undefined> {
    this.guard(table, pk, false, sk);
    const out = await (await this.client(table)).send(
      new GetItemCommand({ TableName: physical(table), Key: marshall({ pk, sk }), ConsistentRead: consistent }),
    );
    return out.Item ? (unmarshall(out.Item) as T) : undefined;
  }

  /** Several items of one table in one round trip, strongly consistent; in the order of `keys`. */
  async getMany<T extends Item = Item>(table: TableId, keys: { pk: string; sk: string }[]): Promise<(T | undefined)[]> {
    if (keys.length > 100) throw new Error('getMany reads at most 100 items');
    for (const k of keys) this.guard(table, k.pk, false, k.sk);
    const client = await this.client(table);
    const found = new Map<string, T>();
    const idOf = (k: { pk: unknown; sk: unknown }) => `${String(k.pk)}\u0000${String(k.sk)}`;
    let pending: Record<string, AttributeValue>[] | undefined = keys.map((k) => marshall({ pk: k.pk, sk: k.sk }));
    for (let attempt = 0; pending && pending.length > 0; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(200, 10 * 2 ** attempt)));
      if (attempt >= 8) throw new Error('getMany: items left unprocessed');
      const out: BatchGetItemCommandOutput = await client.send(new BatchGetItemCommand({ RequestItems: { [physical(table)]: { Keys: pending, ConsistentRead: true } } }));
      for (const raw of out.Responses?.[physical(table)] ?? []) {
        const item = unmarshall(raw);
        found.set(idOf({ pk: item.pk, sk: item.sk }), item as T);
      }
      pending = out.UnprocessedKeys?.[physical(table)]?.Keys;
    }
    return keys.map((k) => found.get(idOf(k)));
  }

  /**
   * Items of several tables in one BatchGetItem, strongly consistent; in the order of `keys`. What
   * lets an access decision fetch its facts, the record and the audit head in one round trip
   * (functions/core/patient-access.ts). Every key is checked by the reach first; the request runs
   * under the session's credentials when any key is tenant data.
   */
  async getAcross(keys: { table: TableId; pk: string; sk: string }[]): Promise<(Item | undefined)[]> {
    if (keys.length > 100) throw new Error('getAcross reads at most 100 items');
    for (const k of keys) this.guard(k.table, k.pk, false, k.sk);
    const client = await this.reach.client(keys.some((k) => tenantScoped.has(k.table)));
    const found = new Map<string, Item>();
    const idOf = (table: string, pk: unknown, sk: unknown) => `${table}\u0000${String(pk)}\u0000${String(sk)}`;
    let pending: Record<string, KeysAndAttributes> | undefined = {};
    for (const k of keys) {
      const entry = (pending[physical(k.table)] ??= { Keys: [], ConsistentRead: true });
      entry.Keys!.push(marshall({ pk: k.pk, sk: k.sk }));
    }
    for (let attempt = 0; pending && Object.keys(pending).length > 0; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(200, 10 * 2 ** attempt)));
      if (attempt >= 8) throw new Error('getAcross: items left unprocessed');
      const out: BatchGetItemCommandOutput = await client.send(new BatchGetItemCommand({ RequestItems: pending }));
      for (const [table, items] of Object.entries(out.Responses ?? {})) {
        for (const raw of items) {
          const item = unmarshall(raw);
          found.set(idOf(table, item.pk, item.sk), item);
        }
      }
      pending = out.UnprocessedKeys;
    }
    return keys.map((k) => found.get(idOf(physical(k.table), k.pk, k.sk)));
  }

  async put(table: TableId, item: Item, condition?: Condition): Promise<void> {
    this.guard(table, String(item.pk), true, String(item.sk));
    const c = expressionParts(condition, '');
    const client = await this.writeClient(tenantScoped.has(table));
    try {
      await client.send(
        new PutItemCommand({
          TableName: physical(table),
          Item: marshall(item, { removeUndefinedValues: true, convertClassInstanceToMap: true }),
          ConditionExpression: c.expression,
          ExpressionAttributeNames: c.names,
          ExpressionAttributeValues: c.values,
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw new ConditionFailedError();
      throw error;
    }
  }

  async update(table: TableId, key: { pk: string; sk: string }, update: Condition, condition?: Condition): Promise<Item> {
    this.guard(table, key.pk, true, key.sk);
    const client = await this.writeClient(tenantScoped.has(table));
    try {
      const out = await client.send(
        new UpdateItemCommand({
          TableName: physical(table),
          Key: marshall(key),
          UpdateExpression: update.expression,
          ConditionExpression: condition?.expression,
          ExpressionAttributeNames: { ...update.names, ...condition?.names },
          ExpressionAttributeValues: marshall({ ...update.values, ...condition?.values }, { removeUndefinedValues: true }),
          ReturnValues: 'ALL_NEW',
        }),
      );
      return out.Attributes ? unmarshall(out.Attributes) : {};
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw new ConditionFailedError();
      throw error;
    }
  }

  async query<T extends Item = Item>(input: QueryInput): Promise<Page<T>> {
    this.guard(input.table, input.partition);
    const pkName = input.index ? `${input.index}pk` : 'pk';
    const skName = input.index ? `${input.index}sk` : 'sk';
    const names: Record<string, string> = { '#pk': pkName, ...input.filter?.names };
    const values: Record<string, unknown> = { ':pk': input.partition, ...input.filter?.values };
    let keyCondition = '#pk = :pk';
    if (input.sortBeginsWith !== undefined) {
      names['#sk'] = skName;
      values[':skp'] = input.sortBeginsWith;
      keyCondition += ' AND begins_with(#sk, :skp)';
    } else if (input.sortBetween) {
      names['#sk'] = skName;
      values[':sklo'] = input.sortBetween[0];
      values[':skhi'] = input.sortBetween[1];
      keyCondition += ' AND #sk BETWEEN :sklo AND :skhi';
    }
    input.attributes?.forEach((a, i) => (names[`#a${i}`] = a));
    const startKey = input.cursor ? decodeCursor(input.cursor, pkName, input.partition) : undefined;
    const out = await (await this.client(input.table)).send(
      new QueryCommand({
        TableName: physical(input.table),
        IndexName: input.index,
        KeyConditionExpression: keyCondition,
        FilterExpression: input.filter?.expression,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: marshall(values, { removeUndefinedValues: true }),
        ProjectionExpression: input.attributes?.map((_, i) => `#a${i}`).join(','),
        ScanIndexForward: !input.newestFirst,
        Limit: input.limit,
        ExclusiveStartKey: startKey,
        ConsistentRead: input.index ? undefined : input.consistent,
      }),
    );
    return {
      items: (out.Items ?? []).map((i) => unmarshall(i) as T),
      nextCursor: out.LastEvaluatedKey ? encodeCursor(out.LastEvaluatedKey) : undefined,
    };
  }

  /** All writes apply together or none do. */
  async transact(writes: TxWrite[]): Promise<void> {
    for (const w of writes) {
      if (w.kind === 'put') this.guard(w.table, String(w.item.pk), true, String(w.item.sk));
      else this.guard(w.table, w.key.pk, w.kind !== 'check', w.key.sk);
    }
    const items: TransactWriteItem[] = writes.map((w) => {
      const TableName = physical(w.table);
      if (w.kind === 'put') {
        return {
          Put: {
            TableName,
            Item: marshall(w.item, { removeUndefinedValues: true, convertClassInstanceToMap: true }),
            ConditionExpression: w.condition?.expression,
            ExpressionAttributeNames: w.condition?.names,
            ExpressionAttributeValues: w.condition?.values ? marshall(w.condition.values, { removeUndefinedValues: true }) : undefined,
          },
        };
      }
      if (w.kind === 'update') {
        return {
          Update: {
            TableName,
            Key: marshall(w.key),
            UpdateExpression: w.update.expression,
            ConditionExpression: w.condition?.expression,
            ExpressionAttributeNames: { ...w.update.names, ...w.condition?.names },
            ExpressionAttributeValues: marshall({ ...w.update.values, ...w.condition?.values }, { removeUndefinedValues: true }),
          },
        };
      }
      return {
        ConditionCheck: {
          TableName,
          Key: marshall(w.key),
          ConditionExpression: w.condition.expression,
          ExpressionAttributeNames: w.condition.names,
          ExpressionAttributeValues: w.condition.values ? marshall(w.condition.values, { removeUndefinedValues: true }) : undefined,
        },
      };
    });
    const tables = new Set(writes.map((w) => w.table));
    // One client per transaction: tenant-scoped when any item touches tenant data.
    const client = await this.writeClient([...tables].some((t) => tenantScoped.has(t)));
    try {
      await client.send(new TransactWriteItemsCommand({ TransactItems: items }));
    } catch (error) {
      if (error instanceof TransactionCanceledException) {
        const reasons = (error.CancellationReasons ?? []).map((r) => r.Code ?? 'None');
        const index = reasons.findIndex((r) => r === 'ConditionalCheckFailed');
        if (index >= 0) throw new ConditionFailedError(index, reasons);
        if (reasons.includes('TransactionConflict')) throw new TransactionConflictError();
      }
      throw error;
    }
  }
}

/**
 * Data access for one tenant: every key and every queried partition on a tenant-scoped table must
 * start with `T#<tenant>#` (or lie in the reach's narrower set) or the call is refused before it
 * reaches DynamoDB. Obtained only from a session (./sessions.ts), never from a tenant string.
 *
 * With an `auditPeer` (the narrow sharing-read session), the audit log of that one other tenant is
 * reachable too, for recording one access in both municipalities' logs in one transaction.
 */
export class TenantDb extends ScopedDb {
  constructor(
    readonly tenant: string,
    reach: DataReach,
    private readonly keysOf: () => Envelope,
    readonly auditPeer?: string,
  ) {
    super(reach);
    if (auditPeer === tenant) throw new Error('an audit peer is another tenant');
  }

  /** The session's envelope: what seals and opens under its credentials (audit reasons, records). */
  get keys(): Envelope {
    return this.keysOf();
  }
}

/**
 * The platform's own tables (control registry, region-wide sharing table) under the function's
 * own role. It refuses every tenant-scoped table: no sentinel tenant opens tenant data.
 */
export class PlatformDb extends ScopedDb {
  readonly platform = true;
}

/**
 * A page key as a string, for the next query. It is a position inside this process, never a
 * cursor: lists hand it out only sealed (shared/crypto/cursor-codec.ts), so a client can neither
 * read nor alter it. The partition check below is a second guard.
 */
function encodeCursor(key: Record<string, AttributeValue>): string {
  return Buffer.from(JSON.stringify(unmarshall(key))).toString('base64url');
}

function decodeCursor(cursor: string, pkName: string, partition: string): Record<string, AttributeValue> {
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>;
    if (typeof key !== 'object' || key === null || key[pkName] !== partition) throw new Error('cursor for another list');
    return marshall(key);
  } catch {
    throw badCursor();
  }
}
