// @ts-nocheck
import type { Caller } from '../../shared/auth/caller';
import type { RequestSessions } from '../../shared/db/session-source';
import type { BlockTarget, MyBlockRequest, NamedBlockTarget } from '../../shared/contracts/sharing';
import { ValidationError } from '../../shared/errors';
import { listRegistryTenants, readTenantProfile } from '../../shared/tenancy/tenant-profile';
import { listTenantUsers } from '../../shared/tenancy/user-store';
import { actorRefOf } from '../core/actor-ref';
import { citizenLogPage } from './sharing-store';

/**
 * What a citizen names, turned into what a block covers, so that naming someone teaches the
 * citizen nothing about the municipality's staff:
 *
 * - From a row of the citizen's own access log. The row's `actorRef` is a handle keyed to this
 *   citizen; it resolves only to someone who has already acted on the citizen's record, whom the
 *   log shows anyway. An unknown handle is simply "no such row in your log".
 * - By name and municipality. The block is recorded as the citizen named it and holds for every
 *   person (or unit) of that municipality whose name matches when it is set — one, several, or
 *   nobody — and the answer, the block list and the audit event are the same in every case. A
 *   refusal for an unknown name would confirm or deny who works where, and a list of matches
 *   would be a staff directory; so nothing about the matches ever leaves the server. The price:
 *   a namesake in that municipality is blocked too, and someone who gets the name later is not
 *   (the log path is the precise one).
 */

export interface ResolvedTarget {
  target: BlockTarget | NamedBlockTarget;
  /** For a target by name: whom it matched, what the access decision reads. */
  matches?: BlockTarget[];
}

/** Names compare without case, accents composed alike, and runs of white space as one. */
export function normalName(name: string): string {
  return name.normalize('NFC').toLocaleLowerCase('nb').replace(/\s+/g, ' ').trim();
}

/** The citizen's request as a stored target; document targets are checked by the caller. */
export async function resolveMyTarget(caller: Caller, sessions: RequestSessions, nidKey: string, request: MyBlockRequest): Promise<ResolvedTarget> {
  switch (request.kind) {
    case 'document':
    case 'category':
    case 'all-sharing':
      return { target: request };
    case 'logged-person':
    case 'logged-unit':
      return { target: await fromLog(caller, sessions, nidKey, request) };
    case 'named-person':
    case 'named-unit': {
      const target: NamedBlockTarget = { kind: request.kind, tenant: request.tenant, name: request.name.replace(/\s+/g, ' ') };
      return { target, matches: await matchesOf(target) };
    }
  }
}

/** Rows of a municipality's log read at most when looking a handle up (200 a page). */
const MAX_LOG_PAGES = 25;
const LOG_STATUSES = new Set(['active', 'suspended', 'offboarding']);

type LoggedEvent = Record<string, unknown> & { eventId?: unknown; purposeOfUse?: unknown; actor?: Record<string, unknown> };

const notInLog = () => new ValidationError('Finner ikke denne raden i loggen din.', [{ field: 'body.actorRef', message: 'Ukjent rad i loggen' }]);

/** The person (or their unit in that row) behind a handle from the citizen's own log. */
async function fromLog(caller: Caller, sessions: RequestSessions, nidKey: string, request: Extract<MyBlockRequest, { kind: 'logged-person' | 'logged-unit' }>): Promise<BlockTarget> {
  const event = await findInLog(caller, sessions, nidKey, request.actorRef, request.kind === 'logged-unit' ? request.entryId : undefined);
  if (!event?.actor) throw notInLog();
  const { sub, tenant, unit, clientId } = event.actor;
  // A vendor system, an operator or the citizen themself is not a person or unit a block can name.
  if (typeof clientId === 'string' || typeof sub !== 'string' || typeof tenant !== 'string') {
    throw new ValidationError('Denne raden gjelder ikke helsepersonell i en kommune.', [{ field: 'body.actorRef', message: 'Kan ikke sperres' }]);
  }
  if (request.kind === 'logged-person') return { kind: 'person', userId: sub };
  if (typeof unit !== 'string') throw new ValidationError('Personen handlet ikke fra en enhet i denne raden.', [{ field: 'body.entryId', message: 'Ingen enhet' }]);
  return { kind: 'unit', tenant, unitId: unit };
}

/** The newest event of the citizen's log by the actor behind `actorRef` (and with `entryId`, that row). */
async function findInLog(caller: Caller, sessions: RequestSessions, nidKey: string, actorRef: string, entryId?: string): Promise<LoggedEvent | undefined> {
  const refs = new Map<string, Promise<string>>();
  const refOf = (actor: Record<string, unknown>) => {
    const key = `${String(actor.clientId)}\u0000${String(actor.sub)}`;
    let ref = refs.get(key);
    if (!ref) refs.set(key, (ref = actorRefOf(actor, caller.sub)));
    return ref;
  };
  const tenants = (await listRegistryTenants()).filter((t) => LOG_STATUSES.has(t.status));
  let newest: LoggedEvent | undefined;
  for (const { id: tenant } of tenants) {
    let cursor: string | undefined;
    for (let page = 0; page < MAX_LOG_PAGES; page++) {
      const { items, nextCursor } = await citizenLogPage((await sessions.citizen(tenant)).db, nidKey, cursor);
      const hit = await firstMatch(items as LoggedEvent[], async (e) => (entryId === undefined || e.eventId === entryId) && e.actor !== undefined && (await refOf(e.actor)) === actorRef);
      if (hit) {
        if (!newest || String(hit.gsi3sk) > String(newest.gsi3sk)) newest = hit;
        break;
      }
      if (!nextCursor) break;
      cursor = nextCursor;
    }
    if (newest && entryId !== undefined) break;
  }
  return newest;
}

async function firstMatch<T>(items: T[], test: (item: T) => Promise<boolean>): Promise<T | undefined> {
  for (const item of items) if (await test(item)) return item;
  return undefined;
}

/** Everyone (or every unit) of the municipality whose name matches; unknown municipalities are refused, being public. */
async function matchesOf(target: NamedBlockTarget): Promise<BlockTarget[]> {
  const profile = await readTenantProfile(target.tenant);
  if (!profile) throw new ValidationError('Ukjent kommune.', [{ field: 'body.tenant', message: 'Finner ingen kommune med dette nummeret' }]);
  const wanted = normalName(target.name);
  if (target.kind === 'named-unit') {
    return profile.units.filter((u) => normalName(u.name) === wanted).map((u) => ({ kind: 'unit', tenant: target.tenant, unitId: u.id }));
  }
  const out: BlockTarget[] = [];
  let cursor: string | undefined;
  do {
    const page = await listTenantUsers(target.tenant, 200, cursor);
    for (const u of page.items) if (u.tenant === target.tenant && normalName(u.name) === wanted) out.push({ kind: 'person', userId: u.id });
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}
