import type { MessageKind, Receipt } from '../../shared/contracts/messaging';
import { herIdSchema, messageKindSchema, receiptSchema } from '../../shared/contracts/messaging';
import * as z from '../../shared/contracts/zod';
import { ENV } from '../../shared/config/env-names';
import { sqsExchange } from './sqs-exchange';

/**
 * THE port to parties outside the platform (the national message exchange, by HER-id).
 *
 * Outgoing: the delivery job hands it one envelope at a time; the adapter answers with the
 * receiver's application receipt, or with `undefined` when the receipt comes later (a queue), or
 * throws when the exchange could not be reached (the job retries). Receivers deduplicate by
 * `messageId`, so a retry after a lost answer never delivers twice.
 *
 * Incoming: what external parties sent us waits at the exchange like on a queue: messages to our
 * units (a hospital's discharge report), and receipts that answer our queued messages. The job
 * takes a batch (`receive`), handles each item, and `complete`s it: for a message with our
 * application receipt, which goes back to the sender; only then does the item leave the queue, so
 * a crash in between means a second, idempotent handling, never a lost message.
 *
 * Adapters: locally the stand-in receiver over HTTP (`httpExchange`, local/message-exchange.ts,
 * started with the local stack); in AWS SQS queues towards the exchange (`sqsExchange` in
 * ./sqs-exchange.ts; the forwarder function and the queues are infra/stacks/messaging-adapter-stack.ts).
 */

const partySchema = z.object({ herId: herIdSchema, name: z.string().check(z.minLength(1), z.maxLength(200)) });

/** One message as it travels through the exchange (checked at the edge when it comes in). */
export const exchangeEnvelopeSchema = z.object({
  messageId: z.uuid(),
  threadId: z.uuid(),
  inReplyTo: z.optional(z.uuid()),
  kind: messageKindSchema,
  sentAt: z.iso.datetime(),
  from: partySchema,
  to: partySchema,
  /** The patient as the receiver must identify them (the exchange is a closed health network). */
  patient: z.object({ nationalId: z.string().check(z.regex(/^\d{11}$/)), name: z.string() }),
  subject: z.string().check(z.minLength(1), z.maxLength(200)),
  text: z.string().check(z.minLength(1), z.maxLength(20_000)),
  attachments: z.array(z.object({ title: z.optional(z.string()) })),
});

export interface ExchangeEnvelope {
  messageId: string;
  threadId: string;
  inReplyTo?: string;
  kind: MessageKind;
  sentAt: string;
  from: { herId: string; name: string };
  to: { herId: string; name: string };
  patient: { nationalId: string; name: string };
  subject: string;
  text: string;
  attachments: { title?: string }[];
}

/** What comes in: a message to one of our units, or a receipt for one of our queued messages (`herId`: our sending unit). */
export const inboundSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('message'), envelope: exchangeEnvelopeSchema }),
  z.object({ type: z.literal('receipt'), receipt: receiptSchema, threadId: z.uuid(), herId: herIdSchema }),
]);
export type Inbound = { type: 'message'; envelope: ExchangeEnvelope } | { type: 'receipt'; receipt: Receipt; threadId: string; herId: string };

/** One item taken from the incoming side; `body` is undefined when it could not be read (it is left for the dead-letter queue). */
export interface InboundItem {
  handle: string;
  body: Inbound | undefined;
}

export interface MessageExchange {
  send(envelope: ExchangeEnvelope): Promise<Receipt | undefined>;
  /** Up to `max` items waiting for us (none: an empty list). */
  receive(max: number): Promise<InboundItem[]>;
  /** Done with an item: our receipt (for a message) goes to its sender, then the item is removed. */
  complete(item: InboundItem, receipt?: Receipt): Promise<void>;
}

/** Parses one inbound body; undefined for anything that is not a well-formed item. */
export function parseInbound(raw: unknown): Inbound | undefined {
  const parsed = inboundSchema.safeParse(raw);
  return parsed.success ? (parsed.data) : undefined;
}

/** The stand-in receiver (or any exchange speaking its HTTP shape). */
export function httpExchange(baseUrl: string): MessageExchange {
  const call = async (path: string, init: RequestInit = {}) => {
    const res = await fetch(`${baseUrl}${path}`, { ...init, headers: { 'content-type': 'application/json', ...(init.headers as Record<string, string> | undefined) } });
    if (!res.ok) throw new Error(`message exchange answered ${res.status}`);
    return res.json() as Promise<unknown>;
  };
  return {
    async send(envelope) {
      return (await call('/messages', { method: 'POST', headers: { 'idempotency-key': envelope.messageId }, body: JSON.stringify(envelope) })) as Receipt;
    },
    async receive(max) {
      const { items } = (await call(`/inbound?max=${max}`)) as { items: { handle: string; body: unknown }[] };
      return items.map((i) => ({ handle: i.handle, body: parseInbound(i.body) }));
    },
    async complete(item, receipt) {
      await call('/inbound/complete', { method: 'POST', body: JSON.stringify({ handle: item.handle, ...(receipt ? { receipt } : {}) }) });
    },
  };
}

let configured: MessageExchange | undefined;

/**
 * The configured exchange: the SQS queues in AWS, the stand-in's URL locally, or undefined where
 * none is (then external messages wait in the outbox).
 */
export function defaultExchange(): MessageExchange | undefined {
  const outgoing = process.env[ENV.messageQueueUrl];
  const incoming = process.env[ENV.messageInboundQueueUrl];
  if (outgoing && incoming) return (configured ??= sqsExchange({ outgoingQueueUrl: outgoing, incomingQueueUrl: incoming }));
  const url = process.env[ENV.messageExchangeUrl];
  return url ? httpExchange(url) : undefined;
}
