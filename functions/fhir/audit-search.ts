import { toFhirBundle } from '../audit/fhir-audit-event';
import { listPatientEvents, listTenantEvents, listUserEvents } from '../audit/audit-log-service';
import type { AuditRequest } from '../audit/audit-access';
import { patientIdOf, type AuditEventSearchQuery } from './search-params';

/** A FHIR date search value as the audit views' [from, to) range. */
export function rangeOf(date: string | undefined): { from?: string; to?: string } {
  if (date === undefined) return {};
  const m = /^(eq|ne|gt|lt|ge|le)?(.+)$/.exec(date)!;
  const value = m[2]!;
  const start = new Date(value.length === 4 ? `${value}-01-01` : value.length === 7 ? `${value}-01` : value);
  // The end of the value's own precision: a day, a month, a year, or the instant given.
  const end = new Date(start);
  if (value.length === 4) end.setUTCFullYear(end.getUTCFullYear() + 1);
  else if (value.length === 7) end.setUTCMonth(end.getUTCMonth() + 1);
  else if (value.length === 10) end.setUTCDate(end.getUTCDate() + 1);
  else end.setTime(end.getTime() + 1);
  switch (m[1] ?? 'eq') {
    case 'ge':
      return { from: start.toISOString() };
    case 'gt':
      return { from: end.toISOString() };
    case 'le':
      return { to: end.toISOString() };
    case 'lt':
      return { to: start.toISOString() };
    default:
      return { from: start.toISOString(), to: end.toISOString() };
  }
}

/**
 * AuditEvent search over the audit views of /v1 (BALP-shaped by functions/audit/fhir-audit-event):
 * `patient` is that patient's log (the auditor, or an `audit.read` vendor system), `agent` a user's
 * activity (the auditor, or a clinician their own), neither the municipality's log in a range
 * (the auditor). Who may see what is the audit service's rule; every view is itself audited.
 * `_page` carries the view's own sealed cursor.
 */
export async function searchAuditEvents(req: AuditRequest, q: AuditEventSearchQuery, base: string): Promise<Record<string, unknown>> {
  const paging = { limit: q._count, ...(q._page ? { cursor: q._page } : {}) };
  const range = rangeOf(q.date);
  const page =
    q.patient !== undefined
      ? await listPatientEvents(req, patientIdOf(q.patient)!, paging)
      : q.agent !== undefined
        ? await listUserEvents(req, q.agent, { ...range, ...paging })
        : await listTenantEvents(req, { ...range, ...paging });
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries({ patient: q.patient, agent: q.agent, date: q.date, _count: String(q._count) })) if (v !== undefined) params.set(k, v);
  const url = (cursor?: string) => {
    const p = new URLSearchParams(params);
    if (cursor) p.set('_page', cursor);
    return `${base}/AuditEvent?${p.toString()}`;
  };
  const bundle = toFhirBundle(page.items, { self: url(q._page), ...(page.nextCursor ? { next: url(page.nextCursor) } : {}) });
  return { ...bundle, entry: bundle.entry.map((e) => ({ ...e, fullUrl: `${base}/AuditEvent/${e.resource.id}` })) };
}
