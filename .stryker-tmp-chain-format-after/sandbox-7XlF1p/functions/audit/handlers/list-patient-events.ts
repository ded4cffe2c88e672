// @ts-nocheck
import { httpHandler } from '../../../shared/http/handler';
import { listPatientEvents } from '../audit-log-service';
import { eventListResult } from '../event-response';
import { listPatientAuditEvents } from '../routes';

export const handler = httpHandler(listPatientAuditEvents, async ({ caller, tenant, requestId, params, query, event, session }) => {
  const { format, ...rest } = query;
  return eventListResult(await listPatientEvents({ caller, tenant, session, requestId }, params.patientId, rest), format, event);
});
