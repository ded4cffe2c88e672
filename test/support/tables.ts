import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { inject } from 'vitest';
import { streamOf } from '../../functions/core/audit-chain';
import { journalKeys } from '../../functions/core/journal-keys';
import { TenantDb, type Item } from '../../shared/db/tenant-db';

/** A plain DynamoDB client on the run's DynamoDB Local, for what the stores would never do. Destroy it after use. */
export function localDynamoClient(): DynamoDBClient {
  return new DynamoDBClient({ endpoint: inject('dynamoEndpoint'), region: 'eu-north-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
}

/** The events of one audit stream (a patient's, or the tenant's own without `patientId`), oldest first. */
export async function auditEvents<T extends Item = Item>(tenant: string, patientId?: string): Promise<T[]> {
  return (await new TenantDb(tenant).query<T>({ table: 'audit', partition: streamOf(tenant, patientId), sortBeginsWith: 'E#', limit: 1000 })).items;
}

/** Every item of a patient's journal partition, straight from the table. */
export async function journalPartition(tenant: string, patientId: string): Promise<Item[]> {
  return (await new TenantDb(tenant).query({ table: 'journal', partition: journalKeys.patientPk(tenant, patientId), limit: 1000 })).items;
}
