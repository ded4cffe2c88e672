// @ts-nocheck
import * as z from './zod';

/**
 * A string trimmed before it is checked, `min`..`max` characters long (classic zod's
 * `z.string().trim().min(min, minMessage).max(max)`). Chain `.check(...)` for more rules.
 */
export function trimmedString(min: number, max: number, minMessage?: string): z.ZodMiniString<string> {
  return z.string().check(z.trim(), z.minLength(min, minMessage), z.maxLength(max));
}

/** RFC 9457 problem details, as every error response is shaped; extension members may follow. */
export const problemSchema = z
  .looseObject({
    type: z.string(),
    title: z.string(),
    status: z.int(),
    detail: z.optional(z.string()),
    requestId: z.optional(z.string()),
    errors: z.optional(z.array(z.object({ field: z.string(), message: z.string() }))),
  })
  .register(z.globalRegistry, { id: 'Problem' });

export const tenantIdSchema = z.string().check(z.regex(/^\d{4}$/, 'Kommunenummer: fire sifre'));

export const paginationQuerySchema = z.object({
  limit: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(100)), 20),
  cursor: z.optional(z.string().check(z.maxLength(2048))),
});
