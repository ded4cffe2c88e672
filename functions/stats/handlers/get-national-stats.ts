import { httpHandler } from '../../../shared/http/handler';
import { nationalReport } from '../stats-service';
import { getNationalStats } from '../routes';

export const handler = httpHandler(getNationalStats, async ({ query, caller, requestId }) => ({
  status: 200,
  body: await nationalReport(caller, requestId, query),
}));
