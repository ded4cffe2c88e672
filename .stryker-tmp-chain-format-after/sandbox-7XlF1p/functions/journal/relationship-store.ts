// @ts-nocheck
import type { TenantSession } from '../../shared/db/sessions';
import type { TxWrite } from '../../shared/db/tenant-db';
import { journalKeys, type RelationshipItem } from '../core/journal-record';

/** DynamoDB access for care relationships (stored in the patient's partition). */

export function relationshipPut(item: RelationshipItem): TxWrite {
  return { kind: 'put', table: 'journal', item, condition: { expression: 'attribute_not_exists(pk)' } };
}

/** Replaces a relationship only if it is still at the version the change was based on. */
export function relationshipReplace(item: RelationshipItem, expectedVersion: number): TxWrite {
  return { kind: 'put', table: 'journal', item, condition: { expression: 'version = :v', values: { ':v': expectedVersion } } };
}

export async function getRelationship(session: TenantSession, patientId: string, relationshipId: string): Promise<RelationshipItem | undefined> {
  return session.db.get<RelationshipItem>('journal', journalKeys.patientPk(session.tenant, patientId), journalKeys.relationshipSk(relationshipId));
}
