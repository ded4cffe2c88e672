import { NotFoundError } from '../../shared/errors';
import type { WriteOutcome } from '../core/commit';
import type { TenantRequest } from '../core/patient-access';
import { patientMessages, readThread, sendMessage } from '../messaging/message-service';
import { pageStart, searchset } from './bundle';
import { parseCommunicationId, patientOfReference, patientOfSearch } from './communication-map';
import type { FhirResource } from './document-map';
import { splitToken } from './search-params';
import { answersTo, isRequest, type TaskBody, type TaskSearchQuery, taskStatusOf, toTask } from './task-map';

/**
 * FHIR Task over the messaging service: a forespørsel and its svar. The same use cases, decision
 * and audit as /v1/messaging and Communication: create sends a forespørsel from the caller's unit,
 * search lists the requests about a patient the unit holds (sent or received; heads, nothing
 * opened), read opens the thread (audited; a received request moves to read) and shows the answers.
 */

export async function searchTasks(req: TenantRequest, q: TaskSearchQuery, base: string): Promise<Record<string, unknown>> {
  const scope = { resource: 'Task', tenant: req.tenant, sub: req.caller.sub, params: { patient: q.patient, owner: q.owner, status: q.status } };
  const start = await pageStart(scope, q._page);
  const heads = await patientMessages(req, patientOfSearch(q.patient), 100);
  const owner = q.owner ? splitToken(q.owner).code : undefined;
  const statuses = q.status?.split(',');
  const matches = heads.filter((h) => isRequest(h) && (owner === undefined || h.to.herId === owner) && (statuses === undefined || statuses.includes(taskStatusOf(h)))).map((h) => toTask(h));
  return searchset({ scope, base, matches, start, count: q._count, complete: heads.length < 100 });
}

export async function readTask(req: TenantRequest, id: string): Promise<FhirResource> {
  const { threadId, messageId } = parseCommunicationId(id);
  const thread = await readThread(req, threadId);
  const request = thread.messages.find((m) => m.id === messageId && isRequest(m));
  if (!request) throw new NotFoundError('Ingen slik forespørsel.');
  return toTask(request, answersTo(request, thread.messages));
}

export async function createTask(req: TenantRequest, body: TaskBody, idempotencyKey: string): Promise<WriteOutcome<FhirResource & { resourceType: string; id: string }>> {
  const outcome = await sendMessage(
    req,
    { patientId: patientOfReference(body.for), to: body.owner.identifier.value, kind: 'foresporsel', subject: body.code.text, text: body.input[0].valueString },
    idempotencyKey,
  );
  return { ...outcome, value: toTask(outcome.value) };
}
