import { httpHandler } from '../../../shared/http/handler';
import { listPatientEvents } from '../audit-log-service';
import { eventListResult } from '../event-response';
import { listPatientAuditEvents } from '../routes';

export const handler = httpHandler(listPatientAuditEvents, async ({ caller, tenant, requestId, params, query, event }) => {
  const { format, ...rest } = query;
  return eventListResult(await listPatientEvents({ caller, tenant, requestId }, params.patientId, rest), format, event);
});
