import { HER_ID_PATTERN, MESSAGE_KINDS, type Message, type MessageHead, type MessageKind, type PartyRef } from '../../shared/contracts/messaging';
import { idSchema } from '../../shared/contracts/journal';
import * as z from '../../shared/contracts/zod';
import type { FhirResource } from './document-map';
import { noteIdOf, parseNoteId } from './note-map';

/**
 * Messages (functions/messaging) as FHIR R4 `Communication`, for vendor systems: one resource per
 * message copy the caller's unit holds. Its id joins the thread's and the message's UUIDs (as a
 * note id joins the patient's and the entry's), so a read finds the thread in one query. Parties
 * are named by HER-id (Adresseregisteret), the kind by our PLO code system, delivery states as
 * Communication.status; the text is the payload, present only where the message was opened.
 */

export const HER_SYSTEM = 'urn:oid:2.16.578.1.12.4.1.2';
export const MESSAGE_KIND_SYSTEM = 'https://fellesjournal.example/fhir/CodeSystem/message-kind';

export const communicationIdOf = (m: Pick<MessageHead, 'threadId' | 'id'>): string => noteIdOf(m.threadId, m.id);
export function parseCommunicationId(id: string): { threadId: string; messageId: string } {
  const { patientId: threadId, entryId: messageId } = parseNoteId(id);
  return { threadId, messageId };
}

/** Delivery state as Communication.status: on its way, done (delivered, read, answered), or stopped. */
const STATUS: Record<MessageHead['status'], string> = { sent: 'in-progress', delivered: 'completed', read: 'completed', answered: 'completed', failed: 'stopped' };

/** A party as a FHIR reference: an Organization by HER-id, or the citizen by name. */
export function partyRef(p: PartyRef): Record<string, unknown> {
  if (p.kind === 'citizen') return { display: p.name };
  return { type: 'Organization', display: p.name, ...(p.herId ? { identifier: { system: HER_SYSTEM, value: p.herId } } : {}) };
}

export function toCommunication(m: MessageHead | Message): FhirResource {
  const full = 'text' in m ? m : undefined;
  const received = full?.statusHistory.find((s) => s.status === 'delivered')?.at;
  return {
    resourceType: 'Communication',
    id: communicationIdOf(m),
    status: STATUS[m.status],
    ...(m.status === 'failed' && full ? { statusReason: { text: full.statusHistory.at(-1)?.reason ?? 'Avvist' } } : {}),
    category: [{ coding: [{ system: MESSAGE_KIND_SYSTEM, code: m.kind, display: MESSAGE_KINDS[m.kind].label }] }],
    subject: { reference: `Patient/${m.patientId}` },
    sent: m.sentAt,
    ...(received ? { received } : {}),
    sender: partyRef(m.from),
    recipient: [partyRef(m.to)],
    ...(full ? { topic: { text: full.subject }, payload: [{ contentString: full.text }, ...full.attachments.map((a) => ({ contentReference: { reference: `DocumentReference/${noteIdOf(m.patientId, a.entryId)}`, ...(a.title ? { display: a.title } : {}) } }))] } : {}),
  };
}

/** Parts of a message as FHIR bodies name them (Communication, Task): one schema each. */
export const patientReferenceSchema = z.object({ reference: z.string().check(z.regex(/^Patient\/[0-9a-f-]{36}$/, 'Patient/<id>')) });
export const herReferenceSchema = z.object({ identifier: z.object({ system: z.literal(HER_SYSTEM), value: z.string().check(z.regex(HER_ID_PATTERN, 'HER-id')) }) });
export const messageSubjectSchema = z.string().check(z.trim(), z.minLength(1), z.maxLength(200));
export const messageTextSchema = z.string().check(z.trim(), z.minLength(1), z.maxLength(10_000));
/** The patient id of a body's `Patient/<id>` reference (validated by patientReferenceSchema). */
export const patientOfReference = (ref: { reference: string }): string => ref.reference.slice('Patient/'.length);

/** What a vendor system sends to create one: patient, recipient by HER-id, kind, subject and text. */
export const communicationBodySchema = z.object({
  resourceType: z.literal('Communication'),
  status: z.optional(z.string()),
  subject: patientReferenceSchema,
  recipient: z.tuple([herReferenceSchema]),
  category: z.tuple([z.object({ coding: z.tuple([z.object({ system: z.literal(MESSAGE_KIND_SYSTEM), code: z.enum(Object.keys(MESSAGE_KINDS) as [MessageKind, ...MessageKind[]]) })]) })]),
  topic: z.object({ text: messageSubjectSchema }),
  payload: z.tuple([z.object({ contentString: messageTextSchema })]),
});
export type CommunicationBody = z.output<typeof communicationBodySchema>;

/** A search's `patient` parameter: `Patient/<id>` or a bare id (required: messages are read per patient). */
export const patientParamSchema = z.string().check(z.regex(/^(Patient\/)?[0-9a-f-]{36}$/, 'Patient/<id>'));

/** `_count` and the sealed `_page` of a search over a patient's messages. */
export const messagePaging = {
  _count: z._default(z.coerce.number().check(z.int(), z.minimum(1, '_count: 1..100'), z.maximum(100, '_count: 1..100')), 20),
  _page: z.optional(z.string().check(z.maxLength(2000))),
};

export const communicationSearchQuerySchema = z.object({
  patient: patientParamSchema,
  /** `urn:oid:2.16.578.1.12.4.1.2|<HER-id>` or a bare HER-id: messages to that party. */
  recipient: z.optional(z.string().check(z.maxLength(80))),
  ...messagePaging,
});
export type CommunicationSearchQuery = z.output<typeof communicationSearchQuerySchema>;

/** The path parameter of a resource whose id joins a thread's and a message's UUIDs (Communication, Task). */
export const messageResourceParams = (resource: 'Communication' | 'Task') => z.object({ id: z.string().check(z.regex(/^[0-9a-f]{64}$/, `${resource}-id: 64 heksadesimale tegn`)) });
export const communicationParamsSchema = messageResourceParams('Communication');

/** The patient id of a search's `patient` parameter (validated by the schema). */
export const patientOfSearch = (patient: string): string => idSchema.parse(patient.replace(/^Patient\//, ''));
