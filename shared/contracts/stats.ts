import * as z from './zod';

/**
 * Statistics for quality improvement, management and research (functions/stats). Every figure is
 * a count of a month, by unit and/or a category; no figure names or singles out a person: cells
 * below the threshold are suppressed (null), with complementary suppression.
 */

/** What is counted. The unit and category each metric is broken down by are in METRIC_DIMENSIONS. */
export const STATS_METRICS = [
  'patients.served',
  'patients.new',
  'entries.created',
  'relationships.created',
  'documents.shared-out',
  'documents.shared-in',
  'emergency.granted',
  'emergency.reviewed',
  'blocks.set',
  'blocks.lifted',
  'consents.given',
  'consents.withdrawn',
] as const;
export type StatsMetric = (typeof STATS_METRICS)[number];

/** Per metric: whether it is counted per unit, and what its category is (entry type, reason, conclusion). */
export const METRIC_DIMENSIONS: Record<StatsMetric, { byUnit: boolean; category?: 'entryType' | 'reasonCode' | 'conclusion' }> = {
  'patients.served': { byUnit: true },
  'patients.new': { byUnit: false },
  'entries.created': { byUnit: true, category: 'entryType' },
  'relationships.created': { byUnit: true, category: 'reasonCode' },
  'documents.shared-out': { byUnit: false },
  'documents.shared-in': { byUnit: true },
  'emergency.granted': { byUnit: true },
  'emergency.reviewed': { byUnit: false, category: 'conclusion' },
  'blocks.set': { byUnit: false },
  'blocks.lifted': { byUnit: false },
  'consents.given': { byUnit: false },
  'consents.withdrawn': { byUnit: false },
};

/** The placeholder for "no unit" or "no category" in a cell key. */
export const NONE = '-';

export const monthSchema = z.string().check(z.regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'Måned: ÅÅÅÅ-MM'));

/** How many months one report may span. */
export const MAX_REPORT_MONTHS = 24;

/** The months from `from` to `to`, inclusive (`YYYY-MM`). */
export function monthsBetween(from: string, to: string): string[] {
  const out: string[] = [];
  let [y, m] = from.split('-').map(Number) as [number, number];
  const end = to;
  for (let i = 0; i <= MAX_REPORT_MONTHS * 10; i++) {
    const month = `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}`;
    if (month > end) break;
    out.push(month);
    m += 1;
    if (m > 12) {
      m = 1;
      y += 1;
    }
  }
  return out;
}

export const statsQuerySchema = z
  .object({ from: monthSchema, to: monthSchema })
  .check(
    z.refine((q) => q.from <= q.to, { message: 'from må være før eller lik to', path: ['from'] }),
    z.refine((q) => q.from > q.to || monthsBetween(q.from, q.to).length <= MAX_REPORT_MONTHS, { message: `Høyst ${MAX_REPORT_MONTHS} måneder`, path: ['to'] }),
  );
export type StatsQuery = z.infer<typeof statsQuerySchema>;

const count = z.nullable(z.int());

export const statsRowSchema = z.object({
  /** The unit's id, or `-` where the metric is not counted per unit. */
  unit: z.string(),
  /** The category (entry type, reason, conclusion), or `-`. */
  category: z.string(),
  /** One count per month of the report; null where suppressed. */
  cells: z.array(count),
  total: count,
});

export const statsTableSchema = z
  .object({
    metric: z.enum(STATS_METRICS),
    rows: z.array(statsRowSchema),
    /** Per month; null where suppressed. */
    columnTotals: z.array(count),
    grandTotal: count,
  })
  .register(z.globalRegistry, { id: 'StatsTable' });
export type StatsTable = z.infer<typeof statsTableSchema>;

export const statsReportSchema = z
  .object({
    /** `municipality`: one municipality (its leader's view); `national`: summed over every municipality of the region. */
    scope: z.enum(['municipality', 'national']),
    tenant: z.optional(z.string()),
    /** The municipality's units by id, for naming the rows (municipality scope). */
    units: z.optional(z.array(z.object({ id: z.string(), name: z.string() }))),
    months: z.array(monthSchema),
    /** Counts below this are never published. */
    threshold: z.int(),
    tables: z.array(statsTableSchema),
  })
  .register(z.globalRegistry, { id: 'StatsReport' });
export type StatsReport = z.infer<typeof statsReportSchema>;

// ---------------------------------------------------------------------------------------------
// Research extracts (functions/stats/research.ts)

/** What an extract may hold, per approved project; never a name, a national id or free text. */
export const RESEARCH_VARIABLES = ['birthYear', 'gender', 'entryType', 'unit', 'month'] as const;
export type ResearchVariable = (typeof RESEARCH_VARIABLES)[number];

export const researchProjectBodySchema = z
  .strictObject({
    /** The project's approval by the regional ethics committee (REK), e.g. `REK 2026/12345`. */
    rek: z.string().check(z.trim(), z.regex(/^REK\s?\d{4}\/\d{1,7}$/, 'REK-referanse: «REK ÅÅÅÅ/nummer»')),
    purpose: z.string().check(z.trim(), z.minLength(10), z.maxLength(1000)),
    from: monthSchema,
    to: monthSchema,
    variables: z.array(z.enum(RESEARCH_VARIABLES)).check(z.minLength(1), z.maxLength(RESEARCH_VARIABLES.length)),
  })
  .check(z.refine((b) => b.from <= b.to, { message: 'from må være før eller lik to', path: ['from'] }));
export type ResearchProjectBody = z.infer<typeof researchProjectBodySchema>;

export const researchProjectSchema = z
  .object({
    id: z.string(),
    rek: z.string(),
    purpose: z.string(),
    from: monthSchema,
    to: monthSchema,
    variables: z.array(z.enum(RESEARCH_VARIABLES)),
    approvedAt: z.string(),
    approvedBy: z.string(),
  })
  .register(z.globalRegistry, { id: 'ResearchProject' });
export type ResearchProject = z.infer<typeof researchProjectSchema>;

export const researchProjectPathSchema = z.object({ projectId: z.uuid() });

/** Patients per extract page at most: a page's disclosures are audited in one transaction. */
export const RESEARCH_PAGE_MAX = 20;

/** An extract is delivered in pages of patients; the cursor is opaque and bound to the project and caller. */
export const researchExtractQuerySchema = z.object({
  limit: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(RESEARCH_PAGE_MAX)), RESEARCH_PAGE_MAX),
  cursor: z.optional(z.string().check(z.maxLength(2048))),
});
export type ResearchExtractQuery = z.infer<typeof researchExtractQuerySchema>;

/**
 * One page of an extract: one row per journal entry of the period for the page's patients, with the
 * project's pseudonym of the patient and the approved variables. Every patient of the municipality
 * is on exactly one page of a walk from the first page to the last.
 */
export const researchExtractSchema = z
  .object({
    project: z.string(),
    rows: z.array(z.record(z.string(), z.union([z.string(), z.number()]))),
    /** Patients of this page left out because they have blocked research use of their record. */
    excludedByBlock: z.int(),
    /** Opaque; pass back as `cursor` for the next page. Absent on the last page. */
    nextCursor: z.optional(z.string()),
  })
  .register(z.globalRegistry, { id: 'ResearchExtract' });
export type ResearchExtract = z.infer<typeof researchExtractSchema>;
