// @ts-nocheck
import { httpHandler } from '../../../shared/http/handler';
import { listTenantEvents } from '../audit-log-service';
import { eventListResult } from '../event-response';
import { listTenantAuditEvents } from '../routes';

export const handler = httpHandler(listTenantAuditEvents, async ({ caller, tenant, requestId, query, event, session }) => {
  const { format, ...rest } = query;
  return eventListResult(await listTenantEvents({ caller, tenant, session, requestId }, rest), format, event);
});
