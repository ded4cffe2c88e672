import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { ENV } from '../../../shared/config/env-names';
import type { Receipt } from '../../../shared/contracts/messaging';
import { logger } from '../../../shared/observability';
import { forwardBatch, type ForwarderDeps } from '../forwarder';

/**
 * SQS event source on the outgoing queue (infra/stacks/messaging-adapter-stack.ts): carries our
 * messages and receipts to the national message exchange (../forwarder.ts).
 */

const sqs = new SQSClient({});

function deps(): ForwarderDeps {
  const base = process.env[ENV.messageExchangeUrl];
  const incoming = process.env[ENV.messageInboundQueueUrl];
  if (!base || !incoming) throw new Error('the exchange URL and the incoming queue are not configured');
  const post = async (path: string, body: unknown, key: string) => {
    const res = await fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': key }, body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`message exchange answered ${res.status}`);
    return res.json() as Promise<unknown>;
  };
  return {
    postMessage: async (envelope) => (await post('/messages', envelope, envelope.messageId)) as Receipt | undefined,
    postReceipt: async (receipt, to) => void (await post('/receipts', { ...receipt, to }, `receipt:${receipt.messageId}`)),
    queueReceipt: async (item) => void (await sqs.send(new SendMessageCommand({ QueueUrl: incoming, MessageBody: JSON.stringify(item) }))),
  };
}

export async function handler(event: SQSEvent): Promise<{ batchItemFailures: { itemIdentifier: string }[] }> {
  const result = await forwardBatch(
    event.Records.map((r) => ({ messageId: r.messageId, body: r.body })),
    deps(),
  );
  if (result.batchItemFailures.length > 0) logger.warn('Exchange forwarder: items left for retry', { failed: result.batchItemFailures.length, of: event.Records.length });
  return result;
}
