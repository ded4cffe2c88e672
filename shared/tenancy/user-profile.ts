import { z } from 'zod';
import { ROLES } from '../auth/caller';

/** A person who can log in: municipality personnel, auditors, operators and citizens. */
export const userProfileSchema = z.object({
  /** Login name, unique across the platform; also the token subject. */
  id: z.string().regex(/^[a-z0-9][a-z0-9._-]{1,62}$/),
  name: z.string().min(1).max(200),
  roles: z.array(z.enum(ROLES)).min(1),
  /** Kommunenummer; absent for operators and citizens. */
  tenant: z.string().regex(/^\d{4}$/).optional(),
  unit: z.string().optional(),
  hpr: z.string().regex(/^\d{6,9}$/).optional(),
  profession: z.string().optional(),
  /** The person's national id; for citizens it links them to their own record. */
  pid: z.string().optional(),
  status: z.enum(['active', 'disabled']).default('active'),
});

export type UserProfile = z.infer<typeof userProfileSchema>;
