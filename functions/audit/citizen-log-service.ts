import type { Caller } from '../../shared/auth/caller';
import type { CitizenAccessEntry } from '../../shared/contracts/audit';
import { nationalIdKey } from '../../shared/crypto/lookup-hash';
import { badCursor, cursors, openCursor, type CursorScope } from '../../shared/crypto/cursor-codec';
import { ForbiddenError } from '../../shared/errors';
import { TenantDirectory } from '../../shared/tenancy/tenant-profile';
import { appendAudit } from '../core/audit-chain';
import { actorOf } from '../core/audit-event';
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
  /** tenant -> sort key of the last entry shown ('' = nothing shown yet). Tenants absent are done. */
  p: Record<string, string>;
}

async function openPositions(caller: Caller, raw: string): Promise<Positions> {
  const c = (await openCursor(citizenLogScope(caller), raw)) as Partial<Positions> | null;
  if (typeof c !== 'object' || c === null || typeof c.p !== 'object' || c.p === null) throw badCursor();
  for (const [t, sk] of Object.entries(c.p)) if (!/^\d{4}$/.test(t) || typeof sk !== 'string') throw badCursor();
  return { p: c.p };
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


async function toEntry(e: StoredEvent, dir: TenantDirectory): Promise<CitizenAccessEntry> {
  const actor = e.actor;
  const roles = Array.isArray(actor.roles) ? actor.roles.map(String) : [];
  const profession = typeof actor.profession === 'string' ? actor.profession : undefined;
  const role = (profession && (PROFESSION_LABELS[profession] ?? profession)) || ROLE_LABELS[roles[0] ?? ''] || 'Ukjent rolle';
  const clientId = typeof actor.clientId === 'string' ? actor.clientId : undefined;
  const name = typeof actor.name === 'string' ? actor.name : clientId ? `Fagsystem (${clientId})` : 'Ukjent';
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
  };
}

/** The caller's own access log across every municipality, newest first, with an opaque cursor. */
export async function citizenAccessLog(caller: Caller, requestId: string, query: { limit: number; cursor?: string }): Promise<CitizenLogPage> {
  if (!caller.pid || caller.kind !== 'person') throw new ForbiddenError('Innloggingen mangler fødselsnummer.');
  const key = await nationalIdKey(caller.pid);
  const positions: Record<string, string> = query.cursor
    ? (await openPositions(caller, query.cursor)).p
    : Object.fromEntries((await listRegistryTenants()).filter((t) => READABLE_STATUSES.has(t.status)).map((t) => [t.id, '']));
  const tenants = Object.keys(positions).sort();
  const fetched = await inBatches(tenants, CONCURRENCY, async (tenant) => ({
    tenant,
    ...(await citizenEvents(tenant, key, positions[tenant] || undefined, query.limit)),
  }));
  const merged = fetched
    .flatMap((f) => f.items.map((item) => ({ tenant: f.tenant, item })))
    .sort((a, b) => (String(a.item.gsi3sk) < String(b.item.gsi3sk) ? 1 : -1))
    .slice(0, query.limit);
  const next: Record<string, string> = {};
  for (const f of fetched) {
    const taken = merged.filter((m) => m.tenant === f.tenant);
    const last = taken.at(-1);
    const remaining = f.more || taken.length < f.items.length;
    if (remaining) next[f.tenant] = last ? String(last.item.gsi3sk) : (positions[f.tenant] ?? '');
  }
  // Fail closed: the view is recorded in every municipality whose log it shows before it is shown.
  const shownIn = [...new Set(merged.map((m) => m.tenant))];
  await Promise.all(
    shownIn.map((tenant) => {
      const first = merged.find((m) => m.tenant === tenant)?.item;
      return appendAudit([
        {
          tenant,
          action: 'audit.read',
          outcome: 'success',
          actor: actorOf(caller),
          requestId,
          patientId: typeof first?.patientId === 'string' ? first.patientId : undefined,
          citizenKey: key,
          purposeOfUse: 'CITIZEN',
          reasonCode: 'own-access-log',
          details: { view: 'citizen-access-log', count: merged.filter((m) => m.tenant === tenant).length },
        },
      ]);
    }),
  );
  const dir = new TenantDirectory();
  return {
    items: await Promise.all(merged.map((m) => toEntry(m.item, dir))),
    nextCursor: Object.keys(next).length > 0 ? await cursors().seal(citizenLogScope(caller), { p: next } satisfies Positions) : undefined,
  };
}
