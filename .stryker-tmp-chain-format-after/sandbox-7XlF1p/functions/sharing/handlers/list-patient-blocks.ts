// @ts-nocheck
import { httpHandler } from '../../../shared/http/handler';
import { listPatientBlocks } from '../block-service';
import { listPatientBlocksRoute } from '../routes';

export const handler = httpHandler(listPatientBlocksRoute, async ({ params, tenant, caller, requestId, session, sessions }) => ({
  status: 200,
  body: await listPatientBlocks({ tenant, session, sessions, caller, requestId }, params.patientId),
}));
