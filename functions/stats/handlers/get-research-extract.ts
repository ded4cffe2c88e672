import { httpHandler } from '../../../shared/http/handler';
import { extractFor } from '../research';
import { getResearchExtract } from '../routes';

export const handler = httpHandler(getResearchExtract, async ({ params, caller, tenant, session, requestId }) => ({
  status: 200,
  body: await extractFor({ caller, tenant, session, requestId }, params.projectId),
}));
