// @ts-nocheck
import { httpHandler, writeResult } from '../../../shared/http/handler';
import { createRelationship } from '../relationship-service';
import { createRelationshipRoute } from '../routes';

export const handler = httpHandler(createRelationshipRoute, async ({ params, body, headers, tenant, caller, requestId, session, sessions }) =>
  writeResult(await createRelationship({ tenant, session, sessions, caller, requestId }, params.patientId, body, headers['idempotency-key'])),
);
