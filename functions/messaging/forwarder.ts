import type { Receipt } from '../../shared/contracts/messaging';
import { receiptSchema } from '../../shared/contracts/messaging';
import * as z from '../../shared/contracts/zod';
import { exchangeEnvelopeSchema, type ExchangeEnvelope } from './exchange';

/**
 * The AWS adapter's far side: the only consumer of the outgoing queue. Each queued item goes to
 * the national message exchange over its HTTP interface; a receipt the exchange answers at once is
 * put on the incoming queue for the delivery job (which applies it to the sender's copy), exactly
 * as a receipt that arrives later would be. A failed item is reported back to SQS alone (partial
 * batch response), so it is retried and, after the queue's maxReceiveCount, moved to the DLQ.
 */

const outgoingSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('message'), envelope: exchangeEnvelopeSchema }),
  z.object({ type: z.literal('receipt'), receipt: receiptSchema, to: z.string() }),
]);

/** How the forwarder reaches the exchange and the incoming queue (passed in: tests record them). */
export interface ForwarderDeps {
  /** Delivers a message; answers the receiver's receipt when the exchange has it at once. */
  postMessage(envelope: ExchangeEnvelope): Promise<Receipt | undefined>;
  /** Delivers our receipt for one of their messages. */
  postReceipt(receipt: Receipt, to: string): Promise<void>;
  /** Puts a receipt for one of our messages on the incoming queue. */
  queueReceipt(item: { type: 'receipt'; receipt: Receipt; threadId: string; herId: string }): Promise<void>;
}

export interface QueueRecord {
  messageId: string;
  body: string;
}

/** Forwards one batch; answers the ids of the records that failed (to be retried). */
export async function forwardBatch(records: readonly QueueRecord[], deps: ForwarderDeps): Promise<{ batchItemFailures: { itemIdentifier: string }[] }> {
  const failures: { itemIdentifier: string }[] = [];
  for (const record of records) {
    try {
      const parsed = outgoingSchema.safeParse(JSON.parse(record.body));
      if (!parsed.success) throw new Error('unreadable outgoing item');
      const item = parsed.data;
      if (item.type === 'receipt') {
        await deps.postReceipt(item.receipt, item.to);
        continue;
      }
      const envelope = item.envelope;
      const receipt = await deps.postMessage(envelope);
      if (receipt) await deps.queueReceipt({ type: 'receipt', receipt, threadId: envelope.threadId, herId: envelope.from.herId });
    } catch {
      failures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures: failures };
}
