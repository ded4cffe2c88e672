// @ts-nocheck
import { httpHandler } from '../../../shared/http/handler';
import { reviewQueueItem as addReview } from '../review-service';
import { reviewQueueItem } from '../routes';

export const handler = httpHandler(reviewQueueItem, async ({ caller, tenant, requestId, params, body, session }) => ({
  status: 201,
  body: await addReview({ caller, tenant, session, requestId }, params.itemId, body),
}));
