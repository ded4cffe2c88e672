// @ts-nocheck
import { platformDb } from '../../shared/db/sessions';
import { sharedDocumentKey, tenantKey } from '../../shared/db/keys';
import type { Page, TenantDb, TxWrite } from '../../shared/db/tenant-db';
import { type BlockItem, type ConsentItem, type DocumentIndexItem, type EmergencyItem, sharingKeys } from '../core/sharing-record';

/**
 * DynamoDB access of the sharing service in the region-wide sharing table (its layout:
 * ../core/sharing-record.ts): the citizen's documents, blocks, consents and emergency grants.
 */

const table = 'sharing' as const;
const regionDb = platformDb;

export async function getDocument(tenant: string, entryId: string): Promise<DocumentIndexItem | undefined> {
  const item = await regionDb().get<DocumentIndexItem>(table, sharingKeys.documentPk(tenant, entryId), sharingKeys.documentSk);
  return item?.itemType === 'document' ? item : undefined;
}

/**
 * A document's index item read through a reader of that document (a sharing-read session of it, or
 * the origin's own session): the one item of another municipality such a session may read.
 */
export async function readDocument(db: TenantDb, origin: string, entryId: string): Promise<DocumentIndexItem | undefined> {
  const key = sharedDocumentKey(origin, entryId);
  const item = await db.get<DocumentIndexItem>(table, key.pk, key.sk);
  return item?.itemType === 'document' ? item : undefined;
}

/** Every indexed document of a citizen in the region, newest event first (bounded). */
export async function documentsOfCitizen(nidKey: string, max = 500): Promise<DocumentIndexItem[]> {
  const out: DocumentIndexItem[] = [];
  let cursor: string | undefined;
  do {
    const page = await regionDb().query<DocumentIndexItem>({ table, index: 'gsi1', partition: sharingKeys.documentsByCitizen(nidKey), newestFirst: true, limit: 200, cursor });
    out.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor && out.length < max);
  return out;
}

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
