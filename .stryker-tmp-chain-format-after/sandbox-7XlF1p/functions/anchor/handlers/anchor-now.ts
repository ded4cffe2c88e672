// @ts-nocheck
import { httpHandler } from '../../../shared/http/handler';
import { logger } from '../../../shared/observability';
import { anchorStore, treeHeadSigner } from '../../core/anchor-deps';
import { anchorNow } from '../anchor-service';
import { anchorAuditNow } from '../routes';

export const handler = httpHandler(anchorAuditNow, async ({ tenant, caller }) => {
  const { regressions, ...head } = await anchorNow(tenant, { store: anchorStore(), signer: treeHeadSigner() });
  logger.info('Audit anchor on request', { index: head.index, treeSize: head.treeSize, by: caller.sub });
  // The beat's alarm metric covers it on the next beat; the auditor's verify names the break.
  if (regressions > 0) logger.error('Audit anchor: stream heads behind or off their anchored chain', { tenant, streams: regressions, index: head.index });
  return { status: 200, body: head };
});
