// @ts-nocheck
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
