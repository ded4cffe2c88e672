import { httpHandler } from '../../../shared/http/handler';
import { patientMessages } from '../message-service';
import { patientMessagesRoute } from '../routes';

export const handler = httpHandler(patientMessagesRoute, async ({ params, query, tenant, session, sessions, caller, requestId }) => ({
  status: 200,
  body: { items: await patientMessages({ tenant, session, sessions, caller, requestId }, params.patientId, query.limit) },
}));
