// @ts-nocheck
import { openKeyCursor, sealPage } from '../../../shared/crypto/cursor-codec';
import { httpHandler } from '../../../shared/http/handler';
import { readEntryVersions } from '../entry-service';
import { listEntryVersionsRoute } from '../routes';

export const handler = httpHandler(listEntryVersionsRoute, async ({ params, query, tenant, caller, requestId, session, sessions }) => {
  const scope = { list: 'journal.entry-versions', tenant, sub: caller.sub, of: `${params.patientId}/${params.entryId}` };
  const cursor = await openKeyCursor(scope, query.cursor);
  return { status: 200, body: await sealPage(scope, await readEntryVersions({ tenant, session, sessions, caller, requestId }, params.patientId, params.entryId, query.limit, cursor)) };
});
