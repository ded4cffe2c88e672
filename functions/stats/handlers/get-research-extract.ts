import { openKeyCursor, sealPage } from '../../../shared/crypto/cursor-codec';
import { httpHandler } from '../../../shared/http/handler';
import { extractFor } from '../research';
import { getResearchExtract } from '../routes';

export const handler = httpHandler(getResearchExtract, async ({ params, query, caller, tenant, session, requestId }) => {
  // The cursor is bound to the project and the caller: it opens for nobody else and no other project.
  const scope = { list: 'stats.research-extract', tenant, sub: caller.sub, of: params.projectId };
  const cursor = await openKeyCursor(scope, query.cursor);
  return { status: 200, body: await sealPage(scope, await extractFor({ caller, tenant, session, requestId }, params.projectId, { limit: query.limit, cursor })) };
});
