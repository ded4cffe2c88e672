// @ts-nocheck
import type { TenantSession } from '../../shared/db/sessions';
import type { Condition, TxWrite } from '../../shared/db/tenant-db';
import { type EntryItem, type EntryVersionItem, journalKeys } from '../core/journal-record';

/** DynamoDB access for journal entries: the current version (head) and the immutable versions. */

/**
 * The writes of one new version: the head replaced only if it is still at `expectedVersion`
 * (or absent, for a new entry), and the version item put only if that version number is free.
 * Two writers from the same version can therefore never both succeed: no lost update, no gap.
 */
export function entryVersionWrites(head: EntryItem, version: EntryVersionItem, expectedVersion: number | undefined): TxWrite[] {
  const headCondition: Condition =
    expectedVersion === undefined ? { expression: 'attribute_not_exists(pk)' } : { expression: 'version = :v', values: { ':v': expectedVersion } };
  return [
    { kind: 'put', table: 'journal', item: head, condition: headCondition },
    { kind: 'put', table: 'journal', item: version, condition: { expression: 'attribute_not_exists(pk)' } },
  ];
}

/** A page of an entry's versions, oldest first. */
export async function listEntryVersions(session: TenantSession, patientId: string, entryId: string, limit: number, cursor?: string) {
  return session.db.query<EntryVersionItem>({
    table: 'journal',
    partition: journalKeys.patientPk(session.tenant, patientId),
    sortBeginsWith: journalKeys.entryVersionPrefix(entryId),
    consistent: true,
    limit,
    cursor,
  });
}

export interface TimelineFilter {
  type?: string;
  unit?: string;
  /** Leave drafts out (the citizen's view: unsigned work is not yet part of the record). */
  excludeDrafts?: boolean;
}

/**
 * A page of the patient's timeline, newest event first. Type and unit are filters, which DynamoDB
 * applies after `Limit`; so pages are filled by reading on (a bounded number of rounds) and the
 * cursor always points just after the last item read.
 */
export async function timelinePage(session: TenantSession, patientId: string, filter: TimelineFilter, limit: number, cursor?: string): Promise<{ items: EntryItem[]; nextCursor?: string }> {
  const db = session.db;
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const parts: string[] = [];
  if (filter.type) {
    names['#et'] = 'entryType';
    values[':et'] = filter.type;
    parts.push('#et = :et');
  }
  if (filter.unit) {
    names['#u'] = 'unit';
    values[':u'] = filter.unit;
    parts.push('#u = :u');
  }
  if (filter.excludeDrafts) {
    names['#st'] = 'status';
    values[':draft'] = 'draft';
    parts.push('#st <> :draft');
  }
  const condition = parts.length ? { expression: parts.join(' AND '), names, values } : undefined;
  const items: EntryItem[] = [];
  let next = cursor;
  for (let round = 0; round < 10; round++) {
    const page = await db.query<EntryItem>({
      table: 'journal',
      index: 'gsi1',
      partition: journalKeys.timelinePk(session.tenant, patientId),
      newestFirst: true,
      limit: limit - items.length,
      cursor: next,
      filter: condition,
    });
    items.push(...page.items);
    next = page.nextCursor;
    if (!next || items.length >= limit) break;
  }
  return { items, nextCursor: next };
}
