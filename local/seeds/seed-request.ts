import type { Caller } from '../../shared/auth/caller';
import { inProcessSessions } from '../../shared/db/session-source';
import type { TenantRequest } from '../../functions/core/patient-access';
import { DEMO_USERS } from '../demo-data';

/** A demo user as the request wrapper would resolve them from the registry (seeds act as real users, audited). */
export function demoCaller(userId: string): Caller {
  const user = DEMO_USERS.find((u) => u.id === userId);
  if (!user) throw new Error(`seed: no demo user ${userId}`);
  return { sub: user.id, kind: 'person', roles: user.roles, scopes: [], name: user.name, hpr: user.hpr, profession: user.profession, tenant: user.tenant, unit: user.unit, pid: user.pid, expiresAt: 0 };
}

/** A request of a demo user in their municipality, with the sessions the request wrapper would open. */
export async function seedRequest(tenant: string, userId: string): Promise<TenantRequest> {
  const caller = demoCaller(userId);
  const sessions = await inProcessSessions(caller, tenant);
  return { tenant, session: sessions.own!, sessions, caller, requestId: 'seed' };
}
