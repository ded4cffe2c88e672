import { MESSAGE_KINDS, type Message, type MessageHead } from '../../shared/contracts/messaging';
import * as z from '../../shared/contracts/zod';
import { communicationIdOf, herReferenceSchema, MESSAGE_KIND_SYSTEM, messagePaging, messageResourceParams, messageSubjectSchema, messageTextSchema, partyRef, patientParamSchema, patientReferenceSchema } from './communication-map';
import type { FhirResource } from './document-map';

/**
 * A forespørsel (request) and its svar (answer) as a FHIR R4 `Task`, for vendor systems: the Task
 * is the forespørsel message the caller's unit holds, so it has that message's Communication id,
 * its owner is the party asked (by HER-id), its input the question and its output the answers.
 * Its status follows the message's delivery state: requested until the receiver's application
 * receipt, received once delivered (or read), completed when answered, failed when rejected.
 */

const REQUEST_KIND = 'foresporsel' as const;
const ANSWER_KIND = 'svar' as const;

export const TASK_STATUSES = ['requested', 'received', 'completed', 'failed'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

/** Delivery state as Task.status (an answer in the thread completes it even before its receipt moves the state). */
const STATUS: Record<MessageHead['status'], TaskStatus> = { sent: 'requested', delivered: 'received', read: 'received', answered: 'completed', failed: 'failed' };

export const isRequest = (m: Pick<MessageHead, 'kind'>): boolean => m.kind === REQUEST_KIND;

export function taskStatusOf(request: Pick<MessageHead, 'status'>, answers: readonly unknown[] = []): TaskStatus {
  return answers.length > 0 && request.status !== 'failed' ? 'completed' : STATUS[request.status];
}

/** The answers to a request in its thread: svar messages from the other side, after it. */
export function answersTo(request: Message, thread: readonly Message[]): Message[] {
  return thread.filter((m) => m.kind === ANSWER_KIND && m.direction !== request.direction && m.id !== request.id && m.sentAt >= request.sentAt);
}

const kindCoding = (kind: MessageHead['kind']) => ({ system: MESSAGE_KIND_SYSTEM, code: kind, display: MESSAGE_KINDS[kind].label });

/**
 * The Task of a request: a head (search: no question text, as Communication search has no
 * payload) or the opened message with the thread's answers (read, create).
 */
export function toTask(request: MessageHead | Message, answers: readonly Message[] = []): FhirResource {
  const full = 'text' in request ? request : undefined;
  const status = taskStatusOf(request, answers);
  const communication = { reference: `Communication/${communicationIdOf(request)}` };
  return {
    resourceType: 'Task',
    id: communicationIdOf(request),
    // The thread (its first message) the request belongs to; a new request starts its own.
    basedOn: [{ reference: `Communication/${communicationIdOf({ threadId: request.threadId, id: request.threadId })}` }],
    status,
    ...(status === 'failed' && full ? { statusReason: { text: full.statusHistory.at(-1)?.reason ?? 'Avvist' } } : {}),
    intent: 'order',
    code: { coding: [kindCoding(REQUEST_KIND)], ...(full ? { text: full.subject } : {}) },
    focus: communication,
    for: { reference: `Patient/${request.patientId}` },
    authoredOn: request.sentAt,
    lastModified: full?.statusHistory.at(-1)?.at ?? request.sentAt,
    requester: partyRef(request.from),
    owner: partyRef(request.to),
    ...(full ? { input: [{ type: { coding: [kindCoding(REQUEST_KIND)] }, valueString: full.text }] } : {}),
    ...(answers.length > 0
      ? {
          output: answers.flatMap((a) => [
            { type: { coding: [kindCoding(ANSWER_KIND)] }, valueString: a.text },
            { type: { coding: [kindCoding(ANSWER_KIND)] }, valueReference: { reference: `Communication/${communicationIdOf(a)}`, display: a.subject } },
          ]),
        }
      : {}),
  };
}

/**
 * What a vendor system sends to ask a party: intent order, the patient, the owner by HER-id, the
 * question's subject (code.text) and text (input). It is sent as a forespørsel message.
 */
export const taskBodySchema = z.object({
  resourceType: z.literal('Task'),
  status: z.optional(z.string()),
  intent: z.literal('order'),
  code: z.object({ coding: z.optional(z.tuple([z.object({ system: z.literal(MESSAGE_KIND_SYSTEM), code: z.literal(REQUEST_KIND) })])), text: messageSubjectSchema }),
  for: patientReferenceSchema,
  owner: herReferenceSchema,
  input: z.tuple([z.object({ type: z.optional(z.object({ text: z.optional(z.string()), coding: z.optional(z.array(z.object({ system: z.optional(z.string()), code: z.optional(z.string()) }))) })), valueString: messageTextSchema })]),
});
export type TaskBody = z.output<typeof taskBodySchema>;

export const taskSearchQuerySchema = z.object({
  patient: patientParamSchema,
  /** `urn:oid:2.16.578.1.12.4.1.2|<HER-id>` or a bare HER-id: requests to that party. */
  owner: z.optional(z.string().check(z.maxLength(80))),
  /** One or more of requested, received, completed, failed (comma-separated). */
  status: z.optional(z.string().check(z.regex(new RegExp(`^(${TASK_STATUSES.join('|')})(,(${TASK_STATUSES.join('|')}))*$`), `status: ${TASK_STATUSES.join(' | ')}`))),
  ...messagePaging,
});
export type TaskSearchQuery = z.output<typeof taskSearchQuerySchema>;

export const taskParamsSchema = messageResourceParams('Task');
