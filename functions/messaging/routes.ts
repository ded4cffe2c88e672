import { defineService } from '../../shared/http/service';
import { idempotentHeadersSchema, patientParamsSchema } from '../../shared/contracts/journal';
import {
  citizenMessageSchema,
  citizenReplySchema,
  citizenThreadParamsSchema,
  dialoguePartyListSchema,
  inboxQuerySchema,
  messageHeadListSchema,
  messageSchema,
  myThreadListSchema,
  myThreadSchema,
  partyListSchema,
  partyParamsSchema,
  partyQuerySchema,
  partySchema,
  putPartySchema,
  replySchema,
  sendMessageSchema,
  fileMessageSchema,
  threadParamsSchema,
  threadSchema,
} from '../../shared/contracts/messaging';

/**
 * Messaging routes: the communication parties of a municipality (kept by the tenant admin),
 * messages about a patient between units and parties (PLO and dialogue), a unit's inbox, threads
 * and answers, and the citizen's dialogue with a unit. All on the data plane: messages are
 * patient data of the municipality, sealed under its key. Patient-scoped staff routes admit
 * auditors and tenant admins as far as the access decision, so their refusals are audited.
 * Vendor systems are not admitted (no `scopes`): they reach other parties through the message
 * exchange.
 */

const STAFF = ['clinician', 'tenant-admin', 'auditor'] as const;
const CLINICIAN = ['clinician'] as const;

const messaging = defineService({
  service: 'messaging',
  problems: {
    403: 'No access (role, care relationship or the unit the message is addressed to, block); refusals are audited',
    404: 'No such patient, thread or party here (or the caller’s unit is not a party to the thread)',
    409: 'The caller’s unit is not a registered communication party, or the Idempotency-Key was used for another request',
  },
});

export const listPartiesRoute = messaging.route({
  id: 'listMessageParties',
  method: 'GET',
  path: '/v1/messaging/parties',
  handler: 'functions/messaging/handlers/list-parties.ts',
  plane: 'data',
  summary: 'The municipality’s communication parties (own units, other municipalities’ units, external parties by HER-id): recipient lookup',
  auth: 'token',
  roles: ['clinician', 'tenant-admin'],
  tenant: 'caller',
  query: partyQuerySchema,
  responses: { 200: { description: 'Parties, by name', schema: partyListSchema } },
});

export const putPartyRoute = messaging.route({
  id: 'putMessageParty',
  method: 'PUT',
  path: '/v1/messaging/parties/{herId}',
  handler: 'functions/messaging/handlers/put-party.ts',
  plane: 'data',
  summary: 'Register or change a communication party by HER-id (tenant admin; audited)',
  auth: 'token',
  roles: ['tenant-admin'],
  tenant: 'caller',
  params: partyParamsSchema,
  body: putPartySchema,
  responses: { 200: { description: 'The party as registered', schema: partySchema } },
});

export const sendMessageRoute = messaging.route({
  id: 'sendMessage',
  method: 'POST',
  path: '/v1/messaging/messages',
  handler: 'functions/messaging/handlers/send-message.ts',
  plane: 'data',
  summary: 'Send a message about a patient from the caller’s unit (needs a care relationship; encrypted, audited; other municipalities and external parties through the outbox)',
  auth: 'token',
  roles: STAFF,
  tenant: 'caller',
  body: sendMessageSchema,
  headers: idempotentHeadersSchema,
  problems: [404, 409, 429],
  responses: { 201: { description: 'Sent (status sent, or delivered for a unit of the same municipality)', schema: messageSchema } },
});

export const unitInboxRoute = messaging.route({
  id: 'unitInbox',
  method: 'GET',
  path: '/v1/messaging/inbox',
  handler: 'functions/messaging/handlers/unit-inbox.ts',
  plane: 'data',
  summary: 'The caller’s unit’s inbox (or sent box), newest first: heads with delivery state, no content',
  auth: 'token',
  roles: CLINICIAN,
  tenant: 'caller',
  query: inboxQuerySchema,
  problems: [409],
  responses: { 200: { description: 'Message heads', schema: messageHeadListSchema } },
});

export const patientMessagesRoute = messaging.route({
  id: 'patientMessages',
  method: 'GET',
  path: '/v1/messaging/patients/{patientId}/messages',
  handler: 'functions/messaging/handlers/patient-messages.ts',
  plane: 'data',
  summary: 'The messages about one patient that the caller’s unit holds (audited)',
  auth: 'token',
  roles: STAFF,
  tenant: 'caller',
  params: patientParamsSchema,
  query: inboxQuerySchema,
  problems: [404, 409],
  responses: { 200: { description: 'Message heads', schema: messageHeadListSchema } },
});

export const readThreadRoute = messaging.route({
  id: 'readThread',
  method: 'GET',
  path: '/v1/messaging/threads/{threadId}',
  handler: 'functions/messaging/handlers/read-thread.ts',
  plane: 'data',
  summary: 'Open a thread the caller’s unit is party to (audited in the patient’s log; received messages move to read and the sender gets the read receipt)',
  auth: 'token',
  roles: STAFF,
  tenant: 'caller',
  params: threadParamsSchema,
  problems: [404, 429],
  responses: { 200: { description: 'The thread', schema: threadSchema } },
});

export const replyRoute = messaging.route({
  id: 'replyToThread',
  method: 'POST',
  path: '/v1/messaging/threads/{threadId}/replies',
  handler: 'functions/messaging/handlers/reply.ts',
  plane: 'data',
  summary: 'Answer a thread the caller’s unit is party to (to its other side; the answered message moves to answered)',
  auth: 'token',
  roles: STAFF,
  tenant: 'caller',
  params: threadParamsSchema,
  body: replySchema,
  headers: idempotentHeadersSchema,
  problems: [404, 409, 429],
  responses: { 201: { description: 'The answer as sent', schema: messageSchema } },
});

export const fileMessageRoute = messaging.route({
  id: 'fileMessage',
  method: 'POST',
  path: '/v1/messaging/threads/{threadId}/journal',
  handler: 'functions/messaging/handlers/file-message.ts',
  plane: 'data',
  summary: 'File a message the caller’s unit holds (e.g. a dialogue message) into the patient’s journal as a signed entry with the message’s id: once (a second call answers 200 with the same entry), needs a care relationship, audited',
  auth: 'token',
  roles: CLINICIAN,
  tenant: 'caller',
  params: threadParamsSchema,
  body: fileMessageSchema,
  problems: [404, 409, 429],
  responses: { 201: { description: 'Filed: the message with its journalEntryId', schema: messageSchema }, 200: { description: 'Filed before: the same entry', schema: messageSchema } },
});

const notCitizen = { 403: { description: 'Not a citizen' } } as const;

export const myDialoguePartiesRoute = messaging.route({
  id: 'myDialogueParties',
  method: 'GET',
  path: '/v1/messaging/me/parties',
  handler: 'functions/messaging/handlers/my-parties.ts',
  plane: 'data',
  summary: 'The units the citizen may write to, in the municipalities where they are a patient',
  auth: 'token',
  roles: ['citizen'],
  tenant: 'none',
  responses: { 200: { description: 'Units offering dialogue', schema: dialoguePartyListSchema }, ...notCitizen },
});

export const myThreadsRoute = messaging.route({
  id: 'myThreads',
  method: 'GET',
  path: '/v1/messaging/me/threads',
  handler: 'functions/messaging/handlers/my-threads.ts',
  plane: 'data',
  summary: "The citizen's conversations with units, newest first",
  auth: 'token',
  roles: ['citizen'],
  tenant: 'none',
  responses: { 200: { description: 'Conversations', schema: myThreadListSchema }, ...notCitizen },
});

export const sendMyMessageRoute = messaging.route({
  id: 'sendMyMessage',
  method: 'POST',
  path: '/v1/messaging/me/threads',
  handler: 'functions/messaging/handlers/send-my-message.ts',
  plane: 'data',
  summary: 'Write to a unit that offers dialogue, in a municipality where the citizen is a patient',
  auth: 'token',
  roles: ['citizen'],
  tenant: 'none',
  body: citizenMessageSchema,
  headers: idempotentHeadersSchema,
  problems: [404, 409],
  responses: { 201: { description: 'The new conversation', schema: myThreadSchema }, ...notCitizen },
});

export const readMyThreadRoute = messaging.route({
  id: 'readMyThread',
  method: 'GET',
  path: '/v1/messaging/me/threads/{tenant}/{threadId}',
  handler: 'functions/messaging/handlers/read-my-thread.ts',
  plane: 'data',
  summary: 'Open one of the citizen’s conversations (the unit’s answers move to read)',
  auth: 'token',
  roles: ['citizen'],
  tenant: 'none',
  params: citizenThreadParamsSchema,
  problems: [404],
  responses: { 200: { description: 'The conversation', schema: myThreadSchema }, ...notCitizen },
});

export const replyMyThreadRoute = messaging.route({
  id: 'replyMyThread',
  method: 'POST',
  path: '/v1/messaging/me/threads/{tenant}/{threadId}/replies',
  handler: 'functions/messaging/handlers/reply-my-thread.ts',
  plane: 'data',
  summary: 'Answer in one of the citizen’s conversations',
  auth: 'token',
  roles: ['citizen'],
  tenant: 'none',
  params: citizenThreadParamsSchema,
  body: citizenReplySchema,
  headers: idempotentHeadersSchema,
  problems: [404, 409],
  responses: { 201: { description: 'The conversation with the answer', schema: myThreadSchema }, ...notCitizen },
});

export const messagingRoutes = [
  listPartiesRoute,
  putPartyRoute,
  sendMessageRoute,
  unitInboxRoute,
  patientMessagesRoute,
  readThreadRoute,
  replyRoute,
  fileMessageRoute,
  myDialoguePartiesRoute,
  myThreadsRoute,
  sendMyMessageRoute,
  readMyThreadRoute,
  replyMyThreadRoute,
];
