// @ts-nocheck
import { httpHandler } from '../../../shared/http/handler';
import { verifyAuditChains } from '../routes';
import { verifyAudit } from '../verify-service';

export const handler = httpHandler(verifyAuditChains, async ({ caller, tenant, requestId, body, session }) => ({
  status: 200,
  body: await verifyAudit({ caller, tenant, session, requestId }, body),
}));
