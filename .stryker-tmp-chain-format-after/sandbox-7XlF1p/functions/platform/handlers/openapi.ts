// @ts-nocheck
import { httpHandler } from '../../../shared/http/handler';
import { oidcEndpoints } from '../../../shared/http/oidc-discovery';
import type { OpenApiOptions } from '../../../shared/http/openapi';
import { openapi } from '../routes';

let build: ((options: OpenApiOptions) => Record<string, unknown>) | undefined;

/**
 * The document describes every route of the API, so it needs every service's schemas: loaded on
 * the first request for it, not in the cold start of the function's other routes (health, me).
 */
async function builder(): Promise<(options: OpenApiOptions) => Record<string, unknown>> {
  const [{ buildOpenApi }, { ROUTES }] = await Promise.all([import('../../../shared/http/openapi'), import('../../routes')]);
  return (options) => buildOpenApi(ROUTES, { title: 'Fellesjournal API', version: '1' }, options);
}

const documents = new Map<string, Record<string, unknown>>();

/** The server this request reached (behind CloudFront or the local gateway), so generated clients call it. */
function serverUrl(headers: Record<string, string | undefined>): string | undefined {
  const host = headers.host;
  if (!host || !/^[A-Za-z0-9.-]+(:\d{1,5})?$/.test(host)) return undefined;
  const proto = headers['x-forwarded-proto'] === 'http' ? 'http' : 'https';
  return `${proto}://${host}`;
}

export const handler = httpHandler(openapi, async ({ event }) => {
  const headers: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(event.headers ?? {})) headers[k.toLowerCase()] = v;
  const url = serverUrl(headers);
  const key = url ?? '';
  let document = documents.get(key);
  if (!document) {
    build ??= await builder();
    document = build({ serverUrl: url, tokenUrl: (await oidcEndpoints()).tokenEndpoint });
    // Bounded: one document per host name this deployment answers on.
    if (documents.size < 8) documents.set(key, document);
  }
  return { status: 200, body: document };
});
