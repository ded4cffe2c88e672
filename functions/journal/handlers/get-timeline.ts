import { httpHandler } from '../../../shared/http/handler';
import { readTimeline } from '../entry-service';
import { getTimelineRoute } from '../routes';

export const handler = httpHandler(getTimelineRoute, async ({ params, query, tenant, caller, requestId }) => ({
  status: 200,
  body: await readTimeline({ tenant, caller, requestId }, params.patientId, query),
}));
