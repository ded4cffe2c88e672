// @ts-nocheck
import { httpHandler, writeResult } from '../../../shared/http/handler';
import { editDraft } from '../entry-service';
import { editDraftRoute } from '../routes';

export const handler = httpHandler(editDraftRoute, async ({ params, body, headers, tenant, caller, requestId, session, sessions }) =>
  writeResult(await editDraft({ tenant, session, sessions, caller, requestId }, params.patientId, params.entryId, body, headers['if-match'])),
);
