// @ts-nocheck
import { lookupHasher } from '../crypto/lookup-hash';
import { platformDb } from '../db/sessions';
import type { Item, Page, TxWrite } from '../db/tenant-db';
import { controlKeys } from './control-keys';
import { userProfileSchema, type UserProfile } from './user-profile';

const control = platformDb;

/** The control-table item for a user: its key, its listing under the tenant (or the platform) and the profile. */
export function userItem(user: UserProfile, extra: Record<string, unknown> = {}): Item {
  const key = controlKeys.user(user.id);
  const listing = user.tenant ? controlKeys.userListing(user.tenant, user.id) : { gsi1pk: 'USERS#PLATFORM', gsi1sk: user.id };
  return { ...extra, ...key, ...listing, ...user };
}

/** The keyed hash a pid is indexed under (the region's lookup key; never the number in a key). */
export function pidKey(pid: string): Promise<string> {
  return lookupHasher().hash('user-pid', pid);
}

/** The key of the pid index item for `pid`. */
export async function pidIndexKey(pid: string): Promise<{ pk: string; sk: string }> {
  return controlKeys.userByPid(await pidKey(pid));
}

/** What the pid index holds: the user and their municipality (which never changes for a user). */
export interface PidIndexEntry {
  userId: string;
  tenant?: string;
}

/**
 * The write that claims `user.pid` for this user in the pid index: refused (ConditionFailedError)
 * when the pid already belongs to another user, so a pid is unique across the registry. Goes in
 * the same transaction as the user's own item. None when the user has no pid.
 */
export async function pidIndexWrite(user: UserProfile): Promise<TxWrite[]> {
  if (!user.pid) return [];
  const entry: PidIndexEntry = { userId: user.id, ...(user.tenant ? { tenant: user.tenant } : {}) };
  return [
    {
      kind: 'put',
      table: 'control',
      item: { ...(await pidIndexKey(user.pid)), ...entry },
      condition: { expression: 'attribute_not_exists(pk) OR #userId = :userId', names: { '#userId': 'userId' }, values: { ':userId': user.id } },
    },
  ];
}

/**
 * Pid index entries this container has read. An entry never changes once written (a pid is never
 * moved to another user, a user never moves to another municipality), so it may be kept; what the
 * user may do is still read from their user item on every request. Only found entries are kept,
 * so a pid added later is seen at once.
 */
const pidEntries = new Map<string, PidIndexEntry>();
const PID_CACHE_MAX = 10_000;

/** The user (and municipality) a pid is registered to, or undefined. */
export async function getPidIndexEntry(pid: string): Promise<PidIndexEntry | undefined> {
  const hash = await pidKey(pid);
  const cached = pidEntries.get(hash);
  if (cached) return cached;
  const key = controlKeys.userByPid(hash);
  const item = await control().get('control', key.pk, key.sk);
  if (typeof item?.userId !== 'string') return undefined;
  const entry: PidIndexEntry = { userId: item.userId, ...(typeof item.tenant === 'string' ? { tenant: item.tenant } : {}) };
  if (pidEntries.size >= PID_CACHE_MAX) pidEntries.clear();
  pidEntries.set(hash, entry);
  return entry;
}

/** Parses a stored user item; undefined when it is not a valid profile. */
export function parseUserItem(item: Item | undefined): UserProfile | undefined {
  if (!item) return undefined;
  const parsed = userProfileSchema.safeParse(item);
  return parsed.success ? parsed.data : undefined;
}

/** A user by login id, or undefined. */
export async function getUser(id: string): Promise<UserProfile | undefined> {
  return parseUserItem(await getUserItem(id));
}

/** The stored item of a user, with bookkeeping fields (version, created/changed by). */
export async function getUserItem(id: string): Promise<Item | undefined> {
  const key = controlKeys.user(id);
  return control().get('control', key.pk, key.sk);
}

/**
 * Stores a user and its pid index entry in one transaction; with `onlyIfNew` an existing user is
 * left as it is (returns false). A pid registered to another user is refused (ConditionFailedError, index 1).
 */
export async function putUser(user: UserProfile, onlyIfNew = false): Promise<boolean> {
  const writes: TxWrite[] = [
    { kind: 'put', table: 'control', item: userItem(user), ...(onlyIfNew ? { condition: { expression: 'attribute_not_exists(pk)' } } : {}) },
    ...(await pidIndexWrite(user)),
  ];
  try {
    await control().transact(writes);
    return true;
  } catch (error) {
    if (onlyIfNew && error instanceof Error && error.name === 'ConditionFailedError' && (error as { index?: number }).index === 0) return false;
    throw error;
  }
}

/** One page of a tenant's users, by login id. */
export async function listTenantUsers(tenant: string, limit: number, cursor?: string): Promise<Page<UserProfile>> {
  const page = await control().query({ table: 'control', index: 'gsi1', partition: controlKeys.userListing(tenant, 'x').gsi1pk, limit, cursor });
  const items = page.items.flatMap((i) => {
    const parsed = userProfileSchema.safeParse(i);
    return parsed.success ? [parsed.data] : [];
  });
  return { items, nextCursor: page.nextCursor };
}
