import { logger } from '../../../shared/observability';
import { deliverAllOutboxes } from '../delivery';
import { defaultExchange } from '../exchange';

/**
 * Run on a schedule (locally: a timer in npm start): delivers what every municipality's messaging
 * outbox still owes, through the exchange port for external parties (delivery.ts).
 */
export async function handler(): Promise<{ delivered: number; failed: number; retrying: number }> {
  const result = await deliverAllOutboxes({ exchange: defaultExchange() });
  if (result.retrying > 0) logger.warn('Messaging outbox: messages still waiting after the sweep', { ...result });
  return result;
}
