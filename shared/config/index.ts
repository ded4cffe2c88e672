import { z } from 'zod';
import { ENV } from './env-names';

const configSchema = z.object({
  stage: z.string().min(1).default('local'),
  /** `aws` in Lambda; `local` under the local gateway and in tests. */
  runtime: z.enum(['aws', 'local']).default('local'),
  region: z.string().min(1).default('eu-north-1'),
  tables: z.object({
    journal: z.string().min(3),
    audit: z.string().min(3),
    control: z.string().min(3),
    sharing: z.string().min(3),
  }),
  oidc: z.object({
    issuer: z.string().url(),
    jwksUrl: z.string().url(),
    audience: z.string().min(1).optional(),
  }),
  keys: z.object({
    provider: z.enum(['kms', 'local']),
    keystoreDir: z.string().min(1).optional(),
    tenantKeyAliasPrefix: z.string().min(1).default('alias/fellesjournal/tenant/'),
    auditSigningKeyId: z.string().min(1).optional(),
    lookupKeyId: z.string().min(1).optional(),
  }),
  tenantRoleArn: z.string().min(1).optional(),
  sharing: z.object({
    /** How long emergency access (akuttilgang) lasts, in hours (at most a day). */
    emergencyAccessHours: z.coerce.number().positive().max(24).default(4),
  }),
  dynamoEndpoint: z.string().url().optional(),
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
    },
    tenantRoleArn: env[ENV.tenantRoleArn] || undefined,
    sharing: { emergencyAccessHours: env[ENV.emergencyAccessHours] || undefined },
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
