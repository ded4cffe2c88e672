import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { inject } from 'vitest';
import { streamOf } from '../../functions/core/audit-chain';
import { journalKeys } from '../../functions/core/journal-keys';
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

/** The events of one audit stream (a patient's, or the tenant's own without `patientId`), oldest first. */
export async function auditEvents<T extends Item = Item>(tenant: string, patientId?: string): Promise<T[]> {
  return (await tenantDb(tenant).query<T>({ table: 'audit', partition: streamOf(tenant, patientId), sortBeginsWith: 'E#', limit: 1000 })).items;
}

/** Every item of a patient's journal partition, straight from the table. */
export async function journalPartition(tenant: string, patientId: string): Promise<Item[]> {
  return (await tenantDb(tenant).query({ table: 'journal', partition: journalKeys.patientPk(tenant, patientId), limit: 1000 })).items;
}
