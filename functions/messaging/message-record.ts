import type { DeliveryState, MessageHead, MessageKind, Party, PartyRef } from '../../shared/contracts/messaging';
import { tenantKey } from '../../shared/db/keys';
import type { TenantSession } from '../../shared/db/sessions';
import type { TxWrite } from '../../shared/db/tenant-db';

/**
 * The messaging record model: stored items, their keys in the municipality's journal table (every
 * partition starts with `T#<tenant>#`, so the tenant-scoped role's LeadingKeys rule covers them),
 * and the sealing of a message's content under the municipality's key, with the same envelope and
 * encryption-context rules as journal entries.
 *
 * | item | pk | sk | indexes |
 * |---|---|---|---|
 * | communication party | `MSGPARTY` | `<herId>` | |
 * | message copy | `THREAD#<threadId>` | `MSG#<messageId>#<IN or OUT>` | gsi1: `MSGBOX#<unit>#<IN or OUT>` / `<sentAt>#<messageId>` (a unit's inbox and sent box); gsi2: `PATIENT#<id>#MSG` / `<sentAt>#<messageId>#<dir>` (per person) |
 * | outbox item | `MSGOUTBOX` | `<createdAt>#<messageId>#<what>` | |
 *
 * A message has one copy per municipality-side holder: the sending unit's `OUT` copy and the
 * receiving unit's `IN` copy (in the receiver's own municipality, sealed under its own key). A
 * thread's copies share one partition, so a thread is one query.
 */

export type Direction = 'in' | 'out';

export type PartyItem = Party & { pk: string; sk: string; itemType: 'message-party' };

export interface StatusChange {
  status: DeliveryState;
  at: string;
  reason?: string;
}

export type MessageItem = {
  pk: string;
  sk: string;
  itemType: 'message';
  messageId: string;
  threadId: string;
  direction: Direction;
  kind: MessageKind;
  from: PartyRef;
  to: PartyRef;
  /** The unit holding this copy (its inbox, or its sent box). */
  unit: string;
  patientId: string;
  nidKey: string;
  sentAt: string;
  status: DeliveryState;
  statusHistory: StatusChange[];
  author?: { sub: string; name?: string };
  /** The message this one answers. */
  inReplyTo?: string;
  journalEntryId?: string;
  /** Envelope-encrypted MessageSealed. */
  sealed: Uint8Array;
  gsi1pk: string;
  gsi1sk: string;
  gsi2pk: string;
  gsi2sk: string;
};

/** What a message's copy holds sealed: everything that describes the patient or the care. */
export type MessageSealed = {
  subject: string;
  text: string;
  attachments: { entryId: string; title?: string }[];
};

const DIR = { in: 'IN', out: 'OUT' } as const;

export const messageKeys = {
  partyPk: (tenant: string) => tenantKey(tenant, 'MSGPARTY'),
  threadPk: (tenant: string, threadId: string) => tenantKey(tenant, 'THREAD', threadId),
  copySk: (messageId: string, direction: Direction) => `MSG#${messageId}#${DIR[direction]}`,
  boxPk: (tenant: string, unit: string, direction: Direction) => tenantKey(tenant, 'MSGBOX', unit, DIR[direction]),
  boxSk: (sentAt: string, messageId: string) => `${sentAt}#${messageId}`,
  patientPk: (tenant: string, patientId: string) => tenantKey(tenant, 'PATIENT', patientId, 'MSG'),
  patientSk: (sentAt: string, messageId: string, direction: Direction) => `${sentAt}#${messageId}#${DIR[direction]}`,
  outboxPk: (tenant: string) => tenantKey(tenant, 'MSGOUTBOX'),
  outboxSk: (createdAt: string, messageId: string, what: string) => `${createdAt}#${messageId}#${what}`,
} as const;

/** One copy's content, bound to the municipality, the patient, the message and the side holding it. */
export function sealMessage(session: TenantSession, patientId: string, messageId: string, direction: Direction, value: MessageSealed): Promise<Buffer> {
  return session.keys.encryptJson({ tenant: session.tenant, patient: patientId, record: `${messageId}/${direction}`, kind: 'message' }, value);
}

export function openMessage(session: TenantSession, item: Pick<MessageItem, 'patientId' | 'messageId' | 'direction' | 'sealed'>): Promise<MessageSealed> {
  return session.keys.decryptJson({ tenant: session.tenant, patient: item.patientId, record: `${item.messageId}/${item.direction}`, kind: 'message' }, item.sealed);
}

/** The copy item, with its inbox and per-person index keys. */
export function messageItem(tenant: string, fields: Omit<MessageItem, 'pk' | 'sk' | 'itemType' | 'gsi1pk' | 'gsi1sk' | 'gsi2pk' | 'gsi2sk'>): MessageItem {
  return {
    pk: messageKeys.threadPk(tenant, fields.threadId),
    sk: messageKeys.copySk(fields.messageId, fields.direction),
    itemType: 'message',
    ...fields,
    gsi1pk: messageKeys.boxPk(tenant, fields.unit, fields.direction),
    gsi1sk: messageKeys.boxSk(fields.sentAt, fields.messageId),
    gsi2pk: messageKeys.patientPk(tenant, fields.patientId),
    gsi2sk: messageKeys.patientSk(fields.sentAt, fields.messageId, fields.direction),
  };
}

/** A new copy; it must not exist (a second delivery of the same message writes nothing). */
export function putCopy(item: MessageItem): TxWrite {
  return { kind: 'put', table: 'journal', item, condition: { expression: 'attribute_not_exists(pk)' } };
}

const ORDER: Record<DeliveryState, number> = { sent: 0, delivered: 1, read: 2, answered: 3, failed: 4 };

/** The states a copy may be in for `next` to apply (forward only; failed is final). */
export function statesBefore(next: DeliveryState): DeliveryState[] {
  if (next === 'failed') return ['sent'];
  return (Object.keys(ORDER) as DeliveryState[]).filter((s) => s !== 'failed' && ORDER[s] < ORDER[next]);
}

/** The status update with its forward-only condition. */
export function advanceWrite(tenant: string, threadId: string, messageId: string, direction: Direction, change: StatusChange): TxWrite {
  const before = statesBefore(change.status);
  const values: Record<string, unknown> = { ':s': change.status, ':h': [change] };
  before.forEach((s, i) => (values[`:b${i}`] = s));
  return {
    kind: 'update',
    table: 'journal',
    key: { pk: messageKeys.threadPk(tenant, threadId), sk: messageKeys.copySk(messageId, direction) },
    update: { expression: 'SET #s = :s, statusHistory = list_append(statusHistory, :h)', names: { '#s': 'status' }, values },
    condition: { expression: `attribute_exists(pk) AND #s IN (${before.map((_, i) => `:b${i}`).join(', ')})`, names: { '#s': 'status' } },
  };
}

/** A copy as an inbox lists it. */
export function toHead(item: MessageItem): MessageHead {
  return {
    id: item.messageId,
    threadId: item.threadId,
    direction: item.direction,
    kind: item.kind,
    from: item.from,
    to: item.to,
    patientId: item.patientId,
    sentAt: item.sentAt,
    status: item.status,
    unit: item.unit,
  };
}
