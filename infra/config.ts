import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { DEFAULT_TENANT_PLANS, DEFAULT_VENDOR_PLAN, DEFAULT_WEB_PLAN } from '../shared/auth/usage-plans';

/** The one stage that may deploy without an alarm address (a developer's own account). */
export const LOCAL_STAGE = 'local';

const throttleSchema = z.object({
  /** Steady-state requests per second. */
  rateLimit: z.number().positive(),
  burstLimit: z.number().int().positive(),
});

const planSchema = throttleSchema.extend({
  quota: z.object({ limit: z.number().int().positive(), period: z.enum(['DAY', 'WEEK', 'MONTH']) }).optional(),
});

const regionSchema = z.object({
  /** AWS region, e.g. `eu-north-1`. One isolated stack is made per entry. */
  region: z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, 'AWS region name, e.g. eu-north-1'),
  /**
   * The region's public host name (web client and API on one origin). Needs `certificateArn`;
   * without both, the region is served on its CloudFront default domain.
   */
  domainName: z.string().regex(/^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/).optional(),
  /** ACM certificate for `domainName`; CloudFront only takes certificates from us-east-1. */
  certificateArn: z.string().regex(/^arn:aws:acm:us-east-1:\d{12}:certificate\/[0-9a-f-]{36}$/).optional(),
  /**
   * Disaster recovery in a second EU/EEA region (docs/operations/restore.md): AWS Backup copies the
   * tables' recovery points into `backupVaultArn`, and S3 replicates the export bucket into
   * `exportReplicaBucketArn` encrypted under `exportReplicaKeyArn`. All three live in `region`,
   * made there beforehand (the regional stacks share nothing).
   */
  dr: z
    .object({
      region: z.string().regex(/^eu-[a-z]+-\d$/, 'an EU/EEA AWS region, e.g. eu-west-1'),
      backupVaultArn: z.string().regex(/^arn:aws:backup:eu-[a-z]+-\d:\d{12}:backup-vault:[A-Za-z0-9_.-]{2,50}$/),
      exportReplicaBucketArn: z.string().regex(/^arn:aws:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/),
      exportReplicaKeyArn: z.string().regex(/^arn:aws:kms:eu-[a-z]+-\d:\d{12}:key\/[0-9a-f-]{36}$/),
      /** Days a copied recovery point is kept in the DR vault (default 365, as the monthly copies). */
      copyRetentionDays: z.number().int().min(7).max(3650).default(365),
    })
    .refine((d) => d.backupVaultArn.split(':')[3] === d.region && d.exportReplicaKeyArn.split(':')[3] === d.region, 'the DR vault and replica key must be in the DR region')
    .optional(),
});

const serviceFunctionSchema = z.object({
  memoryMb: z.number().int().min(128).max(10240).default(1024),
  timeoutSeconds: z.number().int().min(1).max(29).default(15),
  /** Reserved concurrency per function: a ceiling that protects DynamoDB and KMS and other functions. */
  reservedConcurrency: z.number().int().min(1).default(20),
});

export const infraConfigSchema = z
  .object({
    /** Short stage name; part of table names (`fj-<stage>-journal`). */
    stage: z.string().regex(/^[a-z][a-z0-9-]{1,15}$/),
    /** The AWS account every regional stack deploys to. */
    account: z.string().regex(/^\d{12}$/, '12-digit AWS account id'),
    regions: z.array(regionSchema).min(1),
    /** The OIDC issuer for personnel and vendor clients (HelseID in production). */
    oidc: z.object({
      issuer: z.url({ protocol: /^https$/ }),
      jwksUrl: z.url({ protocol: /^https$/ }),
      /** Required: synth fails without it, so no stage accepts a token issued for another API. */
      audience: z.string().min(1),
      /** The web client's OAuth2 client id at the issuer (public client, authorization code + PKCE). */
      webClientId: z.string().min(1),
      webScope: z.string().min(1).default('openid profile'),
    }),
    /** Powertools log level for every function. */
    logLevel: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR']).default('INFO'),
    /**
     * Every function and the API stage run with X-Ray active tracing either way (invocations, init,
     * API Gateway to Lambda). This adds a subsegment per DynamoDB/KMS/STS call through the Powertools
     * Tracer, which loads the X-Ray SDK in every cold start (about +35 ms of module init on the
     * bench machine, `npm run bench -- --only bundles`, row init.journal.aws-call-tracing) and hooks
     * every promise of the process; so it is off unless a stage asks for it (e.g. while tuning).
     */
    traceAwsCalls: z.boolean().default(false),
    /** CloudWatch namespace for the functions' own metrics. */
    metricsNamespace: z.string().min(1).default('Fellesjournal'),
    /** Retention of every log group; health-sector audit needs at least a year. */
    logRetentionDays: z.union([z.literal(365), z.literal(400), z.literal(545), z.literal(731), z.literal(1827), z.literal(2557), z.literal(3653)]).default(731),
    /** Signed tree heads (functions/anchor): Object Lock retention and the beat. */
    auditAnchor: z
      .object({
        /** Compliance-mode retention of each tree head; at least the audit log's own retention. */
        retentionDays: z.number().int().min(365).default(3653),
        beatMinutes: z.number().int().min(1).max(60).default(1),
      })
      .prefault({}),
    /**
     * Reserved concurrency is derived in docs/operations/capacity.md: each function's share of the
     * region's design load (the stage throttle) times its p95 duration, rounded up. Together about
     * 470 per region, within the default account quota of 1,000 (AWS keeps 100 unreserved); a new
     * account starts lower and needs the quota increase listed in the README before it can deploy.
     */
    functions: z
      .object({
        data: serviceFunctionSchema.default({ memoryMb: 1024, timeoutSeconds: 15, reservedConcurrency: 30 }),
        admin: serviceFunctionSchema.default({ memoryMb: 512, timeoutSeconds: 15, reservedConcurrency: 10 }),
        // Provisioning and key management: KMS CreateKey and API Gateway key creation are slow, rate-limited control-plane calls.
        operator: serviceFunctionSchema.default({ memoryMb: 512, timeoutSeconds: 29, reservedConcurrency: 2 }),
        authorizer: serviceFunctionSchema.default({ memoryMb: 512, timeoutSeconds: 5, reservedConcurrency: 60 }),
        /** Per-service overrides, by the route table's service name (or `session-vendor`). */
        services: z
          .record(z.string(), serviceFunctionSchema.partial())
          .default({
            journal: { reservedConcurrency: 180 },
            sharing: { reservedConcurrency: 60 },
            fhir: { reservedConcurrency: 50 },
            audit: { reservedConcurrency: 30 },
            platform: { reservedConcurrency: 15 },
            'session-vendor': { reservedConcurrency: 20 },
          }),
      })
      .prefault({}),
    api: z
      .object({
        /** Stage-wide throttle: the region's design load (docs/operations/capacity.md); usage plans narrow it per bucket. */
        throttle: throttleSchema.default({ rateLimit: 2500, burstLimit: 5000 }),
        /** Citizens and operators (callers in no municipality's bucket) share this plan's key. */
        webPlan: planSchema.default(DEFAULT_WEB_PLAN),
        /**
         * One usage plan per municipality size tier; each municipality's persons are metered under
         * the municipality's own key in its tier's plan (shared/auth/usage-plans.ts).
         */
        tenantPlans: z
          .object({ small: planSchema, medium: planSchema, large: planSchema, xlarge: planSchema })
          .default(DEFAULT_TENANT_PLANS),
        /** Plans vendor API keys are put in by the control plane, by name. */
        vendorPlans: z
          .record(z.string().regex(/^[a-z][a-z0-9-]{1,30}$/), planSchema)
          .refine((plans) => Object.keys(plans).length > 0, 'at least one vendor plan')
          .default({ standard: { ...DEFAULT_VENDOR_PLAN, quota: { limit: 200_000, period: 'DAY' } } }),
        /**
         * Requests per 5 minutes from one client address before WAF blocks it: the largest tier's
         * rate for 300 s with 25 % margin, since a whole municipality may sit behind one NAT address
         * and the usage plans, not WAF, are what throttle a municipality (docs/operations/capacity.md).
         */
        wafRateLimitPer5Min: z.number().int().min(100).default(150_000),
        /** Whether this stack owns the region's account-wide API Gateway CloudWatch role setting. */
        manageCloudWatchRole: z.boolean().default(true),
      })
      .prefault({}),
    /** Where alarms are mailed. Required for every stage but `local`: without it alarms reach nobody. */
    alarmEmail: z.email().optional(),
    /** Thresholds of the alarms that have no natural one (docs/operations/rollout.md). */
    alarms: z
      .object({
        apiP99LatencyMs: z.number().int().positive().default(3000),
        throttledPercent: z.number().positive().max(100).default(1),
        wafBlockedPer5Min: z.number().int().positive().default(500),
      })
      .prefault({}),
    /** How CodeDeploy moves the data functions' `live` alias to a new version (infra/constructs/rollout.ts). */
    rollout: z
      .object({
        deploymentConfig: z.enum(['Canary10Percent5Minutes', 'Canary10Percent10Minutes', 'Canary10Percent30Minutes', 'Linear10PercentEvery1Minute', 'AllAtOnce']).default('Canary10Percent5Minutes'),
      })
      .prefault({}),
    /** Extra origins the web client may fetch from (CSP connect-src), beyond itself and the issuer. */
    webConnectSrc: z.array(z.url({ protocol: /^https$/ })).default([]),
  })
  .superRefine((c, ctx) => {
    if (!c.alarmEmail && c.stage !== LOCAL_STAGE) {
      ctx.addIssue({ code: 'custom', path: ['alarmEmail'], message: `required for stage ${c.stage}: alarms would reach nobody (only stage "${LOCAL_STAGE}" may leave it out)` });
    }
    const seen = new Set<string>();
    c.regions.forEach((r, i) => {
      if (seen.has(r.region)) ctx.addIssue({ code: 'custom', path: ['regions', i, 'region'], message: `${r.region} is listed twice` });
      seen.add(r.region);
      if (r.dr && r.dr.region === r.region) ctx.addIssue({ code: 'custom', path: ['regions', i, 'dr', 'region'], message: 'the DR copies must be in another region' });
      if (!!r.domainName !== !!r.certificateArn) {
        ctx.addIssue({ code: 'custom', path: ['regions', i], message: 'domainName and certificateArn go together' });
      }
    });
  });

export type InfraConfig = z.infer<typeof infraConfigSchema>;
export type RegionConfig = InfraConfig['regions'][number];
export type FunctionSettings = z.infer<typeof serviceFunctionSchema>;

/** Validates a config object; throws one readable error naming every bad field. */
export function parseInfraConfig(raw: unknown, source = 'config'): InfraConfig {
  const result = infraConfigSchema.safeParse(raw);
  if (!result.success) {
    const fields = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new Error(`Invalid infrastructure ${source}: ${fields}`);
  }
  return result.data;
}

/** Reads and validates a JSON config file. */
export function loadInfraConfig(file: string): InfraConfig {
  const path = resolve(file);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`Cannot read infrastructure config ${path}: ${(error as Error).message}`);
  }
  return parseInfraConfig(raw, path);
}

/** Settings for one function: the plane's defaults with the service's overrides on top. */
export function functionSettings(config: InfraConfig, plane: 'data' | 'admin' | 'operator' | 'export' | 'anchor' | 'authorizer', service?: string): FunctionSettings {
  // The export function is an operator action: the operator plane's settings; anchoring on request
  // serves auditors like the data plane does.
  const base = config.functions[plane === 'export' ? 'operator' : plane === 'anchor' ? 'data' : plane];
  const override = service ? config.functions.services[service] : undefined;
  return { ...base, ...override };
}
