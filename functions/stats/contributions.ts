import { NONE, type StatsMetric } from '../../shared/contracts/stats';
import { tenantOfKey } from '../../shared/db/keys';

/**
 * What one change of the journal or the audit log adds to the statistics: pure, no I/O. The same
 * function serves the AWS stream handler (DynamoDB Streams) and the local runtime's stream feeder
 * (local/stream-feeder.ts), so both count alike.
 *
 * Only new items count (INSERT): a patient or an entry is counted in the month it was recorded;
 * audit events (care relationships, sharing, emergency access, blocks, consents) in the month
 * they happened. Nothing identifying leaves this
 * module except for the distinct-patient marker (`served`), which the store turns into a one-way
 * hash that expires with the month.
 */

/** One change as a stream delivers it, either runtime. */
export interface StatsChange {
  table: 'journal' | 'audit';
  /** The stream record's id: the same on redelivery, so a change is counted once. */
  eventId: string;
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
  newImage?: Record<string, unknown>;
}

/** +n on one cell of a month. */
export interface CellDelta {
  month: string;
  metric: StatsMetric;
  unit: string;
  category: string;
  n: number;
}

/** What the store does for one change, within the change's municipality. */
export interface StatsWork {
  tenant: string;
  eventId: string;
  /** Counted once per stream record. */
  cells: CellDelta[];
  /** A patient seen by a unit in a month: counted once per patient, unit and month. */
  served?: { month: string; unit: string; patientId: string };
  /** An auditor's review of a queue item: counted if the item is an emergency grant, first review only. */
  review?: { queueSk: string; conclusion: string };
}

const MONTH = /^(\d{4}-\d{2})-/;

function monthOf(time: unknown): string | undefined {
  return typeof time === 'string' ? MONTH.exec(time)?.[1] : undefined;
}

/** A unit id or category as a key part; anything unusable counts under "none". */
function dim(value: unknown): string {
  return typeof value === 'string' && /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(value) ? value : NONE;
}

function cell(month: string, metric: StatsMetric, unit: unknown = NONE, category: unknown = NONE): CellDelta {
  return { month, metric, unit: dim(unit), category: dim(category), n: 1 };
}

const AUDIT_COUNTS: Record<string, StatsMetric> = {
  'sharing.emergency-access.grant': 'emergency.granted',
  'sharing.block.create': 'blocks.set',
  'sharing.block.lift': 'blocks.lifted',
  'sharing.consent.give': 'consents.given',
  'sharing.consent.withdraw': 'consents.withdrawn',
};

function journalWork(tenant: string, eventId: string, item: Record<string, unknown>): StatsWork | undefined {
  const month = monthOf(item.createdAt);
  if (!month) return undefined;
  switch (item.itemType) {
    case 'patient':
      return { tenant, eventId, cells: [cell(month, 'patients.new')] };
    case 'entry': {
      const unit = dim(item.unit);
      const patientId = typeof item.patientId === 'string' ? item.patientId : undefined;
      return { tenant, eventId, cells: [cell(month, 'entries.created', unit, item.entryType)], ...(patientId ? { served: { month, unit, patientId } } : {}) };
    }
    default:
      return undefined;
  }
}

function auditWork(tenant: string, eventId: string, item: Record<string, unknown>): StatsWork | undefined {
  const pk = String(item.pk);
  // A review of a flagged event, written beside the review queue (functions/audit/audit-store.ts).
  if (pk.endsWith('#AUDIT#REVIEWS') && typeof item.queueSk === 'string' && typeof item.conclusion === 'string') {
    return { tenant, eventId, cells: [], review: { queueSk: item.queueSk, conclusion: item.conclusion } };
  }
  // Chained events only: they carry an action and a sequence number (heads, queue pointers do not).
  if (typeof item.action !== 'string' || typeof item.seq !== 'number' || item.outcome !== 'success') return undefined;
  const month = monthOf(item.time);
  if (!month) return undefined;
  const actor = item.actor as { unit?: unknown; tenant?: unknown } | undefined;
  const details = item.details as Record<string, unknown> | undefined;
  if (item.action === 'sharing.document.retrieve') {
    // Recorded in both logs: in the origin's with the requesting municipality (shared out), in the
    // requester's own with the origin named (shared in).
    if (typeof item.fromTenant === 'string' && item.fromTenant !== tenant) return { tenant, eventId, cells: [cell(month, 'documents.shared-out')] };
    if (typeof details?.originTenant === 'string' && details.originTenant !== tenant) return { tenant, eventId, cells: [cell(month, 'documents.shared-in', actor?.unit)] };
    return undefined;
  }
  if (item.action === 'relationship.create') {
    // From the audit event rather than the journal item: the event knows the unit that acted
    // (the relationship's own unit, or the clinician's), the item only its author.
    const unit = details?.subjectKind === 'unit' ? details.subject : actor?.unit;
    return { tenant, eventId, cells: [cell(month, 'relationships.created', unit, details?.reasonCode)] };
  }
  const metric = AUDIT_COUNTS[item.action];
  if (!metric) return undefined;
  return { tenant, eventId, cells: [cell(month, metric, metric === 'emergency.granted' ? actor?.unit : NONE)] };
}

/** Journal item types that can count (the journal stream's filter). */
export const COUNTED_JOURNAL_ITEMS = ['patient', 'entry'] as const;

/**
 * The event source mappings' filters (infra/constructs/stats-aggregator.ts) on a stream record as
 * it arrives, before its image is decoded: only new items, and of the journal only patients and
 * entries. In AWS Lambda applies them; the local feeder applies this, so it decodes only what the
 * aggregator would be handed.
 */
export function passesStreamFilter(table: StatsChange['table'], eventName: string | undefined, newImage: Record<string, { S?: string } | undefined> | undefined): boolean {
  if (eventName !== 'INSERT') return false;
  if (table === 'audit') return true;
  const type = newImage?.itemType?.S;
  return type !== undefined && (COUNTED_JOURNAL_ITEMS as readonly string[]).includes(type);
}

/** The statistics work of one change, or undefined when it counts for nothing. */
export function contributionOf(change: StatsChange): StatsWork | undefined {
  const item = change.newImage;
  if (change.eventName !== 'INSERT' || !item) return undefined;
  const tenant = tenantOfKey(String(item.pk));
  if (!tenant) return undefined;
  // The statistics' own items live in the journal table too; they never count.
  if (String(item.pk).startsWith(`T#${tenant}#STATS#`)) return undefined;
  return change.table === 'journal' ? journalWork(tenant, change.eventId, item) : auditWork(tenant, change.eventId, item);
}
