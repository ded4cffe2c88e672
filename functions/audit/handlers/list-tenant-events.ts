import { httpHandler } from '../../../shared/http/handler';
import { listTenantEvents } from '../audit-log-service';
import { eventListResult } from '../event-response';
import { listTenantAuditEvents } from '../routes';

export const handler = httpHandler(listTenantAuditEvents, async ({ caller, tenant, requestId, query, event }) => {
  const { format, ...rest } = query;
  return eventListResult(await listTenantEvents({ caller, tenant, requestId }, rest), format, event);
});
