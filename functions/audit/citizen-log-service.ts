import type { RequestSessions } from '../../shared/db/session-source';
import type { Caller } from '../../shared/auth/caller';
import type { CitizenAccessEntry, CitizenActivity, CITIZEN_LOG_WHO } from '../../shared/contracts/audit';
import { nationalIdKey } from '../../shared/crypto/lookup-hash';
import { badCursor, cursors, openCursor, type CursorScope } from '../../shared/crypto/cursor-codec';
import { ForbiddenError, ValidationError } from '../../shared/errors';
import { TenantDirectory } from '../../shared/tenancy/tenant-profile';
import { recordAccess } from '../core/commit';
import { actEvent } from '../core/audit-event';
import { actorRefOf } from '../core/actor-ref';
import { listRegistryTenants } from '../../shared/tenancy/tenant-profile';
import { citizenEvents, type StoredEvent } from './audit-store';
import { fhirActionOf } from './fhir-audit-event';

/**
 * The citizen's own access log ("innsyn i logg", pjl § 18): every event about the caller's own
 * national id in every municipality of the registry, newest first. It shows who (name and role),
 * from which organisation, when and why (purpose of use and reason code) — never the free-text
 * reason, which health personnel write for the log review. Viewing the log is itself logged, in
 * each municipality whose log was shown.
 */

export interface CitizenLogPage {
  items: CitizenAccessEntry[];
  nextCursor?: string;
}

/** Tenants whose logs a citizen can read: the ones still holding data. */
const READABLE_STATUSES = new Set(['active', 'suspended', 'offboarding']);
const CONCURRENCY = 8;

interface Positions {
  /** tenant -> sort key of the last entry looked at ('' = none yet). Tenants absent are done. */
  p: Record<string, string>;
  /** The filter the positions were taken under: a cursor goes on only with the same filter. */
  f: string;
}

async function openPositions(caller: Caller, raw: string, filter: string): Promise<Positions> {
  const c = (await openCursor(citizenLogScope(caller), raw)) as Partial<Positions> | null;
  if (typeof c !== 'object' || c === null || typeof c.p !== 'object' || c.p === null) throw badCursor();
  // A cursor of another filter (or of the unfiltered log before filters existed) does not open.
  if (c.f !== filter) throw badCursor();
  for (const [t, sk] of Object.entries(c.p)) if (!/^\d{4}$/.test(t) || typeof sk !== 'string') throw badCursor();
  return { p: c.p, f: filter };
}

function citizenLogScope(caller: Caller): CursorScope {
  return { list: 'audit.citizen-access-log', sub: caller.sub };
}

async function inBatches<T, R>(items: T[], size: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += size) out.push(...(await Promise.all(items.slice(i, i + size).map(fn))));
  return out;
}

const ROLE_LABELS: Record<string, string> = {
  clinician: 'Helsepersonell',
  auditor: 'Logganalytiker',
  'tenant-admin': 'Administrator',
  citizen: 'Innbygger',
  operator: 'Driftspersonell',
  vendor: 'Leverandørsystem',
};

const PROFESSION_LABELS: Record<string, string> = {
  lege: 'Lege',
  sykepleier: 'Sykepleier',
  helsefagarbeider: 'Helsefagarbeider',
  fysioterapeut: 'Fysioterapeut',
  jordmor: 'Jordmor',
  helsesykepleier: 'Helsesykepleier',
};

function kindOf(e: StoredEvent): CitizenAccessEntry['kind'] {
  if (e.outcome === 'denied') return 'denied';
  if (/(^|\.)shar(e|ing)/.test(e.action)) return 'shared';
  const { action, interaction } = fhirActionOf(e.action);
  if (action === 'R') return 'read';
  if (action === 'C') return 'created';
  if (action === 'U' || action === 'D') return 'changed';
  if (interaction === 'search-type') return 'searched';
  return 'other';
}


/** The citizen's own use of their record: their own page views, their log, their blocks. */
function isOwn(e: StoredEvent, caller: Caller): boolean {
  return e.actor.sub === caller.sub || e.purposeOfUse === 'CITIZEN';
}

function activityOf(e: StoredEvent, own: boolean): CitizenActivity {
  if (own) {
    if (e.action.startsWith('sharing.block')) return 'own-block';
    if (e.action.startsWith('sharing.')) return 'own-documents';
    if (e.action === 'audit.read') return 'own-log';
    if (e.action.startsWith('message.')) return 'own-message';
    return 'own-record';
  }
  if (e.outcome === 'denied') return 'denied';
  if (e.action.includes('emergency-access')) return 'emergency-access';
  if (e.action === 'sharing.document.retrieve') return 'retrieved-shared';
  if (e.action === 'sharing.documents.list') return 'listed-shared';
  if (e.action === 'audit.read') return 'read-log';
  // Messages about the citizen (functions/messaging): who read, wrote, received or listed them.
  if (e.action === 'message.read') return 'read-message';
  if (e.action === 'message.send' || e.action === 'message.reply') return 'sent-message';
  if (e.action === 'message.receive') return 'received-message';
  if (e.action === 'message.list') return 'listed-messages';
  const { action, interaction } = fhirActionOf(e.action);
  if (e.action.startsWith('entry.')) {
    if (action === 'R') return 'read-note';
    if (action === 'C') return 'wrote-note';
    if (action === 'U' || action === 'D') return 'changed-note';
  }
  if (/^relationship\.(create|end)/.test(e.action)) return 'care-relationship';
  if (/\.(search|find|query)$/.test(e.action)) return 'searched';
  // Reading the record, its timeline or a list in it is opening the record.
  if (action === 'R' || interaction === 'search-type') return 'opened-record';
  return 'other';
}

/** The opaque handle of who acted, keyed per citizen (../core/actor-ref.ts). */
function actorRefOfEvent(e: StoredEvent, caller: Caller): Promise<string> {
  return actorRefOf(e.actor, caller.sub);
}

function displayNameOf(e: StoredEvent): string {
  const actor = e.actor;
  const clientId = typeof actor.clientId === 'string' ? actor.clientId : undefined;
  return typeof actor.name === 'string' ? actor.name : clientId ? `Fagsystem (${clientId})` : 'Ukjent';
}

/** A stored event as the citizen sees it in their access log. */
export async function toEntry(e: StoredEvent, dir: TenantDirectory, caller: Caller): Promise<CitizenAccessEntry> {
  const actor = e.actor;
  const roles = Array.isArray(actor.roles) ? actor.roles.map(String) : [];
  const profession = typeof actor.profession === 'string' ? actor.profession : undefined;
  const role = (profession && (PROFESSION_LABELS[profession] ?? profession)) || ROLE_LABELS[roles[0] ?? ''] || 'Ukjent rolle';
  const clientId = typeof actor.clientId === 'string' ? actor.clientId : undefined;
  const name = displayNameOf(e);
  const recordTenant = await dir.profile(e.tenant);
  let organisation: CitizenAccessEntry['organisation'];
  if (typeof actor.tenant === 'string') {
    const own = await dir.profile(actor.tenant);
    const unit = own?.units.find((u) => u.id === actor.unit)?.name;
    organisation = { tenantId: actor.tenant, name: own ? `${own.name} kommune` : `Kommune ${actor.tenant}`, ...(unit ? { unit } : {}) };
  } else if (roles.includes('citizen')) {
    organisation = { name: 'Deg selv (innbygger)' };
  } else if (roles.includes('operator')) {
    organisation = { name: 'Driftsselskapet' };
  } else if (clientId) {
    organisation = { name: `Leverandørsystem på vegne av ${recordTenant?.name ?? e.tenant} kommune`, tenantId: e.tenant };
  } else {
    organisation = { name: 'Ukjent' };
  }
  const own = isOwn(e, caller);
  const details = (typeof e.details === 'object' && e.details !== null ? e.details : {}) as Record<string, unknown>;
  const originTenant = typeof details.originTenant === 'string' ? details.originTenant : e.tenant;
  const sharedFrom = e.action === 'sharing.document.retrieve' ? { id: originTenant, name: (await dir.profile(originTenant))?.name ?? originTenant } : undefined;
  const purposeOfUse = typeof e.purposeOfUse === 'string' ? (e.purposeOfUse as CitizenAccessEntry['purposeOfUse']) : undefined;
  const reasonCode = typeof e.reasonCode === 'string' ? e.reasonCode : undefined;
  return {
    id: e.eventId,
    time: e.time,
    tenant: { id: e.tenant, name: recordTenant?.name ?? e.tenant },
    action: e.action,
    kind: kindOf(e),
    outcome: e.outcome as CitizenAccessEntry['outcome'],
    who: { name, role },
    organisation,
    purposeOfUse,
    reasonCode,
    emergencyAccess: purposeOfUse === 'BTG' || reasonCode === 'emergency-access',
    activity: activityOf(e, own),
    own,
    actorRef: await actorRefOfEvent(e, caller),
    ...(sharedFrom ? { sharedFrom } : {}),
  };
}

export interface CitizenLogQuery {
  limit: number;
  cursor?: string;
  who?: (typeof CITIZEN_LOG_WHO)[number];
  tenant?: string;
  actor?: string;
  from?: string;
  to?: string;
}

/** Rounds of reading per request while filters leave the page short (a cursor then goes on). */
const MAX_ROUNDS = 4;
const DAY_MS = 86_400_000;

/** The period as sort-key bounds (`<ISO time>#<event id>`), whole UTC days, `to` inclusive. */
function periodOf(query: CitizenLogQuery): { from?: string; to?: string } {
  if (query.from && query.to && query.to < query.from) {
    throw new ValidationError('Perioden er ugyldig: til-datoen er før fra-datoen.', [{ field: 'query.to', message: 'Før fra-datoen' }]);
  }
  return {
    ...(query.from ? { from: query.from } : {}),
    ...(query.to ? { to: new Date(Date.parse(`${query.to}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10) } : {}),
  };
}

/** The caller's own access log across every municipality, newest first, with an opaque cursor. */
export async function citizenAccessLog(caller: Caller, requestId: string, query: CitizenLogQuery, sessions: RequestSessions): Promise<CitizenLogPage> {
  if (!caller.pid || caller.kind !== 'person') throw new ForbiddenError('Innloggingen mangler fødselsnummer.');
  const who = query.who ?? 'others';
  const period = periodOf(query);
  const actorText = query.actor?.toLocaleLowerCase('nb');
  const filter = JSON.stringify([who, query.tenant ?? '', query.actor ?? '', query.from ?? '', query.to ?? '']);
  const key = await nationalIdKey(caller.pid);
  const positions: Record<string, string> = query.cursor
    ? (await openPositions(caller, query.cursor, filter)).p
    : Object.fromEntries(
        (await listRegistryTenants())
          .filter((t) => READABLE_STATUSES.has(t.status) && (!query.tenant || t.id === query.tenant))
          .map((t) => [t.id, '']),
      );
  const wanted = async (e: StoredEvent): Promise<boolean> => {
    const own = isOwn(e, caller);
    if ((who === 'others' && own) || (who === 'own' && !own)) return false;
    if (query.actor && actorText) {
      if (!displayNameOf(e).toLocaleLowerCase('nb').includes(actorText) && (await actorRefOfEvent(e, caller)) !== query.actor) return false;
    }
    return true;
  };
  const shown: { tenant: string; item: StoredEvent }[] = [];
  for (let round = 0; round < MAX_ROUNDS && shown.length < query.limit && Object.keys(positions).length > 0; round++) {
    const need = query.limit - shown.length;
    const tenants = Object.keys(positions).sort();
    const fetched = await inBatches(tenants, CONCURRENCY, async (tenant) => ({
      tenant,
      ...(await citizenEvents(await sessions.citizen(tenant), key, positions[tenant] || undefined, need, period)),
    }));
    // The newest `need` events across municipalities, filtered or not: positions move past both.
    const merged = fetched
      .flatMap((f) => f.items.map((item) => ({ tenant: f.tenant, item })))
      .sort((a, b) => (String(a.item.gsi3sk) < String(b.item.gsi3sk) ? 1 : -1))
      .slice(0, need);
    for (const f of fetched) {
      const taken = merged.filter((m) => m.tenant === f.tenant);
      const last = taken.at(-1);
      const remaining = f.more || taken.length < f.items.length;
      if (remaining) positions[f.tenant] = last ? String(last.item.gsi3sk) : (positions[f.tenant] ?? '');
      else delete positions[f.tenant];
    }
    for (const m of merged) if (await wanted(m.item)) shown.push(m);
  }
  const next = positions;
  // Fail closed: the view is recorded in every municipality whose log it shows before it is shown.
  const shownIn = [...new Set(shown.map((m) => m.tenant))];
  await recordAccess(
    shownIn.map((tenant) => {
      const first = shown.find((m) => m.tenant === tenant)?.item;
      return actEvent({ caller, requestId }, tenant, 'audit.read', 'CITIZEN', {
        patientId: typeof first?.patientId === 'string' ? first.patientId : undefined,
        citizenKey: key,
        reasonCode: 'own-access-log',
        details: { view: 'citizen-access-log', count: shown.filter((m) => m.tenant === tenant).length },
      });
    }),
    { sessions },
  );
  const dir = new TenantDirectory();
  return {
    items: await Promise.all(shown.map((m) => toEntry(m.item, dir, caller))),
    nextCursor: Object.keys(next).length > 0 ? await cursors().seal(citizenLogScope(caller), { p: next, f: filter } satisfies Positions) : undefined,
  };
}
