// @ts-nocheck
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { inject } from 'vitest';
import { eventSk, HEAD_SK, streamOf } from '../../functions/core/audit-chain';
import { shardOf, shardStreams } from '../../functions/core/chain-format';
import { journalKeys } from '../../functions/core/journal-record';
import type { Caller } from '../../shared/auth/caller';
import { inProcessSessions, type RequestSessions } from '../../shared/db/session-source';
import { jobSession, type TenantSession } from '../../shared/db/sessions';
import type { Item, TenantDb } from '../../shared/db/tenant-db';

/** A plain DynamoDB client on the run's DynamoDB Local, for what the stores would never do. Destroy it after use. */
export function localDynamoClient(): DynamoDBClient {
  return new DynamoDBClient({ endpoint: inject('dynamoEndpoint'), region: 'eu-north-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
}

/** A session of `tenant` for a test's own reads and writes (the seed job's, as a test stands in for one). */
export function tenantSession(tenant: string): TenantSession {
  return jobSession('seed', tenant);
}

/** The database handle of tenantSession(tenant). */
export function tenantDb(tenant: string): TenantDb {
  return tenantSession(tenant).db;
}

/** The sessions a request of `caller` (default: a clinician of `tenant`) gets from the request wrapper. */
export function requestSessions(tenant: string | undefined, caller?: Caller): Promise<RequestSessions> {
  return inProcessSessions(caller ?? { sub: `test.${tenant ?? 'citizen'}`, kind: 'person', roles: ['clinician'], scopes: [], ...(tenant ? { tenant } : {}), expiresAt: 0 }, tenant);
}

/** The events of each shard of one audit log (a patient's, or the tenant's own without `patientId`), each oldest first; empty shards left out. */
export async function auditShards<T extends Item = Item>(tenant: string, patientId?: string): Promise<Map<string, T[]>> {
  const db = tenantDb(tenant);
  const lists = await Promise.all(shardStreams(streamOf(tenant, patientId)).map(async (pk) => [pk, (await db.query<T>({ table: 'audit', partition: pk, sortBeginsWith: 'E#', limit: 1000 })).items] as const));
  return new Map(lists.filter(([, items]) => items.length > 0));
}

/**
 * The events of one audit log across its shards, oldest first: a log on one chain in chain order,
 * one spread over shards by time, then shard, then sequence number (the order the views show).
 */
export async function auditEvents<T extends Item = Item>(tenant: string, patientId?: string): Promise<T[]> {
  const shards = [...(await auditShards<T>(tenant, patientId)).values()];
  if (shards.length <= 1) return shards[0] ?? [];
  const key = (e: Item) => [String(e.time), shardOf(String(e.pk)).shard, Number(e.seq)] as const;
  return shards.flat().sort((a, b) => {
    const [ta, sa, qa] = key(a);
    const [tb, sb, qb] = key(b);
    return ta < tb ? -1 : ta > tb ? 1 : sa - sb || qa - qb;
  });
}

/**
 * Occupies the next sequence number of every shard of a log with an item that is not an event, so
 * every append to the log fails its condition (a contended log, for the 429 path).
 */
export async function blockAuditLog(tenant: string, patientId: string | undefined): Promise<void> {
  const db = tenantDb(tenant);
  for (const stream of shardStreams(streamOf(tenant, patientId))) {
    const head = await db.get<{ seq: number }>('audit', stream, HEAD_SK);
    await db.put('audit', { pk: stream, sk: eventSk((head?.seq ?? 0) + 1), blocker: true });
  }
}

/** Every item of a patient's journal partition, straight from the table. */
export async function journalPartition(tenant: string, patientId: string): Promise<Item[]> {
  return (await tenantDb(tenant).query({ table: 'journal', partition: journalKeys.patientPk(tenant, patientId), limit: 1000 })).items;
}
