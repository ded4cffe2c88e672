// @ts-nocheck
import { httpHandler } from '../../../shared/http/handler';
import { citizenAccessLog as readAccessLog } from '../citizen-log-service';
import { citizenAccessLog } from '../routes';

export const handler = httpHandler(citizenAccessLog, async ({ sessions, caller, requestId, query }) => ({
  status: 200,
  body: await readAccessLog(caller, requestId, query, sessions),
}));
