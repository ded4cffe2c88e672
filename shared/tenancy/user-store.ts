import { TenantDb } from '../db/tenant-db';
import { controlKeys } from './control-keys';
import { userProfileSchema, type UserProfile } from './user-profile';

// The control table is not tenant-scoped; the tenant given here only labels the access.
const control = () => new TenantDb('0000');

/** A user by login id, or undefined. */
export async function getUser(id: string): Promise<UserProfile | undefined> {
  const key = controlKeys.user(id);
  const item = await control().get('control', key.pk, key.sk);
  if (!item) return undefined;
  const parsed = userProfileSchema.safeParse(item);
  return parsed.success ? parsed.data : undefined;
}

/** Stores a user; with `onlyIfNew` an existing user is left as it is (returns false). */
export async function putUser(user: UserProfile, onlyIfNew = false): Promise<boolean> {
  const key = controlKeys.user(user.id);
  const listing = user.tenant ? controlKeys.userListing(user.tenant, user.id) : { gsi1pk: 'USERS#PLATFORM', gsi1sk: user.id };
  try {
    await control().put('control', { ...key, ...listing, ...user }, onlyIfNew ? { expression: 'attribute_not_exists(pk)' } : undefined);
    return true;
  } catch (error) {
    if (onlyIfNew && error instanceof Error && error.name === 'ConditionFailedError') return false;
    throw error;
  }
}
