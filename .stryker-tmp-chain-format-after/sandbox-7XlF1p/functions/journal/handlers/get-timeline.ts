// @ts-nocheck
import { openKeyCursor, sealPage } from '../../../shared/crypto/cursor-codec';
import { httpHandler } from '../../../shared/http/handler';
import { readTimeline } from '../entry-service';
import { getTimelineRoute } from '../routes';

export const handler = httpHandler(getTimelineRoute, async ({ params, query, tenant, caller, requestId, session, sessions }) => {
  const scope = { list: 'journal.timeline', tenant, sub: caller.sub, of: params.patientId };
  const cursor = await openKeyCursor(scope, query.cursor);
  return { status: 200, body: await sealPage(scope, await readTimeline({ tenant, session, sessions, caller, requestId }, params.patientId, { ...query, cursor })) };
});
