import type { SharedDocument } from '../../shared/contracts/sharing';
import type { TenantRequest } from '../core/patient-access';
import { searchPatients } from '../journal/patient-service';
import { listSharedDocuments } from '../sharing/document-service';
import { pageStart, searchset } from './bundle';
import { toDocumentReference } from './document-map';
import { DOCUMENT_TYPE_SYSTEM, NO_BASIS } from './no-basis';
import { nationalIdOfToken } from './patient-search';
import { dateMatches, patientIdOf, tokenMatches, type DocumentSearchQuery } from './search-params';

function matches(doc: SharedDocument, q: DocumentSearchQuery): boolean {
  // MHD: without a status the current documents are meant; superseded versions are never listed.
  const status = q.status ?? 'current';
  return (
    doc.status === status &&
    tokenMatches(q.type, DOCUMENT_TYPE_SYSTEM, doc.type) &&
    tokenMatches(q.category, DOCUMENT_TYPE_SYSTEM, doc.type) &&
    tokenMatches(q['author.identifier'], NO_BASIS.hpr, doc.author.hpr) &&
    tokenMatches(q.setting, NO_BASIS.municipalityCodes, doc.organisation.tenantId) &&
    dateMatches(q.date, doc.recordedAt)
  );
}

/**
 * ITI-67 Find Document References over the sharing service's listing (GET
 * /v1/sharing/patients/{id}/documents): the same decision, blocks and audit in both municipalities;
 * the FHIR parameters only narrow what that listing returned. A patient named by identifier is
 * found through the journal's search (decided, blocked and audited as there); no hit is an empty Bundle.
 */
export async function findDocumentReferences(req: TenantRequest, q: DocumentSearchQuery, base: string): Promise<Record<string, unknown>> {
  const scope = { resource: 'DocumentReference', tenant: req.tenant, sub: req.caller.sub, params: Object.fromEntries(Object.entries(q).map(([k, v]) => [k, v === undefined ? undefined : String(v)])) };
  const start = await pageStart(scope, q._page);
  let patientId = q.patient !== undefined ? patientIdOf(q.patient) : undefined;
  if (patientId === undefined && q['patient.identifier'] !== undefined) {
    const { nationalId, matches: kindMatches } = nationalIdOfToken(q['patient.identifier'], 'query.patient.identifier');
    const found = kindMatches ? await searchPatients(req, { nationalId }) : { patients: [] };
    patientId = found.patients[0]?.id;
  }
  if (patientId === undefined) return searchset({ scope, base, matches: [], start, count: q._count, complete: true });
  const list = await listSharedDocuments(req, patientId);
  const resources = list.documents.filter((d) => matches(d, q)).map((d) => toDocumentReference(d, list.patientId, base));
  return searchset({ scope, base, matches: resources, start, count: q._count, complete: true });
}
