import { platformDb } from '../../shared/db/sessions';
import { tenantKey } from '../../shared/db/keys';
import type { Page, TenantDb, TxWrite } from '../../shared/db/tenant-db';
import { ConflictError } from '../../shared/errors';
import type { GuardedWrite } from '../core/commit';
import { factItems, type CitizenFacts } from '../core/patient-access';
import { type BlockItem, citizenFactsWrite, type ConsentItem, type EmergencyItem, sharingKeys } from '../core/sharing-record';

/**
 * DynamoDB access of the sharing service in the region-wide sharing table (its layout:
 * ../core/sharing-record.ts, which also reads the document index): the citizen's blocks, consents
 * and emergency grants.
 */

const table = 'sharing' as const;
const regionDb = platformDb;

export async function getBlock(nidKey: string, blockId: string): Promise<BlockItem | undefined> {
  const item = await regionDb().get<BlockItem>(table, sharingKeys.citizenPk(nidKey), sharingKeys.blockSk(blockId));
  return item?.itemType === 'block' ? item : undefined;
}

export function blockPut(item: BlockItem): TxWrite {
  return { kind: 'put', table, item, condition: { expression: 'attribute_not_exists(pk)' } };
}

/** Lifting keeps the block (who set it, who lifted it, when): it is replaced only if still at the version read. */
export function blockReplace(item: BlockItem, expectedVersion: number): TxWrite {
  return { kind: 'put', table, item, condition: { expression: 'version = :v', values: { ':v': expectedVersion } } };
}

export function consentPut(item: ConsentItem, expectedVersion: number | undefined): TxWrite {
  return {
    kind: 'put',
    table,
    item,
    condition: expectedVersion === undefined ? { expression: 'attribute_not_exists(pk)' } : { expression: 'version = :v', values: { ':v': expectedVersion } },
  };
}

/**
 * The citizen's facts copy (../core/sharing-record.ts, CitizenFactsItem) with `changed` in place
 * of the item under its key (or added), for the change's own transaction: `facts` are what the
 * change was decided on, and the copy is put only if still at their `rev`, so the access decision,
 * which reads the copy, sees the change from the next request on and never misses one.
 */
export function factsCopyWrite(nidKey: string, facts: CitizenFacts, changed: BlockItem | ConsentItem | EmergencyItem, now: Date): GuardedWrite {
  const items = [...factItems(facts).filter((i) => i.sk !== changed.sk), changed];
  return { write: citizenFactsWrite(nidKey, items, facts.rev, now), onConditionFailed: () => new ConflictError('Sperringer, samtykker eller akuttilganger ble endret samtidig; prøv igjen.') };
}

export function emergencyPut(item: EmergencyItem): TxWrite {
  return { kind: 'put', table, item, condition: { expression: 'attribute_not_exists(pk)' } };
}

/**
 * One page of the events about a citizen in one municipality's audit log (its by-citizen index,
 * the citizen's own access log), newest first: how a row of that log names a person or unit.
 */
export function citizenLogPage(db: TenantDb, nidKey: string, cursor?: string): Promise<Page<Record<string, unknown>>> {
  const tenant = db.tenant;
  return db.query({ table: 'audit', index: 'gsi3', partition: tenantKey(tenant, 'AUDIT', 'CITIZEN', nidKey), newestFirst: true, limit: 200, cursor });
}
