import { logger } from '../../../shared/observability';
import { deliverAllOutboxes } from '../delivery';
import { defaultExchange } from '../exchange';
import { receiveIncoming, type IncomingResult } from '../incoming';

/**
 * Run on a schedule (locally: a timer in npm start): delivers what every municipality's messaging
 * outbox still owes, through the exchange port for external parties (delivery.ts), then takes
 * what external parties sent us from the same port (incoming.ts): messages into the addressed
 * unit's inbox with our receipt back, and receipts for our queued messages.
 */
export async function handler(): Promise<{ delivered: number; failed: number; retrying: number; incoming?: IncomingResult }> {
  const exchange = defaultExchange();
  const result = await deliverAllOutboxes(exchange ? { exchange } : {});
  if (result.retrying > 0) logger.warn('Messaging outbox: messages still waiting after the sweep', { ...result });
  if (!exchange) return result;
  const incoming = await receiveIncoming(exchange);
  if (incoming.unreadable > 0) logger.warn('Messaging: unreadable items left on the incoming side', { ...incoming });
  return { ...result, incoming };
}
