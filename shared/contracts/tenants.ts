import * as z from './zod';
import { kommunenummerSchema, nationalIdSchema, orgNumberSchema } from './identifiers';
import { trimmedString } from './common';
import { unitSchema } from './platform';
import { TENANT_TIERS } from '../auth/usage-plans';

/** Kinds of units (enheter) a municipality runs. */
export const UNIT_KINDS = ['hjemmetjeneste', 'sykehjem', 'helsestasjon', 'legekontor', 'legevakt', 'fysioterapi', 'annet'] as const;
export const unitKindSchema = z.enum(UNIT_KINDS);

export const TENANT_STATUSES = ['provisioning', 'active', 'suspended', 'offboarding', 'offboarded'] as const;

/**
 * Record categories with their own retention. Riksarkivaren § 7-29 keeps helsestasjon, skolehelse,
 * tannhelse and rus/psykososial permanently; the rest at least 10 years (DOMAIN.md item 11).
 */
export const RECORD_CATEGORIES = ['journal', 'helsestasjon', 'skolehelse', 'tannhelse', 'rus-psykososial', 'audit-log'] as const;
export type RecordCategory = (typeof RECORD_CATEGORIES)[number];

/** Years to keep a category, or `permanent` (delivered to the archive depot from the export). */
export const retentionValueSchema = z.union([z.int().check(z.minimum(1), z.maximum(200)), z.literal('permanent')]);
export type RetentionValue = z.infer<typeof retentionValueSchema>;

export const DEFAULT_RETENTION: Record<RecordCategory, RetentionValue> = {
  journal: 10,
  helsestasjon: 'permanent',
  skolehelse: 'permanent',
  tannhelse: 'permanent',
  'rus-psykososial': 'permanent',
  'audit-log': 10,
};

export const tenantSettingsSchema = z.object({
  retention: z.partialRecord(z.enum(RECORD_CATEGORIES), retentionValueSchema),
});
export type TenantSettings = z.infer<typeof tenantSettingsSchema>;

/** A login name: lower-case letters, digits, dot, dash, underscore. */
export const usernameSchema = z.string().check(z.regex(/^[a-z0-9][a-z0-9._-]{1,62}$/, 'Brukernavn: små bokstaver, tall, punktum, bindestrek (2–63 tegn)'));

export const unitIdSchema = z.string().check(z.regex(/^[a-z0-9][a-z0-9-]{1,63}$/, 'Enhets-id: små bokstaver, tall og bindestrek'));

export const newUnitSchema = z.object({
  id: z.optional(unitIdSchema),
  name: trimmedString(2, 120),
  kind: unitKindSchema,
});

/** AWS-style region name, e.g. eu-north-1. */
export const regionSchema = z.string().check(z.regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'Region: f.eks. eu-north-1'));

export const createTenantBodySchema = z.object({
  id: kommunenummerSchema,
  name: trimmedString(2, 100),
  /**
   * The municipality's organisasjonsnummer (Enhetsregisteret): how HelseID names the organisation a
   * vendor system acts for (`orgnr_child` / `orgnr_parent`), mapped to the tenant by the registry.
   */
  orgnr: orgNumberSchema,
  /** Inhabitants: picks the municipality's throttling tier (shared/auth/usage-plans.ts); `medium` without it. */
  population: z.optional(z.int().check(z.minimum(1), z.maximum(2_000_000))),
  region: regionSchema,
  /** The first tenant admin; their pid (fødselsnummer) is how the registry knows them at login. */
  admin: z.optional(z.object({ id: usernameSchema, name: trimmedString(2, 200), pid: z.optional(nationalIdSchema) })),
  units: z._default(z.array(newUnitSchema).check(z.maxLength(200)), []),
  settings: z.optional(z.partial(tenantSettingsSchema)),
});
export type CreateTenantBody = z.infer<typeof createTenantBodySchema>;

export const tenantPathSchema = z.object({ tenantId: kommunenummerSchema });

export const suspendTenantBodySchema = z.object({ reason: trimmedString(3, 500) });
export const resumeTenantBodySchema = z._default(z.object({ reason: z.optional(z.string().check(z.trim(), z.maxLength(500))) }), {});

/** Where the offboarding export goes: an absolute directory path locally, an s3:// URI in AWS. */
export const exportTargetSchema = trimmedString(2, 1024).check(
  z.refine((v) => v.startsWith('/') || /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/.test(v), {
    message: 'Oppgi en absolutt katalogsti eller en s3://bøtte/prefiks-URI',
  }),
);
export const offboardTenantBodySchema = z.object({ target: exportTargetSchema });

const stepSchema = z.object({
  state: z.enum(['pending', 'done', 'failed']),
  at: z.optional(z.string()),
  error: z.optional(z.string()),
});
export type StepState = z.infer<typeof stepSchema>;

export const PROVISION_STEPS = ['registry', 'key', 'usage', 'admin', 'activate'] as const;
export type ProvisionStep = (typeof PROVISION_STEPS)[number];
export const OFFBOARD_STEPS = ['freeze', 'export', 'verify', 'key', 'finish'] as const;
export type OffboardStep = (typeof OFFBOARD_STEPS)[number];

export const keyDeletionSchema = z.object({
  keyRef: z.string(),
  requestedAt: z.string(),
  /** The date the retention period ends and the key may be destroyed. */
  deleteAfter: z.string(),
  /** `disabled-until-due`: out of use, destroyed when due; `pending-deletion`: KMS deletion window running. */
  state: z.enum(['disabled-until-due', 'pending-deletion', 'destroyed']),
  kmsDeletionDate: z.optional(z.string()),
});
export type KeyDeletion = z.infer<typeof keyDeletionSchema>;

export const exportFileSchema = z.object({ name: z.string(), records: z.int(), bytes: z.int(), sha256: z.string() });
export type ExportFile = z.infer<typeof exportFileSchema>;

/** A paged export in progress: one NDJSON part file per page, in order. */
export const exportRunSchema = z.object({
  location: z.string(),
  folder: z.string(),
  startedAt: z.string(),
  pages: z.int(),
  records: z.int(),
  byKind: z.record(z.string(), z.int()),
  files: z.array(exportFileSchema),
});
export type ExportRun = z.infer<typeof exportRunSchema>;

export const tenantSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    /** Organisasjonsnummer; absent only on tenants registered before it was asked for. */
    orgnr: z.optional(z.string()),
    population: z.optional(z.int()),
    /** Throttling tier: which usage plan the municipality's bucket is in. */
    tier: z.optional(z.enum(TENANT_TIERS)),
    /** The API key of the municipality's usage bucket (API Gateway id; `local:` locally). */
    usageKeyId: z.optional(z.string()),
    region: z.string(),
    status: z.enum(TENANT_STATUSES),
    statusReason: z.optional(z.string()),
    keyRef: z.optional(z.string()),
    adminUserId: z.optional(z.string()),
    units: z.array(z.extend(unitSchema, { status: z.optional(z.enum(['active', 'closed'])) })),
    settings: tenantSettingsSchema,
    provisioning: z.optional(
      z.object({
        steps: z.record(z.string(), stepSchema),
        failedStep: z.optional(z.string()),
        /** The first tenant admin the provisioning creates. */
        admin: z.optional(z.object({ id: z.string(), name: z.string() })),
      }),
    ),
    offboarding: z.optional(
      z.object({
        /** The offboarding job the operator follows (GET /ops/v1/offboarding-jobs/{jobId}). */
        jobId: z.optional(z.string()),
        target: z.string(),
        requestedAt: z.string(),
        requestedBy: z.string(),
        steps: z.record(z.string(), stepSchema),
        failedStep: z.optional(z.string()),
        export: z.optional(
          z.object({
            location: z.string(),
            files: z.array(exportFileSchema),
            records: z.int(),
            /** Exported records by their `kind` (patient, journal-entry, ...). */
            byKind: z.optional(z.record(z.string(), z.int())),
          }),
        ),
        /** An export under way: pages written so far (the cursor to resume from is kept internally). */
        exportRun: z.optional(exportRunSchema),
        countedRecords: z.optional(z.int()),
        countedByKind: z.optional(z.record(z.string(), z.int())),
        keyDeletion: z.optional(keyDeletionSchema),
      }),
    ),
    activatedAt: z.optional(z.string()),
    suspendedAt: z.optional(z.string()),
    suspendedBy: z.optional(z.string()),
    resumedAt: z.optional(z.string()),
    offboardedAt: z.optional(z.string()),
    createdAt: z.optional(z.string()),
    createdBy: z.optional(z.string()),
    changedAt: z.optional(z.string()),
    changedBy: z.optional(z.string()),
    version: z.optional(z.int()),
  })
  .register(z.globalRegistry, { id: 'Tenant' });
export type TenantView = z.infer<typeof tenantSchema>;

export const tenantListSchema = z.object({ items: z.array(tenantSchema) });

/** What create answers: the tenant and whether this call created it, resumed it or found it done. */
export const createTenantResultSchema = z.object({
  outcome: z.enum(['created', 'resumed', 'unchanged']),
  tenant: tenantSchema,
});

/** `4601-20261205T160000123Z-1a2b`: the municipality, when the offboarding was asked for, and a nonce. */
export const offboardJobIdSchema = z.string().check(z.regex(/^\d{4}-\d{8}T\d{9}Z-[0-9a-f]{4}$/, 'Ugyldig jobb-id'));
export const offboardJobPathSchema = z.object({ jobId: offboardJobIdSchema });

/** An offboarding job as the operator follows it (API, CLI, operator UI). */
export const offboardJobSchema = z
  .object({
    jobId: z.string(),
    tenant: z.string(),
    /** `running`: steps remain; `failed`: a step failed and waits for the offboarding to be asked for again; `succeeded`: offboarded. */
    state: z.enum(['running', 'failed', 'succeeded']),
    /** The step that runs next (or failed); absent once succeeded. */
    step: z.optional(z.string()),
    steps: z.record(z.string(), stepSchema),
    error: z.optional(z.string()),
    target: z.string(),
    requestedAt: z.string(),
    requestedBy: z.string(),
    /** Export progress: pages and records written so far, and where. */
    export: z.optional(z.object({ location: z.string(), pages: z.int(), records: z.int(), done: z.boolean() })),
    countedRecords: z.optional(z.int()),
    keyDeletion: z.optional(keyDeletionSchema),
  })
  .register(z.globalRegistry, { id: 'OffboardJob' });
export type OffboardJob = z.infer<typeof offboardJobSchema>;
