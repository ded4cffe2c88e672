// @ts-nocheck
import { httpHandler } from '../../../shared/http/handler';
import { createAuditCheckpoints } from '../routes';
import { checkpointAudit } from '../verify-service';

export const handler = httpHandler(createAuditCheckpoints, async ({ caller, tenant, requestId, body, session }) => ({
  status: 200,
  body: await checkpointAudit({ caller, tenant, session, requestId }, body),
}));
