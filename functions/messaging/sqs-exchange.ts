import { DeleteMessageCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Receipt } from '../../shared/contracts/messaging';
import type { ExchangeEnvelope, InboundItem, MessageExchange } from './exchange';
import { parseInbound } from './exchange';

/**
 * The AWS adapter behind the exchange port: the platform never talks to the national message
 * exchange itself. Outgoing messages and our receipts go onto the outgoing queue (KMS-encrypted,
 * with a dead-letter queue); the forwarder function (./jobs/exchange-forwarder.ts), the only
 * consumer of that queue, carries them to the exchange. What external parties send us, and the
 * receipts for our messages, wait on the incoming queue until the delivery job has handled them.
 * A queued message's receipt therefore always comes later: `send` answers undefined.
 */

/** What the outgoing queue carries: a message for an external party, or our receipt for one of theirs. */
export type Outgoing = { type: 'message'; envelope: ExchangeEnvelope } | { type: 'receipt'; receipt: Receipt; to: string };

/** The part of the SQS client the adapter uses (the tests hand in a recorder). */
export interface SqsLike {
  send(command: SendMessageCommand | ReceiveMessageCommand | DeleteMessageCommand): Promise<unknown>;
}

export interface SqsExchangeOptions {
  outgoingQueueUrl: string;
  incomingQueueUrl: string;
  client?: SqsLike;
}

let shared: SQSClient | undefined;

/** The SQS-backed exchange adapter. */
export function sqsExchange(options: SqsExchangeOptions): MessageExchange {
  const client = (): SqsLike => options.client ?? (shared ??= new SQSClient({}));
  const put = (body: Outgoing, dedupe: string) =>
    client().send(new SendMessageCommand({ QueueUrl: options.outgoingQueueUrl, MessageBody: JSON.stringify(body), MessageAttributes: { dedupe: { DataType: 'String', StringValue: dedupe } } }));
  return {
    async send(envelope) {
      await put({ type: 'message', envelope }, envelope.messageId);
      return undefined;
    },
    async receive(max) {
      const out = (await client().send(new ReceiveMessageCommand({ QueueUrl: options.incomingQueueUrl, MaxNumberOfMessages: Math.min(10, Math.max(1, max)), WaitTimeSeconds: 0 }))) as {
        Messages?: { ReceiptHandle?: string; Body?: string }[];
      };
      const items: InboundItem[] = [];
      for (const m of out.Messages ?? []) {
        if (!m.ReceiptHandle) continue;
        let raw: unknown;
        try {
          raw = JSON.parse(m.Body ?? '');
        } catch {
          raw = undefined;
        }
        items.push({ handle: m.ReceiptHandle, body: parseInbound(raw) });
      }
      return items;
    },
    async complete(item, receipt) {
      // The receipt is on its way before the message leaves the queue: a crash between the two
      // hands the message out again, and the second handling answers with the same receipt.
      if (receipt && item.body?.type === 'message') await put({ type: 'receipt', receipt, to: item.body.envelope.from.herId }, `receipt:${receipt.messageId}`);
      await client().send(new DeleteMessageCommand({ QueueUrl: options.incomingQueueUrl, ReceiptHandle: item.handle }));
    },
  };
}
