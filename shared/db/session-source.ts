import type { Caller } from '../auth/caller';
import { vendedCredentials, type VendWish } from '../auth/tenant-credentials';
import { ENV } from '../config/env-names';
import { SharingReadSession, TenantSession, type SessionCredentials } from './sessions';
import type { TenantDb } from './tenant-db';

/**
 * The sessions of one request, all bound to its verified caller: the caller's own municipality's
 * session (built once by the request wrapper, shared/http/handler.ts), and on demand a citizen's
 * session where they are a patient or a narrow sharing-read session of another municipality.
 * In AWS each is vended for the caller's token (shared/auth/tenant-credentials.ts); locally the
 * same objects confine the code by key checks.
 */
export interface RequestSessions {
  /** The request's own municipality, when the route acts in one. */
  readonly own?: TenantSession;
  /** A citizen's session in a municipality where they are a patient (the code decides which patient). */
  citizen(tenant: string): Promise<TenantSession>;
  /** A narrow session of another municipality: one shared document (or none) and its audit log. */
  sharingRead(origin: string, document?: string): Promise<SharingReadSession>;
  /**
   * The handle that appends this request's events to `tenant`'s log: the own session, a citizen
   * session already open there, or a sharing-read session (the last opened for it, else an
   * audit-only one). Never a full session of another municipality.
   */
  auditDb(tenant: string): Promise<TenantDb>;
}

/** Where the request's credentials come from. */
export interface RequestIdentity {
  caller: Caller;
  /** The Authorization header the caller sent (handed to the vending step, never logged). */
  authorization?: string;
  /** A vendor client's x-tenant header. */
  xTenant?: string;
  /**
   * Settles when the registry has admitted the caller, for a request that started before it
   * answered (shared/http/handler.ts): every session of the request holds its writes, seals and
   * opens until then, and fails them with the refusal.
   */
  admitted?: Promise<void>;
}

async function credentialsFor(identity: RequestIdentity, wish: VendWish): Promise<SessionCredentials> {
  const fn = process.env[ENV.vendingFunction] || undefined;
  // Without a vending function (local runtime, the admin and operator planes in AWS) a session
  // runs under the function's own credentials and the session's key checks confine it.
  if (!fn) return { kind: 'own' };
  if (!identity.authorization) throw new Error('a vended session needs the caller\'s token');
  const vended = await vendedCredentials(fn, identity.caller.sub, { authorization: identity.authorization, ...(identity.xTenant ? { xTenant: identity.xTenant } : {}), wish });
  return { kind: 'vended', ...vended };
}

/** Opens a request's sessions: the own municipality's at once (when given), the others on demand. */
export async function openRequestSessions(identity: RequestIdentity, ownTenant?: string): Promise<RequestSessions> {
  const own = ownTenant === undefined ? undefined : TenantSession.open(ownTenant, identity.caller.sub, await credentialsFor(identity, { kind: 'tenant', tenant: ownTenant }), identity.admitted);
  const citizens = new Map<string, Promise<TenantSession>>();
  const reads = new Map<string, Promise<SharingReadSession>>();
  const latestRead = new Map<string, Promise<SharingReadSession>>();
  const sessions: RequestSessions = {
    own,
    citizen(tenant) {
      let s = citizens.get(tenant);
      if (!s) {
        s = credentialsFor(identity, { kind: 'citizen', tenant }).then((c) => TenantSession.open(tenant, identity.caller.sub, c, identity.admitted));
        citizens.set(tenant, s);
      }
      return s;
    },
    sharingRead(origin, document) {
      const key = `${origin}/${document ?? ''}`;
      let s = reads.get(key);
      if (!s) {
        s = credentialsFor(identity, { kind: 'sharing-read', origin, ...(document ? { document } : {}) }).then((c) => SharingReadSession.open(origin, own?.tenant, document, c, identity.admitted));
        reads.set(key, s);
      }
      latestRead.set(origin, s);
      return s;
    },
    async auditDb(tenant) {
      if (own?.tenant === tenant) return own.db;
      const citizen = citizens.get(tenant);
      if (citizen) return (await citizen).db;
      return (await (latestRead.get(tenant) ?? sessions.sharingRead(tenant))).db;
    },
  };
  return sessions;
}

/**
 * Sessions for in-process callers that stand in for a request (the local seed, tests, the bench):
 * the same objects the request wrapper builds, without a token. Refused in AWS, where every
 * session of a request is vended for a verified caller.
 */
export function inProcessSessions(caller: Caller, ownTenant?: string): Promise<RequestSessions> {
  if (process.env[ENV.runtime] === 'aws') throw new Error('in-process sessions exist only in the local runtime');
  return openRequestSessions({ caller }, ownTenant);
}
