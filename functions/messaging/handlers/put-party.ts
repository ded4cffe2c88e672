import { httpHandler } from '../../../shared/http/handler';
import { putParty } from '../party-service';
import { putPartyRoute } from '../routes';

export const handler = httpHandler(putPartyRoute, async ({ params, body, tenant, session, sessions, caller, requestId, registry }) => ({
  status: 200,
  body: await putParty({ tenant, session, sessions, caller, requestId, registry }, params.herId, body),
}));
