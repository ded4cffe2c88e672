import { NotFoundError } from '../../shared/errors';
import type { TenantRequest } from '../core/patient-access';
import { listPatientBlocks } from '../sharing/block-service';
import { pageStart, searchset } from './bundle';
import { toConsent } from './consent-map';
import type { FhirResource } from './document-map';
import { parseNoteId } from './note-map';
import { patientIdOf, type ConsentSearchQuery } from './search-params';

/**
 * The citizen's blocks as Consent, for staff acting on the patient's behalf: the sharing
 * service's listing (GET /v1/sharing/patients/{id}/blocks), with its decision and audit.
 */
export async function searchConsents(req: TenantRequest, q: ConsentSearchQuery, base: string): Promise<Record<string, unknown>> {
  const scope = { resource: 'Consent', tenant: req.tenant, sub: req.caller.sub, params: { patient: q.patient, status: q.status } };
  const start = await pageStart(scope, q._page);
  const patientId = patientIdOf(q.patient)!;
  const { blocks } = await listPatientBlocks(req, patientId);
  const matches = blocks.map((b) => toConsent(b, patientId)).filter((c) => q.status === undefined || c.status === q.status);
  return searchset({ scope, base, matches, start, count: q._count, complete: true });
}

/** One Consent (a block) by id: the patient's listing, decided and audited as the search is. */
export async function readConsent(req: TenantRequest, id: string): Promise<FhirResource> {
  // A Consent id is built as a note id is: the patient's and the block's UUIDs.
  const { patientId, entryId: blockId } = parseNoteId(id);
  const { blocks } = await listPatientBlocks(req, patientId);
  const block = blocks.find((b) => b.id === blockId);
  if (!block) throw new NotFoundError('Ingen slik sperring.');
  return toConsent(block, patientId);
}
