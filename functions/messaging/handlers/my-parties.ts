import { httpHandler } from '../../../shared/http/handler';
import { dialogueParties } from '../citizen-dialogue';
import { myDialoguePartiesRoute } from '../routes';

export const handler = httpHandler(myDialoguePartiesRoute, async ({ caller, requestId, sessions }) => ({ status: 200, body: { items: await dialogueParties(caller, requestId, sessions) } }));
