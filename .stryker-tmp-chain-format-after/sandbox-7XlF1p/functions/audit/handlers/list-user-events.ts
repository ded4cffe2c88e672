// @ts-nocheck
import { httpHandler } from '../../../shared/http/handler';
import { listUserEvents } from '../audit-log-service';
import { eventListResult } from '../event-response';
import { listUserAuditEvents } from '../routes';

export const handler = httpHandler(listUserAuditEvents, async ({ caller, tenant, requestId, params, query, event, session }) => {
  const { format, ...rest } = query;
  return eventListResult(await listUserEvents({ caller, tenant, session, requestId }, params.userId, rest), format, event);
});
