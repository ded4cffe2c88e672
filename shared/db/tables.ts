/**
 * The one set of table definitions. CDK (infra/) and the local bootstrap (local/) both build
 * tables from this list, so the two runtimes cannot drift apart.
 */
export type TableId = 'journal' | 'audit' | 'control' | 'sharing';

export interface IndexDefinition {
  name: string;
  partitionKey: string;
  sortKey: string;
  /**
   * The non-key attributes copied into the index (projection INCLUDE; KEYS_ONLY when empty); every
   * attribute (ALL) when absent. Each index write costs its projected size, so an index holds what
   * its readers show and no more. The table's and the index's keys are always projected.
   */
  include?: readonly string[];
}

/**
 * What the auditor's views (functions/audit/event-view.ts toEventView) read of an event found by
 * user (gsi1) or by day (gsi2). Not the chain fields (stream, prevHash, hash): verify reads the
 * streams themselves, never an index.
 */
export const AUDIT_VIEW_ATTRIBUTES = [
  'eventId', 'seq', 'time', 'tenant', 'action', 'outcome', 'actor', 'requestId', 'patientId', 'recordId',
  'purposeOfUse', 'reasonCode', 'reasonSealed', 'flagged', 'flagReason', 'fromTenant', 'rule', 'details',
] as const;

/**
 * What the citizen's access log (functions/audit/citizen-log-service.ts) reads of an event found by
 * citizen (gsi3): never the sealed free-text reason, which the citizen is not shown.
 */
export const AUDIT_CITIZEN_ATTRIBUTES = ['eventId', 'time', 'tenant', 'action', 'outcome', 'actor', 'patientId', 'purposeOfUse', 'reasonCode', 'details'] as const;

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
  /** A change stream (new images) feeds the statistics aggregator (functions/stats). */
  stream?: 'NEW_IMAGE';
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
    stream: 'NEW_IMAGE',
  },
  {
    id: 'audit',
    description: 'Hash-chained audit events and signed stream checkpoints. Append-only.',
    partitionKey: 'pk',
    sortKey: 'sk',
    indexes: [
      // gsi1: by actor (a clinician's activity); gsi2: by day (a tenant's events by time range,
      // each day in shards: chain-format.ts dayIndexPartition); gsi3: by citizen (the citizen's own
      // access log). Each projects what its views read (test/unit/audit-index-projection.test.ts).
      { name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk', include: AUDIT_VIEW_ATTRIBUTES },
      { name: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk', include: AUDIT_VIEW_ATTRIBUTES },
      { name: 'gsi3', partitionKey: 'gsi3pk', sortKey: 'gsi3sk', include: AUDIT_CITIZEN_ATTRIBUTES },
    ],
    tenantScoped: true,
    appendOnly: true,
    stream: 'NEW_IMAGE',
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
