import * as z from '../contracts/zod';
import { ENV } from './env-names';

const nonEmpty = () => z.string().check(z.minLength(1));
const tableName = () => z.string().check(z.minLength(3));

const configSchema = z.object({
  stage: z._default(nonEmpty(), 'local'),
  /** `aws` in Lambda; `local` under the local gateway and in tests. */
  runtime: z._default(z.enum(['aws', 'local']), 'local'),
  region: z._default(nonEmpty(), 'eu-north-1'),
  tables: z.object({
    journal: tableName(),
    audit: tableName(),
    control: tableName(),
    sharing: tableName(),
  }),
  oidc: z.object({
    issuer: z.url(),
    jwksUrl: z.url(),
    /** Required everywhere (local runtime too): a token for another API is refused. */
    audience: nonEmpty(),
  }),
  keys: z.object({
    provider: z.enum(['kms', 'local']),
    keystoreDir: z.optional(nonEmpty()),
    tenantKeyAliasPrefix: z._default(nonEmpty(), 'alias/fellesjournal/tenant/'),
    auditSigningKeyId: z.optional(nonEmpty()),
    lookupKeyId: z.optional(nonEmpty()),
    cursorKeyId: z.optional(nonEmpty()),
    /** The DR region where each new tenant key gets its multi-Region replica (AWS, config regions[].dr). */
    replicaRegion: z.optional(nonEmpty()),
    /** The roles a new tenant key's policy names; without them the control plane creates no key. */
    policyRoles: z.optional(
      z.object({
        tenantRoleArn: nonEmpty(),
        exportRoleArn: nonEmpty(),
        offboardingRoleArn: nonEmpty(),
        readerRoleArns: z.array(nonEmpty()),
      }),
    ),
  }),
  tenantRoleArn: z.optional(nonEmpty()),
  sharingReadRoleArn: z.optional(nonEmpty()),
  vendingFunction: z.optional(nonEmpty()),
  sharing: z.object({
    /** How long emergency access (akuttilgang) lasts, in hours (at most a day). */
    emergencyAccessHours: z._default(z.coerce.number().check(z.positive(), z.maximum(24)), 4),
  }),
  anchor: z.object({
    bucket: z.optional(nonEmpty()),
    dir: z.optional(nonEmpty()),
    keyId: z.optional(nonEmpty()),
    retentionDays: z._default(z.coerce.number().check(z.positive()), 3650),
    beatSeconds: z._default(z.coerce.number().check(z.positive()), 60),
  }),
  auditCheckpoints: z._default(z.enum(['signed', 'off']), 'signed'),
  /** Index partitions per municipality-day of the audit day index (chain-format.ts dayIndexPartition); only ever raised. */
  auditDayShards: z._default(z.coerce.number().check(z.positive(), z.maximum(32), z.multipleOf(1)), 8),
  dynamoEndpoint: z.optional(z.url()),
});

export type Config = z.infer<typeof configSchema>;

/** Builds the config from an environment; throws one readable error naming every bad variable. */
export function parseConfig(env: Record<string, string | undefined>): Config {
  const result = configSchema.safeParse({
    stage: env[ENV.stage] || undefined,
    runtime: env[ENV.runtime] || undefined,
    region: env[ENV.region] || undefined,
    tables: {
      journal: env[ENV.tableJournal],
      audit: env[ENV.tableAudit],
      control: env[ENV.tableControl],
      sharing: env[ENV.tableSharing],
    },
    oidc: {
      issuer: env[ENV.oidcIssuer],
      jwksUrl: env[ENV.oidcJwksUrl],
      audience: env[ENV.oidcAudience] || undefined,
    },
    keys: {
      provider: env[ENV.keyProvider],
      keystoreDir: env[ENV.keystoreDir] || undefined,
      tenantKeyAliasPrefix: env[ENV.tenantKeyAliasPrefix] || undefined,
      auditSigningKeyId: env[ENV.auditSigningKeyId] || undefined,
      lookupKeyId: env[ENV.lookupKeyId] || undefined,
      cursorKeyId: env[ENV.cursorKeyId] || undefined,
      replicaRegion: env[ENV.keyReplicaRegion] || undefined,
      policyRoles: env[ENV.keyPolicyTenantRoleArn]
        ? {
            tenantRoleArn: env[ENV.keyPolicyTenantRoleArn],
            exportRoleArn: env[ENV.keyPolicyExportRoleArn],
            offboardingRoleArn: env[ENV.keyPolicyOffboardingRoleArn],
            readerRoleArns: (env[ENV.keyPolicyReaderRoleArns] ?? '').split(',').filter((a) => a.length > 0),
          }
        : undefined,
    },
    tenantRoleArn: env[ENV.tenantRoleArn] || undefined,
    sharingReadRoleArn: env[ENV.sharingReadRoleArn] || undefined,
    vendingFunction: env[ENV.vendingFunction] || undefined,
    sharing: { emergencyAccessHours: env[ENV.emergencyAccessHours] || undefined },
    anchor: {
      bucket: env[ENV.anchorBucket] || undefined,
      dir: env[ENV.anchorDir] || undefined,
      keyId: env[ENV.anchorKeyId] || undefined,
      retentionDays: env[ENV.anchorRetentionDays] || undefined,
      beatSeconds: env[ENV.anchorBeatSeconds] || undefined,
    },
    auditCheckpoints: env[ENV.auditCheckpoints] || undefined,
    auditDayShards: env[ENV.auditDayShards] || undefined,
    dynamoEndpoint: env[ENV.dynamoEndpoint] || undefined,
  });
  if (!result.success) {
    const fields = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid configuration: ${fields}`);
  }
  if (result.data.keys.provider === 'local' && !result.data.keys.keystoreDir) {
    throw new Error(`Invalid configuration: ${ENV.keystoreDir} is required when ${ENV.keyProvider}=local`);
  }
  return result.data;
}

let cached: Config | undefined;

/** The process's config, read from the environment once. */
export function config(): Config {
  cached ??= parseConfig(process.env);
  return cached;
}

/** Forgets the cached config; the local runtime and tests set the environment before first use. */
export function resetConfigForTests(): void {
  cached = undefined;
}
