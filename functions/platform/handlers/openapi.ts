import { httpHandler } from '../../../shared/http/handler';
import { openapi } from '../routes';

let document: Record<string, unknown> | undefined;

/**
 * The document describes every route of the API, so it needs every service's schemas: loaded on
 * the first request for it, not in the cold start of the function's other routes (health, me).
 */
async function buildDocument(): Promise<Record<string, unknown>> {
  const [{ buildOpenApi }, { ROUTES }] = await Promise.all([import('../../../shared/http/openapi'), import('../../routes')]);
  return buildOpenApi(ROUTES, { title: 'Fellesjournal API', version: '1' });
}

export const handler = httpHandler(openapi, async () => {
  document ??= await buildDocument();
  return { status: 200, body: document };
});
