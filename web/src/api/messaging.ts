import type * as R from '../../../functions/messaging/routes';
import { idempotencyKey } from './client';
import { callRoute, type BodyOf } from './routes';

/**
 * The messaging API as the screens use it (a unit's inbox, threads, compose, the citizen's
 * dialogue); each call is checked against its entry in functions/messaging/routes.ts.
 */
export const messagingApi = {
  parties: (q: string | undefined, signal?: AbortSignal) => callRoute<typeof R.listPartiesRoute>('GET', '/v1/messaging/parties', { query: { q }, signal }),
  inbox: (box: 'in' | 'out', signal?: AbortSignal) => callRoute<typeof R.unitInboxRoute>('GET', '/v1/messaging/inbox', { query: { box }, signal }),
  patientMessages: (patientId: string, signal?: AbortSignal) =>
    callRoute<typeof R.patientMessagesRoute>('GET', '/v1/messaging/patients/{patientId}/messages', { params: { patientId }, signal }),
  thread: (threadId: string, signal?: AbortSignal) => callRoute<typeof R.readThreadRoute>('GET', '/v1/messaging/threads/{threadId}', { params: { threadId }, signal }),
  fileInJournal: (threadId: string, messageId: string) =>
    callRoute<typeof R.fileMessageRoute>('POST', '/v1/messaging/threads/{threadId}/journal', { params: { threadId }, body: { messageId } }),
  send: (body: BodyOf<typeof R.sendMessageRoute>, key = idempotencyKey()) => callRoute<typeof R.sendMessageRoute>('POST', '/v1/messaging/messages', { body, headers: { 'idempotency-key': key } }),
  reply: (threadId: string, body: BodyOf<typeof R.replyRoute>, key = idempotencyKey()) =>
    callRoute<typeof R.replyRoute>('POST', '/v1/messaging/threads/{threadId}/replies', { params: { threadId }, body, headers: { 'idempotency-key': key } }),
  myParties: (signal?: AbortSignal) => callRoute<typeof R.myDialoguePartiesRoute>('GET', '/v1/messaging/me/parties', { signal }),
  myThreads: (signal?: AbortSignal) => callRoute<typeof R.myThreadsRoute>('GET', '/v1/messaging/me/threads', { signal }),
  myThread: (tenant: string, threadId: string, signal?: AbortSignal) =>
    callRoute<typeof R.readMyThreadRoute>('GET', '/v1/messaging/me/threads/{tenant}/{threadId}', { params: { tenant, threadId }, signal }),
  sendMine: (body: BodyOf<typeof R.sendMyMessageRoute>, key = idempotencyKey()) =>
    callRoute<typeof R.sendMyMessageRoute>('POST', '/v1/messaging/me/threads', { body, headers: { 'idempotency-key': key } }),
  replyMine: (tenant: string, threadId: string, text: string, key = idempotencyKey()) =>
    callRoute<typeof R.replyMyThreadRoute>('POST', '/v1/messaging/me/threads/{tenant}/{threadId}/replies', { params: { tenant, threadId }, body: { text }, headers: { 'idempotency-key': key } }),
};
