// @ts-nocheck
import { httpHandler } from '../../../shared/http/handler';
import { health } from '../routes';

export const handler = httpHandler(health, async () => ({ status: 200, body: { status: 'ok', time: new Date().toISOString() } }));
