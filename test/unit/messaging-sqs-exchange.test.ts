import { randomUUID } from 'node:crypto';
import type { DeleteMessageCommand} from '@aws-sdk/client-sqs';
import { ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import type { Receipt } from '../../shared/contracts/messaging';
import type { ExchangeEnvelope } from '../../functions/messaging/exchange';
import { forwardBatch, type ForwarderDeps } from '../../functions/messaging/forwarder';
import { sqsExchange, type SqsLike } from '../../functions/messaging/sqs-exchange';

/**
 * The AWS adapter behind the exchange port, against a recording SQS client: what goes on which
 * queue, what comes off it, and that a message leaves the incoming queue only after our receipt is
 * on its way. And the forwarder: each outgoing item to the exchange, receipts answered at once
 * queued for the delivery job, failures reported per item.
 */

const OUT = 'https://sqs.eu-north-1.amazonaws.com/111111111111/out';
const IN = 'https://sqs.eu-north-1.amazonaws.com/111111111111/in';

function envelope(): ExchangeEnvelope {
  const id = randomUUID();
  return {
    messageId: id,
    threadId: id,
    kind: 'utskrivningsrapport',
    sentAt: '2026-12-05T10:00:00.000Z',
    from: { herId: '90001', name: 'Sykehus' },
    to: { herId: '803011', name: 'Hjemmetjenesten' },
    patient: { nationalId: '03844012345', name: 'Test' },
    subject: 'Utskrivning',
    text: 'Tekst',
    attachments: [],
  };
}

function recorder(messages: { ReceiptHandle?: string; Body?: string }[] = []) {
  const calls: unknown[] = [];
  const client: SqsLike = {
    send(command) {
      calls.push(command);
      return Promise.resolve(command instanceof ReceiveMessageCommand ? { Messages: messages } : {});
    },
  };
  return { calls, client };
}

describe('the SQS exchange adapter', () => {
  it('queues an outgoing message and answers no receipt yet (it comes later, on the incoming queue)', async () => {
    const { calls, client } = recorder();
    const e = envelope();
    expect(await sqsExchange({ outgoingQueueUrl: OUT, incomingQueueUrl: IN, client }).send(e)).toBeUndefined();
    expect(calls).toHaveLength(1);
    const cmd = calls[0] as SendMessageCommand;
    expect(cmd).toBeInstanceOf(SendMessageCommand);
    expect(cmd.input.QueueUrl).toBe(OUT);
    expect(JSON.parse(cmd.input.MessageBody!)).toEqual({ type: 'message', envelope: e });
  });

  it('reads messages and receipts off the incoming queue, and marks an unreadable body as such', async () => {
    const e = envelope();
    const receipt = { type: 'receipt', receipt: { messageId: e.messageId, status: 'ok', at: '2026-12-05T10:01:00.000Z' }, threadId: e.threadId, herId: '803011' };
    const { client, calls } = recorder([
      { ReceiptHandle: 'h1', Body: JSON.stringify({ type: 'message', envelope: e }) },
      { ReceiptHandle: 'h2', Body: JSON.stringify(receipt) },
      { ReceiptHandle: 'h3', Body: '{not json' },
      { ReceiptHandle: 'h4', Body: JSON.stringify({ type: 'message', envelope: { ...e, messageId: 'x' } }) },
    ]);
    const items = await sqsExchange({ outgoingQueueUrl: OUT, incomingQueueUrl: IN, client }).receive(25);
    expect((calls[0] as ReceiveMessageCommand).input).toMatchObject({ QueueUrl: IN, MaxNumberOfMessages: 10 });
    expect(items.map((i) => [i.handle, i.body?.type])).toEqual([
      ['h1', 'message'],
      ['h2', 'receipt'],
      ['h3', undefined],
      ['h4', undefined],
    ]);
  });

  it('sends our receipt to the sender before it deletes the message from the incoming queue', async () => {
    const e = envelope();
    const { client, calls } = recorder();
    const receipt: Receipt = { messageId: e.messageId, status: 'rejected', reason: 'Ukjent pasient', at: '2026-12-05T10:01:00.000Z' };
    await sqsExchange({ outgoingQueueUrl: OUT, incomingQueueUrl: IN, client }).complete({ handle: 'h1', body: { type: 'message', envelope: e } }, receipt);
    expect(calls.map((c) => (c as object).constructor.name)).toEqual(['SendMessageCommand', 'DeleteMessageCommand']);
    expect(JSON.parse((calls[0] as SendMessageCommand).input.MessageBody!)).toEqual({ type: 'receipt', receipt, to: '90001' });
    expect((calls[0] as SendMessageCommand).input.QueueUrl).toBe(OUT);
    expect((calls[1] as DeleteMessageCommand).input).toEqual({ QueueUrl: IN, ReceiptHandle: 'h1' });
  });
});

describe('the exchange forwarder', () => {
  it('posts messages and receipts to the exchange, queues receipts answered at once, and reports failed items alone', async () => {
    const ok = envelope();
    const failing = envelope();
    const posted: string[] = [];
    const queued: unknown[] = [];
    const receiptsOut: string[] = [];
    const deps: ForwarderDeps = {
      postMessage(env) {
        posted.push(env.messageId);
        if (env.messageId === failing.messageId) return Promise.reject(new Error('503'));
        return Promise.resolve({ messageId: env.messageId, status: 'ok', at: '2026-12-05T10:02:00.000Z' });
      },
      postReceipt(receipt, to) {
        receiptsOut.push(`${receipt.messageId}>${to}`);
        return Promise.resolve();
      },
      queueReceipt(item) {
        queued.push(item);
        return Promise.resolve();
      },
    };
    const result = await forwardBatch(
      [
        { messageId: 'r1', body: JSON.stringify({ type: 'message', envelope: ok }) },
        { messageId: 'r2', body: JSON.stringify({ type: 'message', envelope: failing }) },
        { messageId: 'r3', body: JSON.stringify({ type: 'receipt', receipt: { messageId: 'm9', status: 'ok', at: '2026-12-05T10:00:00.000Z' }, to: '90001' }) },
        { messageId: 'r4', body: 'garbage' },
      ],
      deps,
    );
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'r2' }, { itemIdentifier: 'r4' }]);
    expect(posted).toEqual([ok.messageId, failing.messageId]);
    expect(queued).toEqual([{ type: 'receipt', receipt: { messageId: ok.messageId, status: 'ok', at: '2026-12-05T10:02:00.000Z' }, threadId: ok.threadId, herId: '90001' }]);
    expect(receiptsOut).toEqual(['m9>90001']);
  });
});
