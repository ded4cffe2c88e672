// @ts-nocheck
import { httpHandler } from '../../../shared/http/handler';
import { readMyRecord } from '../citizen-service';
import { getMyRecordRoute } from '../routes';

export const handler = httpHandler(getMyRecordRoute, async ({ sessions, caller, requestId }) => ({
  status: 200,
  body: await readMyRecord(caller, requestId, sessions),
}));
