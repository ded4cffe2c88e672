import * as z from './zod';
import { tenantIdSchema, trimmedString } from './common';
import { idSchema } from './journal';

/**
 * Messaging contracts: the communication parties of a municipality (its address book, kept by
 * the tenant admin), messages about a patient modelled on PLO and dialogue messages, threads,
 * delivery states and application receipts, and the citizen's dialogue with a unit. Shared by
 * the API and the web client.
 */

// ---------------------------------------------------------------------------------------------
// Communication parties

/**
 * A HER-id (Adresseregisteret, urn:oid:2.16.578.1.12.4.1.2): a positive whole number without
 * leading zeros; real ones run from three to nine digits.
 */
export const HER_ID_PATTERN = /^[1-9]\d{2,8}$/;
export const herIdSchema = z.string().check(z.regex(HER_ID_PATTERN, 'HER-id: 3–9 sifre, uten innledende null'));

/**
 * Where a party is: `unit` a unit of this municipality, `platform` a unit of another municipality
 * on the platform (delivered internally, into its own inbox), `external` a party outside the
 * platform (hospital ward, GP office), reached through the message exchange by HER-id.
 */
export const PARTY_KINDS = ['unit', 'platform', 'external'] as const;
export type PartyKind = (typeof PARTY_KINDS)[number];

/** The service a party offers, as the municipality registers it in HER (DOMAIN item 18). */
export const PARTY_SERVICES = ['sykepleietjeneste', 'legetjeneste', 'saksbehandler', 'sengepost', 'fastlege', 'annet'] as const;
export type PartyService = (typeof PARTY_SERVICES)[number];

export const partySchema = z
  .object({
    herId: herIdSchema,
    name: z.string(),
    kind: z.enum(PARTY_KINDS),
    service: z.enum(PARTY_SERVICES),
    /** `unit`: this municipality; `platform`: the other municipality. */
    tenant: z.optional(tenantIdSchema),
    /** The unit (enhet) in `tenant`, for `unit` and `platform` parties. */
    unitId: z.optional(z.string()),
    /** Whether citizens may write to this party (a unit of this municipality only). */
    citizenDialogue: z.boolean(),
    active: z.boolean(),
    updatedAt: z.string(),
    updatedBy: z.string(),
  })
  .register(z.globalRegistry, { id: 'CommunicationParty' });
export type Party = z.infer<typeof partySchema>;

export const putPartySchema = z.object({
  name: trimmedString(1, 120, 'Navn er påkrevd'),
  kind: z.enum(PARTY_KINDS),
  service: z.enum(PARTY_SERVICES),
  tenant: z.optional(tenantIdSchema),
  unitId: z.optional(trimmedString(1, 80)),
  citizenDialogue: z._default(z.boolean(), false),
  active: z._default(z.boolean(), true),
});
export type PutPartyRequest = z.output<typeof putPartySchema>;

export const partyParamsSchema = z.object({ herId: herIdSchema });
export const partyListSchema = z.object({ items: z.array(partySchema) });
export const partyQuerySchema = z.object({ q: z.optional(z.string().check(z.trim(), z.maxLength(80))) });

/** The parties a citizen may write to, in the municipalities where they are a patient. */
export const dialoguePartyListSchema = z.object({
  items: z.array(z.object({ tenant: tenantIdSchema, tenantName: z.string(), herId: herIdSchema, name: z.string() })),
});

// ---------------------------------------------------------------------------------------------
// Messages

/**
 * Kinds of message, after the PLO messages (pleie- og omsorgsmeldinger) municipal care sends and
 * receives, plus the free-text dialogue message. `clinical`: kept in the patient's journal.
 */
export const MESSAGE_KINDS = {
  'helseopplysninger-innleggelse': { label: 'Helseopplysninger ved innleggelse', clinical: true },
  utskrivningsrapport: { label: 'Utskrivningsrapport', clinical: true },
  foresporsel: { label: 'Forespørsel', clinical: true },
  svar: { label: 'Svar på forespørsel', clinical: true },
  avviksmelding: { label: 'Avviksmelding', clinical: false },
  dialog: { label: 'Dialogmelding', clinical: false },
} as const;
export type MessageKind = keyof typeof MESSAGE_KINDS;
export const messageKindSchema = z.enum(Object.keys(MESSAGE_KINDS) as [MessageKind, ...MessageKind[]]);

/** Whether a message of this kind is kept in the patient's journal. */
export function isClinicalMessage(kind: MessageKind): boolean {
  return MESSAGE_KINDS[kind].clinical;
}

/**
 * Delivery states. The sender's copy goes sent -> delivered (the receiver's application receipt)
 * -> read -> answered, or sent -> failed (rejected, or undeliverable after the retries).
 */
export const DELIVERY_STATES = ['sent', 'delivered', 'read', 'answered', 'failed'] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];

/** A party as a message names it: from the directory, or the citizen. */
export const partyRefSchema = z.object({
  kind: z.enum([...PARTY_KINDS, 'citizen']),
  name: z.string(),
  herId: z.optional(herIdSchema),
  tenant: z.optional(tenantIdSchema),
  unitId: z.optional(z.string()),
});
export type PartyRef = z.infer<typeof partyRefSchema>;

export const statusChangeSchema = z.object({
  status: z.enum(DELIVERY_STATES),
  at: z.string(),
  /** Why it failed (the receiver's rejection, or the last transport error). */
  reason: z.optional(z.string()),
});

/** An application receipt (applikasjonskvittering): the receiver's answer to one message. */
export const receiptSchema = z.object({
  messageId: z.string(),
  status: z.enum(['ok', 'rejected']),
  reason: z.optional(z.string()),
  at: z.string(),
});
export type Receipt = z.infer<typeof receiptSchema>;

/** A message's id is a UUID; a thread's id is the id of its first message. */
export const messageIdSchema = idSchema;

/** What an inbox lists: no subject or text (those are opened, and audited, in the thread). */
export const messageHeadSchema = z
  .object({
    id: messageIdSchema,
    threadId: messageIdSchema,
    direction: z.enum(['in', 'out']),
    kind: messageKindSchema,
    from: partyRefSchema,
    to: partyRefSchema,
    /** The patient in this municipality. */
    patientId: idSchema,
    sentAt: z.string(),
    status: z.enum(DELIVERY_STATES),
    /** The unit that holds this copy (its inbox or sent box). */
    unit: z.string(),
  })
  .register(z.globalRegistry, { id: 'MessageHead' });
export type MessageHead = z.infer<typeof messageHeadSchema>;

export const attachmentSchema = z.object({ entryId: idSchema, title: z.optional(z.string()) });

export const messageSchema = z
  .object({
    ...messageHeadSchema.shape,
    subject: z.string(),
    text: z.string(),
    attachments: z.array(attachmentSchema),
    statusHistory: z.array(statusChangeSchema),
    /** The journal entry the message is kept in, when clinically relevant. */
    journalEntryId: z.optional(idSchema),
    /** Who wrote it (a person of the sending unit; absent for external senders). */
    author: z.optional(z.object({ sub: z.string(), name: z.optional(z.string()) })),
  })
  .register(z.globalRegistry, { id: 'Message' });
export type Message = z.infer<typeof messageSchema>;

export const inboxQuerySchema = z.object({
  box: z._default(z.enum(['in', 'out']), 'in'),
  limit: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(100)), 50),
});
export const messageHeadListSchema = z.object({ items: z.array(messageHeadSchema) });

export const threadSchema = z.object({ threadId: messageIdSchema, patientId: idSchema, messages: z.array(messageSchema) });
export type Thread = z.infer<typeof threadSchema>;
export const threadParamsSchema = z.object({ threadId: messageIdSchema });
/** Which message of a thread to file in the journal. */
export const fileMessageSchema = z.object({ messageId: messageIdSchema });

const subject = trimmedString(1, 200, 'Emne er påkrevd');
const body = trimmedString(1, 10_000, 'Tekst er påkrevd');
const attachments = z.optional(z.array(idSchema).check(z.maxLength(10)));

/** A new message from the caller's unit about a patient of the municipality. */
export const sendMessageSchema = z.object({
  patientId: idSchema,
  to: herIdSchema,
  kind: messageKindSchema,
  subject,
  text: body,
  /** Journal entries of the patient to attach (their titles travel with the message). */
  attachments,
});
export type SendMessageRequest = z.output<typeof sendMessageSchema>;

/** An answer in a thread, to the other party of the message it answers. */
export const replySchema = z.object({
  kind: z._default(messageKindSchema, 'svar'),
  text: body,
  attachments,
});
export type ReplyRequest = z.output<typeof replySchema>;

// ---------------------------------------------------------------------------------------------
// The citizen's dialogue

export const citizenMessageSchema = z.object({ tenant: tenantIdSchema, to: herIdSchema, subject, text: body });
export type CitizenMessageRequest = z.output<typeof citizenMessageSchema>;
export const citizenReplySchema = z.object({ text: body });
export const citizenThreadParamsSchema = z.object({ tenant: tenantIdSchema, threadId: messageIdSchema });

/** A citizen's thread as they see it: the unit's name, no internal unit ids. */
export const myThreadListSchema = z.object({
  items: z.array(z.object({ tenant: tenantIdSchema, threadId: messageIdSchema, subject: z.string(), unit: z.string(), lastAt: z.string(), unread: z.int() })),
});
export const myThreadSchema = z.object({
  tenant: tenantIdSchema,
  threadId: messageIdSchema,
  messages: z.array(z.object({ id: messageIdSchema, fromCitizen: z.boolean(), from: z.string(), subject: z.string(), text: z.string(), sentAt: z.string(), status: z.enum(DELIVERY_STATES) })),
});
export type MyThread = z.infer<typeof myThreadSchema>;
