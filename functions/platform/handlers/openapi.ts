import { httpHandler } from '../../../shared/http/handler';
import { buildOpenApi } from '../../../shared/http/openapi';
import { ROUTES } from '../../routes';
import { openapi } from '../routes';

let document: Record<string, unknown> | undefined;

export const handler = httpHandler(openapi, async () => {
  document ??= buildOpenApi(ROUTES, { title: 'Fellesjournal API', version: '1' });
  return { status: 200, body: document };
});
