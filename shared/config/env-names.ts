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
  keystoreDir: 'FJ_KEYSTORE_DIR',
  tenantKeyAliasPrefix: 'FJ_TENANT_KEY_ALIAS_PREFIX',
  tenantRoleArn: 'FJ_TENANT_ROLE_ARN',
  auditSigningKeyId: 'FJ_AUDIT_SIGNING_KEY_ID',
  lookupKeyId: 'FJ_LOOKUP_KEY_ID',
  /** The KMS HMAC key the list cursors' AES key is derived from (shared/crypto/cursor-codec.ts). */
  cursorKeyId: 'FJ_CURSOR_KEY_ID',
  /** Hours an emergency access (akuttilgang) lasts; default 4. */
  emergencyAccessHours: 'FJ_EMERGENCY_ACCESS_HOURS',
  dynamoEndpoint: 'AWS_ENDPOINT_URL_DYNAMODB',
  region: 'AWS_REGION',
} as const;
