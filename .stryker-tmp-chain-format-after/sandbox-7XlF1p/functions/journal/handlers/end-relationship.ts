// @ts-nocheck
import { httpHandler, writeResult } from '../../../shared/http/handler';
import { endRelationship } from '../relationship-service';
import { endRelationshipRoute } from '../routes';

export const handler = httpHandler(endRelationshipRoute, async ({ params, body, headers, tenant, caller, requestId, session, sessions }) =>
  writeResult(await endRelationship({ tenant, session, sessions, caller, requestId }, params.patientId, params.relationshipId, body, headers['if-match'], headers['idempotency-key'])),
);
