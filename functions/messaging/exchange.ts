import type { MessageKind, Receipt } from '../../shared/contracts/messaging';
import { ENV } from '../../shared/config/env-names';

/**
 * THE port to parties outside the platform (the national message exchange, by HER-id). The
 * delivery job hands it one envelope at a time; the adapter answers with the receiver's
 * application receipt, or with `undefined` when the receipt comes later (a queue), or throws when
 * the exchange could not be reached (the job retries). Receivers deduplicate by `messageId`, so a
 * retry after a lost answer never delivers twice.
 *
 * Adapters: locally the stand-in receiver over HTTP (local/message-exchange.ts, started with the
 * local stack); in AWS an SQS queue towards the exchange (FJ_MESSAGE_QUEUE_URL; the adapter
 * function on the other side and the queue + DLQ are infrastructure).
 */

export interface ExchangeEnvelope {
  messageId: string;
  threadId: string;
  inReplyTo?: string;
  kind: MessageKind;
  sentAt: string;
  from: { herId: string; name: string };
  to: { herId: string; name: string };
  /** The patient as the receiver must identify them (the exchange is a closed health network). */
  patient: { nationalId: string; name: string };
  subject: string;
  text: string;
  attachments: { title?: string }[];
}

export interface MessageExchange {
  send(envelope: ExchangeEnvelope): Promise<Receipt | undefined>;
}

/** The stand-in receiver (or any exchange speaking its HTTP shape): POST /messages answers with the receipt. */
export function httpExchange(baseUrl: string): MessageExchange {
  return {
    async send(envelope) {
      const res = await fetch(`${baseUrl}/messages`, { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': envelope.messageId }, body: JSON.stringify(envelope) });
      if (!res.ok) throw new Error(`message exchange answered ${res.status}`);
      return (await res.json()) as Receipt;
    },
  };
}

/** The configured exchange, or undefined where none is (then external messages wait in the outbox). */
export function defaultExchange(): MessageExchange | undefined {
  const url = process.env[ENV.messageExchangeUrl];
  return url ? httpExchange(url) : undefined;
}
