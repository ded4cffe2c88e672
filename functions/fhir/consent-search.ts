import { ForbiddenError, NotFoundError, ValidationError } from '../../shared/errors';
import { parseNationalId } from '../../shared/contracts/identifiers';
import type { Caller } from '../../shared/auth/caller';
import type { RequestSessions } from '../../shared/db/session-source';
import type { TenantRequest } from '../core/patient-access';
import { listMyBlocks, listPatientBlocks } from '../sharing/block-service';
import { pageStart, searchset } from './bundle';
import { toConsent, toOwnConsent } from './consent-map';
import { NO_BASIS } from './no-basis';
import { nationalIdOfToken } from './patient-search';
import type { FhirResource } from './document-map';
import { parseNoteId } from './note-map';
import { patientIdOf, type ConsentSearchQuery } from './search-params';

/**
 * A Consent request as the FHIR routes pass it: staff act in their municipality (tenant and
 * session); a citizen acts in none, for their own record only.
 */
export type ConsentRequest = Omit<TenantRequest, 'tenant' | 'session'> & { tenant?: string; session?: TenantRequest['session'] };

function staff(req: ConsentRequest): TenantRequest | undefined {
  return req.tenant !== undefined && req.session !== undefined ? (req as TenantRequest) : undefined;
}

/** The citizen's own national id as a no-basis identifier (FNR, or DNR for a D-number). */
function ownIdentifier(caller: Caller): { system: string; value: string } {
  if (!caller.pid) throw new ForbiddenError('Innloggingen mangler fødselsnummer.');
  return { system: parseNationalId(caller.pid)?.kind === 'dnr' ? NO_BASIS.dnr : NO_BASIS.fnr, value: caller.pid };
}

/** The citizen's own blocks as Consent (GET /v1/sharing/me/blocks: the same listing, recorded as there). */
async function ownConsents(req: { caller: Caller; sessions: RequestSessions; requestId: string }): Promise<FhirResource[]> {
  const identifier = ownIdentifier(req.caller);
  const { blocks } = await listMyBlocks(req);
  return blocks.map((b) => toOwnConsent(b, identifier));
}

/**
 * The citizen's blocks as Consent: for staff acting on the patient's behalf, the sharing service's
 * listing (GET /v1/sharing/patients/{id}/blocks) with its decision and audit; for the citizen,
 * their own listing (GET /v1/sharing/me/blocks). A citizen naming anyone else is refused (403).
 */
export async function searchConsents(req: ConsentRequest, q: ConsentSearchQuery, base: string): Promise<Record<string, unknown>> {
  const scope = { resource: 'Consent', tenant: req.tenant ?? '-', sub: req.caller.sub, params: { patient: q.patient, 'patient.identifier': q['patient.identifier'], status: q.status } };
  const start = await pageStart(scope, q._page);
  const inTenant = staff(req);
  let matches: FhirResource[];
  if (inTenant) {
    if (q.patient === undefined) throw new ValidationError('Forespørselen har ugyldige felt.', [{ field: 'query.patient', message: 'Påkrevd: Patient/<id>' }]);
    const patientId = patientIdOf(q.patient)!;
    const { blocks } = await listPatientBlocks(inTenant, patientId);
    matches = blocks.map((b) => toConsent(b, patientId));
  } else {
    // A citizen reads only their own record: a municipality's patient id or another person's number is refused.
    const named = q['patient.identifier'] === undefined ? undefined : nationalIdOfToken(q['patient.identifier'], 'query.patient.identifier');
    if (q.patient !== undefined || (named && (named.nationalId !== req.caller.pid || !named.matches))) {
      throw new ForbiddenError('En innbygger ser bare sine egne sperringer.');
    }
    matches = await ownConsents(req);
  }
  return searchset({ scope, base, matches: matches.filter((c) => q.status === undefined || c.status === q.status), start, count: q._count, complete: true });
}

/** One Consent (a block) by id: the patient's listing (the citizen's own), decided and audited as the search is. */
export async function readConsent(req: ConsentRequest, id: string): Promise<FhirResource> {
  // A Consent id is built as a note id is: the patient's (for the citizen, the block's) and the block's UUIDs.
  const { patientId } = parseNoteId(id);
  const inTenant = staff(req);
  const consents = inTenant ? (await listPatientBlocks(inTenant, patientId)).blocks.map((b) => toConsent(b, patientId)) : await ownConsents(req);
  const consent = consents.find((c) => c.id === id);
  if (!consent) throw new NotFoundError('Ingen slik sperring.');
  return consent;
}
