import { httpHandler } from '../../../shared/http/handler';
import { approveProject } from '../research';
import { approveResearchProject } from '../routes';

export const handler = httpHandler(approveResearchProject, async ({ body, caller, tenant, session, requestId }) => ({
  status: 201,
  body: await approveProject({ caller, tenant, session, requestId }, body),
}));
