// @ts-nocheck
import type * as z from 'zod/mini';
import type { meSchema } from '../../../shared/contracts/platform';
import { ApiError, request } from '../api/http';
import { decodeJwtPayload } from './oidc';

export type Me = z.infer<typeof meSchema>;
export type Role = Me['roles'][number];

export interface Session {
  token: string;
  /** Epoch milliseconds. */
  expiresAt: number;
  me: Me;
  idToken?: string;
}

/** Why the user is looking at the login page; shown there as a message. */
export type LogoutReason = 'expired' | 'logged-out' | 'unauthorized' | 'login-failed';

interface Snapshot {
  session: Session | null;
  reason: LogoutReason | null;
  /** Extra text for `login-failed`. */
  reasonDetail?: string;
}

// Only the token and its expiry are kept, in sessionStorage: gone with the tab, never in
// localStorage, and nothing about patients.
const STORAGE_KEY = 'fj.session';

let snapshot: Snapshot = { session: null, reason: null };
const listeners = new Set<() => void>();
let expiryTimer: ReturnType<typeof setTimeout> | undefined;

function emit(next: Snapshot): void {
  snapshot = next;
  for (const l of listeners) l();
}

export function subscribeSession(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function sessionSnapshot(): Snapshot {
  return snapshot;
}

/** Expiry from the token's `exp`, capped by `expires_in` when the issuer sent one. */
export function tokenExpiry(token: string, expiresIn?: number, now = Date.now()): number {
  const exp = decodeJwtPayload(token)?.exp;
  const fromToken = typeof exp === 'number' ? exp * 1000 : Number.POSITIVE_INFINITY;
  const fromResponse = expiresIn !== undefined ? now + expiresIn * 1000 : Number.POSITIVE_INFINITY;
  const expiresAt = Math.min(fromToken, fromResponse);
  return Number.isFinite(expiresAt) ? expiresAt : now + 5 * 60_000;
}

function armExpiry(expiresAt: number): void {
  clearTimeout(expiryTimer);
  expiryTimer = setTimeout(() => endSession('expired'), Math.max(0, expiresAt - Date.now()));
}

/** Starts a session from a fresh access token: asks the API who the token belongs to. */
export async function startSession(token: string, expiresIn?: number, idToken?: string): Promise<Session> {
  const expiresAt = tokenExpiry(token, expiresIn);
  if (expiresAt <= Date.now()) throw new ApiError(401, 'expired');
  const { data: me } = await request<Me>('/v1/me', { token });
  const session: Session = { token, expiresAt, me, ...(idToken ? { idToken } : {}) };
  sessionStorage.setItem(STORAGE_KEY, JSON.stringify({ token, expiresAt }));
  armExpiry(expiresAt);
  emit({ session, reason: null });
  return session;
}

/** Picks up the session of this tab after a reload, if its token is still valid. */
export async function restoreSession(): Promise<void> {
  const raw = sessionStorage.getItem(STORAGE_KEY);
  if (!raw) return;
  try {
    const stored = JSON.parse(raw) as { token?: unknown; expiresAt?: unknown };
    if (typeof stored.token !== 'string' || typeof stored.expiresAt !== 'number') throw new Error('bad');
    if (stored.expiresAt <= Date.now()) {
      endSession('expired');
      return;
    }
    await startSession(stored.token);
  } catch (error) {
    endSession(error instanceof ApiError && error.status === 401 ? 'expired' : null);
  }
}

/** Ends the session: forgets the token and tells the login page why. */
export function endSession(reason: LogoutReason | null, reasonDetail?: string): void {
  clearTimeout(expiryTimer);
  sessionStorage.removeItem(STORAGE_KEY);
  emit({ session: null, reason, ...(reasonDetail ? { reasonDetail } : {}) });
}

/** The current token, or an 'expired' error when its time is up (checked before every call). */
export function currentToken(): string {
  const s = snapshot.session;
  if (!s) throw new ApiError(401, 'expired');
  if (s.expiresAt <= Date.now()) {
    endSession('expired');
    throw new ApiError(401, 'expired');
  }
  return s.token;
}

export function hasRole(session: Session | null, ...roles: Role[]): boolean {
  return !!session && session.me.roles.some((r) => roles.includes(r));
}
