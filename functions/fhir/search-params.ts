import * as z from '../../shared/contracts/zod';
import { idSchema } from '../../shared/contracts/journal';

/**
 * FHIR search parameters as the routes validate them (400 OperationOutcome naming each). Token
 * parameters are `system|value`; paging is `_count` (1..100) and an opaque `_page` the server
 * wrote into the previous page's `next` link.
 */

const token = z.string().check(z.maxLength(200), z.regex(/^[^|]*\|?[^|]*$/, 'system|value'));
const count = z._default(z.coerce.number().check(z.int(), z.minimum(1, '_count: 1..100'), z.maximum(100, '_count: 1..100')), 20);
const page = z.optional(z.string().check(z.maxLength(2048)));

export const patientSearchQuerySchema = z
  .object({
    identifier: z.optional(token),
    name: z.optional(z.string().check(z.trim(), z.minLength(2, 'Minst to tegn'), z.maxLength(200))),
    birthdate: z.optional(z.iso.date({ message: 'Fødselsdato som ÅÅÅÅ-MM-DD' })),
    _count: count,
    _page: page,
  })
  .check(
    z.refine((q) => q.identifier !== undefined || (q.name !== undefined && q.birthdate !== undefined), {
      path: ['identifier'],
      message: 'Søk med identifier, eller med name og birthdate',
    }),
  );
export type PatientSearchQuery = z.output<typeof patientSearchQuerySchema>;

/** A date search value with its FHIR prefix: `ge2026-01-01`, `2026-03`. */
const dateParam = z.string().check(z.regex(/^(eq|ne|gt|lt|ge|le)?\d{4}(-\d{2}(-\d{2}(T[0-9:.+Z-]+)?)?)?$/, 'Dato: [ge|le|gt|lt|eq]ÅÅÅÅ[-MM[-DD]]'));

export const documentSearchQuerySchema = z
  .object({
    patient: z.optional(z.string().check(z.regex(/^(Patient\/)?[0-9a-f-]{36}$/, 'Patient/<id>'))),
    'patient.identifier': z.optional(token),
    status: z.optional(z.enum(['current', 'entered-in-error', 'superseded'])),
    type: z.optional(token),
    category: z.optional(token),
    date: z.optional(dateParam),
    'author.identifier': z.optional(token),
    setting: z.optional(token),
    _count: count,
    _page: page,
  })
  .check(
    z.refine((q) => q.patient !== undefined || q['patient.identifier'] !== undefined, {
      path: ['patient.identifier'],
      message: 'ITI-67 krever patient eller patient.identifier',
    }),
  );
export type DocumentSearchQuery = z.output<typeof documentSearchQuerySchema>;

/** `Patient/<id>` or `<id>`: the id, when it is one of ours. */
export function patientIdOf(reference: string): string | undefined {
  const id = reference.replace(/^Patient\//, '');
  return idSchema.safeParse(id).success ? id : undefined;
}

/** A token parameter's parts; a bare value has no system. */
export function splitToken(value: string): { system?: string; code: string } {
  const bar = value.indexOf('|');
  return bar === -1 ? { code: value } : { ...(bar > 0 ? { system: value.slice(0, bar) } : {}), code: value.slice(bar + 1) };
}

/**
 * Search over the patient's journal notes (the compartment search Patient/{id}/DocumentReference):
 * `type` is the journal's own filter; `status`, `docStatus`, `date` and `author` narrow the page
 * the journal returned. Paging is the journal's own (an opaque `_page` holds its sealed position).
 */
export const noteSearchQuerySchema = z.object({
  status: z.optional(z.enum(['current', 'entered-in-error'])),
  docStatus: z.optional(z.enum(['preliminary', 'final', 'amended', 'entered-in-error'])),
  type: z.optional(token),
  date: z.optional(dateParam),
  author: z.optional(z.string().check(z.regex(/^(Practitioner\/)?\d{6,9}$/, 'Practitioner/<HPR-nummer>'))),
  _count: count,
  _page: page,
});
export type NoteSearchQuery = z.output<typeof noteSearchQuerySchema>;

const patientRef = z.string().check(z.regex(/^(Patient\/)?[0-9a-f-]{36}$/, 'Patient/<id>'));

/**
 * Consent search: staff name the patient (`patient`, required for them); a citizen searches their
 * own blocks, with no patient or their own national id as `patient.identifier`.
 */
export const consentSearchQuerySchema = z.object({
  patient: z.optional(patientRef),
  'patient.identifier': z.optional(token),
  status: z.optional(z.enum(['active', 'inactive'])),
  _count: count,
  _page: page,
});
export type ConsentSearchQuery = z.output<typeof consentSearchQuerySchema>;

/**
 * AuditEvent search: by `patient` (that patient's log), by `agent` (a user's activity: their login
 * id), else the municipality's log in a time range; `date` with one prefix bounds the range.
 */
export const auditEventSearchQuerySchema = z.object({
  patient: z.optional(patientRef),
  agent: z.optional(z.string().check(z.regex(/^[a-z0-9][a-z0-9._-]{1,62}$/, 'Brukerens innloggings-id'))),
  date: z.optional(dateParam),
  _count: count,
  _page: page,
});
export type AuditEventSearchQuery = z.output<typeof auditEventSearchQuerySchema>;

/** Whether a token parameter (`system|code`, `|code`, `code`) names this code in this system. */
export function tokenMatches(param: string | undefined, system: string, code: string | undefined): boolean {
  if (param === undefined) return true;
  const t = splitToken(param);
  return (t.system === undefined || t.system === system) && t.code === code;
}

/** FHIR date search on an ISO timestamp, at the precision the value is given in. */
export function dateMatches(param: string | undefined, iso: string): boolean {
  if (param === undefined) return true;
  const m = /^(eq|ne|gt|lt|ge|le)?(.+)$/.exec(param)!;
  const value = m[2]!;
  const at = iso.slice(0, value.length);
  switch (m[1] ?? 'eq') {
    case 'eq':
      return at === value;
    case 'ne':
      return at !== value;
    case 'gt':
      return at > value;
    case 'lt':
      return at < value;
    case 'ge':
      return at >= value;
    default:
      return at <= value;
  }
}
