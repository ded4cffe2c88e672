import { NotFoundError } from '../../shared/errors';
import type { WriteOutcome } from '../core/commit';
import type { TenantRequest } from '../core/patient-access';
import { patientMessages, readThread, sendMessage } from '../messaging/message-service';
import { pageStart, searchset } from './bundle';
import { type CommunicationBody, type CommunicationSearchQuery, parseCommunicationId, patientOfReference, patientOfSearch, toCommunication } from './communication-map';
import type { FhirResource } from './document-map';
import { splitToken } from './search-params';

/**
 * FHIR Communication over the messaging service: the same use cases, decision and audit as
 * /v1/messaging. Search lists the messages about a patient the caller's unit holds (heads: the
 * text is opened, and audited, by a read); read opens the thread (audited, the read receipt goes
 * back); create sends a message from the caller's unit.
 */

export async function searchCommunications(req: TenantRequest, q: CommunicationSearchQuery, base: string): Promise<Record<string, unknown>> {
  const scope = { resource: 'Communication', tenant: req.tenant, sub: req.caller.sub, params: { patient: q.patient, recipient: q.recipient } };
  const start = await pageStart(scope, q._page);
  const heads = await patientMessages(req, patientOfSearch(q.patient), 100);
  const recipient = q.recipient ? splitToken(q.recipient).code : undefined;
  const matches = heads.filter((h) => recipient === undefined || h.to.herId === recipient).map(toCommunication);
  return searchset({ scope, base, matches, start, count: q._count, complete: heads.length < 100 });
}

export async function readCommunication(req: TenantRequest, id: string): Promise<FhirResource> {
  const { threadId, messageId } = parseCommunicationId(id);
  const thread = await readThread(req, threadId);
  const message = thread.messages.find((m) => m.id === messageId);
  if (!message) throw new NotFoundError('Ingen slik melding.');
  return toCommunication(message);
}

export async function createCommunication(req: TenantRequest, body: CommunicationBody, idempotencyKey: string): Promise<WriteOutcome<FhirResource & { resourceType: string; id: string }>> {
  const outcome = await sendMessage(
    req,
    {
      patientId: patientOfReference(body.subject),
      to: body.recipient[0].identifier.value,
      kind: body.category[0].coding[0].code,
      subject: body.topic.text,
      text: body.payload[0].contentString,
    },
    idempotencyKey,
  );
  return { ...outcome, value: toCommunication(outcome.value) };
}
