// @ts-nocheck
import * as z from '../contracts/zod';
import { ROLES } from '../auth/caller';

/** A person who can log in: municipality personnel, auditors, operators and citizens. */
export const userProfileSchema = z.object({
  /** Login name, unique across the platform; also the token subject. */
  id: z.string().check(z.regex(/^[a-z0-9][a-z0-9._-]{1,62}$/)),
  name: z.string().check(z.minLength(1), z.maxLength(200)),
  roles: z.array(z.enum(ROLES)).check(z.minLength(1)),
  /** Kommunenummer; absent for operators and citizens. */
  tenant: z.optional(z.string().check(z.regex(/^\d{4}$/))),
  unit: z.optional(z.string()),
  hpr: z.optional(z.string().check(z.regex(/^\d{6,9}$/))),
  profession: z.optional(z.string()),
  /** The person's national id; for citizens it links them to their own record. */
  pid: z.optional(z.string()),
  status: z._default(z.enum(['active', 'disabled']), 'active'),
});

export type UserProfile = z.infer<typeof userProfileSchema>;
