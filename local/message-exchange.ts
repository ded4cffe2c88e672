import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The local stand-in for the national message exchange: a receiver for every external party
 * (hospital wards, GP offices) that answers each message with an application receipt. It keeps
 * the receipt per message id, so a retried message gets the same receipt and is counted once
 * (idempotent on the receiver's side). Tests tell it to reject a HER-id, or to be unreachable for
 * a number of attempts, through POST /control.
 *
 * The other direction: an external party's message to one of our units is put on the stand-in's
 * inbound queue (`sendInbound`, or POST /control/inbound, e.g. from the e2e story); the platform's
 * delivery job takes it (GET /inbound) and completes it with its application receipt
 * (POST /inbound/complete), which the stand-in keeps in `receiptsBack` as the sender would get it.
 * An item taken but not completed is handed out again on the next GET, as a queue would.
 */

interface Control {
  /** HER-ids whose messages are rejected (with `reason`). */
  reject: Record<string, string>;
  /** Answer this many requests with 503 before accepting again (transport failure). */
  failNext: number;
}

export interface RunningExchange {
  url: string;
  /** Messages received, by message id (each once). */
  received: Map<string, Record<string, unknown>>;
  /** Queues a message from an external party to the platform (as the exchange would hand it over). */
  sendInbound(envelope: Record<string, unknown>): void;
  /** The platform's application receipts for inbound messages, by message id (the latest per id). */
  receiptsBack: Map<string, Record<string, unknown>>;
  /** Inbound items not yet completed by the platform. */
  pendingInbound(): number;
  stop(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {};
}

/** Starts the stand-in on 127.0.0.1 (`port` 0: a free one). */
export async function startMessageExchange(port = 0): Promise<RunningExchange> {
  const control: Control = { reject: {}, failNext: 0 };
  const receipts = new Map<string, Record<string, unknown>>();
  const received = new Map<string, Record<string, unknown>>();
  const inbound = new Map<string, { type: 'message'; envelope: Record<string, unknown> }>();
  const receiptsBack = new Map<string, Record<string, unknown>>();
  let handles = 0;
  const sendInbound = (envelope: Record<string, unknown>) => {
    inbound.set(`h${++handles}`, { type: 'message', envelope });
  };
  const server: Server = createServer((req, res) => {
    const answer = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    void (async () => {
      try {
        if (req.method === 'POST' && req.url === '/control') {
          const body = (await readBody(req)) as Partial<Control> & { reset?: boolean };
          if (body.reset) Object.assign(control, { reject: {}, failNext: 0 });
          if (body.reject) Object.assign(control.reject, body.reject);
          if (typeof body.failNext === 'number') control.failNext = body.failNext;
          return answer(200, control);
        }
        if (req.method === 'POST' && req.url === '/control/inbound') {
          const body = (await readBody(req)) as { envelope?: Record<string, unknown> };
          if (!body.envelope || typeof body.envelope !== 'object') return answer(400, { error: 'envelope required' });
          sendInbound(body.envelope);
          return answer(202, { queued: inbound.size });
        }
        if (req.method === 'GET' && req.url?.startsWith('/inbound')) {
          const max = Math.max(1, Math.min(10, Number(new URL(req.url, 'http://x').searchParams.get('max') ?? 10) || 10));
          return answer(200, { items: [...inbound.entries()].slice(0, max).map(([handle, body]) => ({ handle, body })) });
        }
        if (req.method === 'POST' && req.url === '/inbound/complete') {
          const body = (await readBody(req)) as { handle?: string; receipt?: { messageId?: string } };
          if (typeof body.handle !== 'string') return answer(400, { error: 'handle required' });
          inbound.delete(body.handle);
          if (body.receipt?.messageId) receiptsBack.set(body.receipt.messageId, body.receipt);
          return answer(200, { ok: true });
        }
        if (req.method === 'GET' && req.url === '/messages') return answer(200, { items: [...received.values()] });
        if (req.method === 'POST' && req.url === '/messages') {
          if (control.failNext > 0) {
            control.failNext--;
            return answer(503, { error: 'unavailable' });
          }
          const msg = (await readBody(req)) as { messageId?: string; to?: { herId?: string } };
          if (typeof msg.messageId !== 'string') return answer(400, { error: 'messageId required' });
          const prior = receipts.get(msg.messageId);
          if (prior) return answer(200, prior);
          const reason = msg.to?.herId ? control.reject[msg.to.herId] : undefined;
          const receipt = reason ? { messageId: msg.messageId, status: 'rejected', reason, at: new Date().toISOString() } : { messageId: msg.messageId, status: 'ok', at: new Date().toISOString() };
          receipts.set(msg.messageId, receipt);
          if (!reason) received.set(msg.messageId, msg);
          return answer(200, receipt);
        }
        return answer(404, { error: 'not found' });
      } catch {
        answer(400, { error: 'bad request' });
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    received,
    sendInbound,
    receiptsBack,
    pendingInbound: () => inbound.size,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
