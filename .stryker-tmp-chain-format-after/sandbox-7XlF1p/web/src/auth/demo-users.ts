// @ts-nocheck
import { request } from '../api/http';
import { config } from '../config';
import type { Role } from './session';

/** A demo user as the local token issuer lists them (GET /local-auth/demo-users). */
export interface DemoUser {
  id: string;
  name: string;
  roles: Role[];
  tenant?: string;
  profession?: string;
}

let prefetched: Promise<DemoUser[]> | undefined;

export function fetchDemoUsers(signal?: AbortSignal): Promise<DemoUser[]> {
  return request<DemoUser[]>(`${config().auth.issuer}/demo-users`, { signal }).then((res) => res.data);
}

/** Starts loading the demo users while the rest of the app loads, so the login page is usable sooner. */
export function prefetchDemoUsers(): void {
  if (config().auth.mode !== 'local') return;
  prefetched = fetchDemoUsers();
  // Handled when the login page takes it; this only avoids an unhandled rejection before that.
  prefetched.catch(() => undefined);
}

/** The prefetched list, once. */
export function takePrefetchedDemoUsers(): Promise<DemoUser[]> | undefined {
  const p = prefetched;
  prefetched = undefined;
  return p;
}
