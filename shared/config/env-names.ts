/** Environment variable names, shared by infra (which sets them) and functions (which read them). */
export const ENV = {
  stage: 'FJ_STAGE',
  runtime: 'FJ_RUNTIME',
  tableJournal: 'FJ_TABLE_JOURNAL',
  tableAudit: 'FJ_TABLE_AUDIT',
  tableControl: 'FJ_TABLE_CONTROL',
  tableSharing: 'FJ_TABLE_SHARING',
  oidcIssuer: 'FJ_OIDC_ISSUER',
  oidcJwksUrl: 'FJ_OIDC_JWKS_URL',
  oidcAudience: 'FJ_OIDC_AUDIENCE',
  keyProvider: 'FJ_KEY_PROVIDER',
  /** In AWS with a DR region: where each new tenant key is replicated (shared/crypto/key-admin.ts). */
  keyReplicaRegion: 'FJ_KEY_REPLICA_REGION',
  keystoreDir: 'FJ_KEYSTORE_DIR',
  tenantKeyAliasPrefix: 'FJ_TENANT_KEY_ALIAS_PREFIX',
  tenantRoleArn: 'FJ_TENANT_ROLE_ARN',
  /**
   * The roles a new tenant key's policy names (shared/crypto/key-policy.ts), set for the control
   * plane that creates keys. Not FJ_TENANT_ROLE_ARN: the control plane never assumes that role.
   */
  /** The offboarding workflow (Step Functions state machine) the offboard route starts, in AWS. */
  offboardStateMachineArn: 'FJ_OFFBOARD_STATE_MACHINE_ARN',
  keyPolicyTenantRoleArn: 'FJ_KEY_POLICY_TENANT_ROLE_ARN',
  keyPolicyExportRoleArn: 'FJ_KEY_POLICY_EXPORT_ROLE_ARN',
  keyPolicyOffboardingRoleArn: 'FJ_KEY_POLICY_OFFBOARDING_ROLE_ARN',
  /** Comma-separated roles that may open single records (e.g. the sharing-read role); optional. */
  keyPolicyReaderRoleArns: 'FJ_KEY_POLICY_READER_ROLE_ARNS',
  /** The narrow sharing-read role (only the session vending function assumes it). */
  sharingReadRoleArn: 'FJ_SHARING_READ_ROLE_ARN',
  /** The session vending function the data plane asks for tenant sessions (infra/functions/session-vendor.ts). */
  vendingFunction: 'FJ_VENDING_FUNCTION',
  auditSigningKeyId: 'FJ_AUDIT_SIGNING_KEY_ID',
  lookupKeyId: 'FJ_LOOKUP_KEY_ID',
  /** The KMS HMAC key the list cursors' AES key is derived from (shared/crypto/cursor-codec.ts). */
  cursorKeyId: 'FJ_CURSOR_KEY_ID',
  /** Hours an emergency access (akuttilgang) lasts; default 4. */
  emergencyAccessHours: 'FJ_EMERGENCY_ACCESS_HOURS',
  /** The anchor store: an S3 bucket with Object Lock in AWS; locally a folder (default `<keystore>/anchors`). */
  anchorBucket: 'FJ_ANCHOR_BUCKET',
  anchorDir: 'FJ_ANCHOR_DIR',
  /** Compliance-mode retention of each anchor object, in days. */
  anchorRetentionDays: 'FJ_ANCHOR_RETENTION_DAYS',
  /** The asymmetric KMS key (ECC_NIST_P256) that signs tree heads; only the anchoring role may Sign. */
  anchorKeyId: 'FJ_ANCHOR_KEY_ID',
  /** Seconds between tree heads (the anchoring beat); verify allows at most two beats between them. */
  anchorBeatSeconds: 'FJ_ANCHOR_BEAT_SECONDS',
  /** `signed` (default): the data plane signs stream checkpoints; `off`: it holds no signing right (AWS), tree heads replace them. */
  auditCheckpoints: 'FJ_AUDIT_CHECKPOINTS',
  /** Index partitions per municipality-day of the audit day index; default 8, only ever raised (readers read every shard below it). */
  auditDayShards: 'FJ_AUDIT_DAY_SHARDS',
  /** The message exchange for external parties: locally the stand-in receiver's URL (local/message-exchange.ts). */
  messageExchangeUrl: 'FJ_MESSAGE_EXCHANGE_URL',
  /** In AWS: the SQS queue towards the national message exchange (functions/messaging/exchange.ts). */
  messageQueueUrl: 'FJ_MESSAGE_QUEUE_URL',
  /** In AWS: the SQS queue of messages and receipts from external parties (functions/messaging/sqs-exchange.ts). */
  messageInboundQueueUrl: 'FJ_MESSAGE_INBOUND_QUEUE_URL',
  dynamoEndpoint: 'AWS_ENDPOINT_URL_DYNAMODB',
  region: 'AWS_REGION',
} as const;

/** The variable that carries each table's name (shared/db/tables.ts ids): set for the functions by CDK, for the ops tool from the stack's outputs. */
export const TABLE_ENV = { journal: ENV.tableJournal, audit: ENV.tableAudit, control: ENV.tableControl, sharing: ENV.tableSharing } as const;
