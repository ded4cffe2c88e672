import { httpHandler } from '../../../shared/http/handler';
import { editDraft } from '../entry-service';
import { writeResult } from '../http-result';
import { editDraftRoute } from '../routes';

export const handler = httpHandler(editDraftRoute, async ({ params, body, headers, tenant, caller, requestId }) =>
  writeResult(await editDraft({ tenant, caller, requestId }, params.patientId, params.entryId, body, headers['if-match'])),
);
