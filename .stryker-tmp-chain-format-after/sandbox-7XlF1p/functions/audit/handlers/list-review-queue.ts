// @ts-nocheck
import { httpHandler } from '../../../shared/http/handler';
import { listReviewQueue as readQueue } from '../review-service';
import { listReviewQueue } from '../routes';

export const handler = httpHandler(listReviewQueue, async ({ caller, tenant, requestId, query, session }) => ({
  status: 200,
  body: await readQueue({ caller, tenant, session, requestId }, query),
}));
