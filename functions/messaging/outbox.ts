import type { PartyRef } from '../../shared/contracts/messaging';
import type { TenantSession } from '../../shared/db/sessions';
import type { TxWrite } from '../../shared/db/tenant-db';
import { messageKeys } from './message-record';

/**
 * The messaging outbox: what the sending municipality still owes another side. An outbox item is
 * written in the same transaction as the message (or the read / answered status) it carries, so
 * nothing is sent that was not stored and nothing stored is forgotten; the delivery job
 * (./delivery.ts) works the items off with retries and removes each once the other side has
 * answered with a receipt (or finally failed). Items name no patient data: the content stays in
 * the sender's sealed copy, which the job opens when it delivers.
 */

export type OutboxWhat = 'message' | 'read' | 'answered';

export type OutboxItem = {
  pk: string;
  sk: string;
  itemType: 'message-outbox';
  what: OutboxWhat;
  threadId: string;
  messageId: string;
  /** Where it goes: a unit of another municipality, or an external party. */
  to: PartyRef;
  /** Who caused it, for the receiver's audit event. */
  sender: { sub: string; tenant: string };
  createdAt: string;
  attempts: number;
  /** Not tried again before this time (exponential back-off after a failed attempt). */
  nextAttemptAt: string;
  lastError?: string;
  /** Set when struck off (delivered or failed for good); the item expires a day later. */
  doneAt?: string;
  expiresAt?: number;
};

export interface OutboxInput {
  what: OutboxWhat;
  threadId: string;
  messageId: string;
  to: PartyRef;
  sender: { sub: string; tenant: string };
  createdAt: string;
}

/** The outbox item's write for the change's transaction. */
export async function outboxWrite(session: TenantSession, input: OutboxInput): Promise<TxWrite> {
  const item: OutboxItem = {
    pk: messageKeys.outboxPk(session.tenant),
    sk: messageKeys.outboxSk(input.createdAt, input.messageId, input.what),
    itemType: 'message-outbox',
    ...input,
    attempts: 0,
    nextAttemptAt: input.createdAt,
  };
  return { kind: 'put', table: 'journal', item, condition: { expression: 'attribute_not_exists(pk)' } };
}
