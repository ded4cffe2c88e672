import { z } from 'zod';
import { kommunenummerSchema } from './identifiers';
import { unitSchema } from './platform';

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
export const retentionValueSchema = z.union([z.number().int().min(1).max(200), z.literal('permanent')]);
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
export const usernameSchema = z.string().regex(/^[a-z0-9][a-z0-9._-]{1,62}$/, 'Brukernavn: små bokstaver, tall, punktum, bindestrek (2–63 tegn)');

export const unitIdSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{1,63}$/, 'Enhets-id: små bokstaver, tall og bindestrek');

export const newUnitSchema = z.object({
  id: unitIdSchema.optional(),
  name: z.string().trim().min(2).max(120),
  kind: unitKindSchema,
});

/** AWS-style region name, e.g. eu-north-1. */
export const regionSchema = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'Region: f.eks. eu-north-1');

export const createTenantBodySchema = z.object({
  id: kommunenummerSchema,
  name: z.string().trim().min(2).max(100),
  region: regionSchema,
  admin: z.object({ id: usernameSchema, name: z.string().trim().min(2).max(200) }).optional(),
  units: z.array(newUnitSchema).max(200).default([]),
  settings: tenantSettingsSchema.partial().optional(),
});
export type CreateTenantBody = z.infer<typeof createTenantBodySchema>;

export const tenantPathSchema = z.object({ tenantId: kommunenummerSchema });

export const suspendTenantBodySchema = z.object({ reason: z.string().trim().min(3).max(500) });
export const resumeTenantBodySchema = z.object({ reason: z.string().trim().max(500).optional() }).default({});

/** Where the offboarding export goes: an absolute directory path locally, an s3:// URI in AWS. */
export const exportTargetSchema = z
  .string()
  .trim()
  .min(2)
  .max(1024)
  .refine((v) => v.startsWith('/') || /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/.test(v), {
    message: 'Oppgi en absolutt katalogsti eller en s3://bøtte/prefiks-URI',
  });
export const offboardTenantBodySchema = z.object({ target: exportTargetSchema });

const stepSchema = z.object({
  state: z.enum(['pending', 'done', 'failed']),
  at: z.string().optional(),
  error: z.string().optional(),
});
export type StepState = z.infer<typeof stepSchema>;

export const PROVISION_STEPS = ['registry', 'key', 'admin', 'activate'] as const;
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
  kmsDeletionDate: z.string().optional(),
});
export type KeyDeletion = z.infer<typeof keyDeletionSchema>;

export const exportFileSchema = z.object({ name: z.string(), records: z.number().int(), bytes: z.number().int(), sha256: z.string() });
export type ExportFile = z.infer<typeof exportFileSchema>;

export const tenantSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    region: z.string(),
    status: z.enum(TENANT_STATUSES),
    statusReason: z.string().optional(),
    keyRef: z.string().optional(),
    adminUserId: z.string().optional(),
    units: z.array(unitSchema.extend({ status: z.enum(['active', 'closed']).optional() })),
    settings: tenantSettingsSchema,
    provisioning: z
      .object({
        steps: z.record(z.string(), stepSchema),
        failedStep: z.string().optional(),
        /** The first tenant admin the provisioning creates. */
        admin: z.object({ id: z.string(), name: z.string() }).optional(),
      })
      .optional(),
    offboarding: z
      .object({
        target: z.string(),
        requestedAt: z.string(),
        requestedBy: z.string(),
        steps: z.record(z.string(), stepSchema),
        failedStep: z.string().optional(),
        export: z
          .object({
            location: z.string(),
            files: z.array(exportFileSchema),
            records: z.number().int(),
            /** Exported records by their `kind` (patient, journal-entry, ...). */
            byKind: z.record(z.string(), z.number().int()).optional(),
          })
          .optional(),
        countedRecords: z.number().int().optional(),
        countedByKind: z.record(z.string(), z.number().int()).optional(),
        keyDeletion: keyDeletionSchema.optional(),
      })
      .optional(),
    activatedAt: z.string().optional(),
    suspendedAt: z.string().optional(),
    suspendedBy: z.string().optional(),
    resumedAt: z.string().optional(),
    offboardedAt: z.string().optional(),
    createdAt: z.string().optional(),
    createdBy: z.string().optional(),
    changedAt: z.string().optional(),
    changedBy: z.string().optional(),
    version: z.number().int().optional(),
  })
  .meta({ id: 'Tenant' });
export type TenantView = z.infer<typeof tenantSchema>;

export const tenantListSchema = z.object({ items: z.array(tenantSchema) });

/** What create answers: the tenant and whether this call created it, resumed it or found it done. */
export const createTenantResultSchema = z.object({
  outcome: z.enum(['created', 'resumed', 'unchanged']),
  tenant: tenantSchema,
});
