/**
 * The one set of table definitions. CDK (infra/) and the local bootstrap (local/) both build
 * tables from this list, so the two runtimes cannot drift apart.
 */
// @ts-nocheck

export type TableId = 'journal' | 'audit' | 'control' | 'sharing';

export interface IndexDefinition {
  name: string;
  partitionKey: string;
  sortKey: string;
}

export interface TableDefinition {
  id: TableId;
  /** Purpose, for reviewers and the README. */
  description: string;
  partitionKey: 'pk';
  sortKey: 'sk';
  indexes: IndexDefinition[];
  /** Attribute that holds an epoch-seconds expiry, where items may expire. */
  ttlAttribute?: string;
  /** Partition keys start with `T#<tenant>#`, so the tenant-scoped role's LeadingKeys condition applies. */
  tenantScoped: boolean;
  /** Append-only tables: the data plane may put new items, never update or delete. */
  appendOnly: boolean;
}

export const TABLES: readonly TableDefinition[] = [
  {
    id: 'journal',
    description: 'Patients, care relationships, journal entries and their versions, idempotency records.',
    partitionKey: 'pk',
    sortKey: 'sk',
    indexes: [
      { name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
      { name: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
    ],
    ttlAttribute: 'expiresAt',
    tenantScoped: true,
    appendOnly: false,
  },
  {
    id: 'audit',
    description: 'Hash-chained audit events and signed stream checkpoints. Append-only.',
    partitionKey: 'pk',
    sortKey: 'sk',
    indexes: [
      // gsi1: by actor (a clinician's activity); gsi2: by day (a tenant's events by time range);
      // gsi3: by citizen (the citizen's own access log).
      { name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
      { name: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
      { name: 'gsi3', partitionKey: 'gsi3pk', sortKey: 'gsi3sk' },
    ],
    tenantScoped: true,
    appendOnly: true,
  },
  {
    id: 'control',
    description: 'Tenant registry, users, units, vendor clients and grants (the control plane).',
    partitionKey: 'pk',
    sortKey: 'sk',
    indexes: [{ name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' }],
    tenantScoped: false,
    appendOnly: false,
  },
  {
    id: 'sharing',
    description: 'Region-wide document index for cross-municipality sharing, keyed by a keyed hash of the national id; blocks, consents, emergency grants, idempotency records.',
    partitionKey: 'pk',
    sortKey: 'sk',
    indexes: [{ name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' }],
    // Idempotency records (epoch seconds) expire; DynamoDB TTL ignores non-numbers, so an emergency
    // grant's expiresAt (an ISO time, kept as history) is never deleted by it.
    ttlAttribute: 'expiresAt',
    tenantScoped: false,
    appendOnly: false,
  },
];

/** Physical table name for a stage, e.g. `fj-local-journal`. */
export function tableName(stage: string, id: TableId): string {
  return `fj-${stage}-${id}`;
}
