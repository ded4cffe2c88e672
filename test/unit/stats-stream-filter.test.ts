import { describe, expect, it } from 'vitest';
import { contributionOf, passesStreamFilter } from '../../functions/stats/contributions';

/**
 * The local feeder decodes only the stream records the AWS event source mappings let through
 * (infra/constructs/stats-aggregator.ts): the filter must never drop a record that counts.
 */
describe('the statistics stream filter', () => {
  const entry = { pk: { S: 'T#0301#PATIENT#p1' }, sk: { S: 'ENTRY#e1' }, itemType: { S: 'entry' } };

  it('lets through new patients and entries of the journal and every new audit item', () => {
    expect(passesStreamFilter('journal', 'INSERT', entry)).toBe(true);
    expect(passesStreamFilter('journal', 'INSERT', { ...entry, itemType: { S: 'patient' } })).toBe(true);
    expect(passesStreamFilter('audit', 'INSERT', { pk: { S: 'T#0301#AUDIT#STREAM#p1' } })).toBe(true);
  });

  it('drops changes and removals, and journal items that never count', () => {
    expect(passesStreamFilter('journal', 'MODIFY', entry)).toBe(false);
    expect(passesStreamFilter('audit', 'REMOVE', undefined)).toBe(false);
    for (const type of ['idempotency', 'relationship', 'patient-access', 'version']) expect(passesStreamFilter('journal', 'INSERT', { ...entry, itemType: { S: type } }), type).toBe(false);
    expect(passesStreamFilter('journal', 'INSERT', { pk: entry.pk })).toBe(false);
  });

  it('drops nothing the aggregator would count: a journal item it counts always passes', () => {
    for (const itemType of ['patient', 'entry', 'idempotency', 'relationship', 'patient-access']) {
      const image = { pk: 'T#0301#PATIENT#p1', sk: 'X', itemType, createdAt: '2026-03-04T10:00:00Z', unit: '0301-lege-torshov', entryType: 'epikrise', patientId: 'p1' };
      const counted = contributionOf({ table: 'journal', eventId: 'e1', eventName: 'INSERT', newImage: image }) !== undefined;
      if (counted) expect(passesStreamFilter('journal', 'INSERT', { itemType: { S: itemType } }), itemType).toBe(true);
    }
  });
});
