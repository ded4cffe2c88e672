import { documentIdOf, parseDocumentId, type Block } from '../../shared/contracts/sharing';
import type { FhirResource } from './document-map';
import { DOCUMENT_TYPE_SYSTEM } from './no-basis';

/**
 * A citizen's block (sperring) as an R4 Consent: a privacy consent whose provision denies sharing
 * (hpl § 45 / pbrl § 5-3: the patient objects), narrowed to one document, one category, one
 * person or one unit; active until lifted.
 */

/** A block's FHIR id: the patient's and the block's UUIDs as 64 hex digits (blocks are listed per patient). */
export function consentIdOf(patientId: string, blockId: string): string {
  return `${patientId}${blockId}`.replaceAll('-', '');
}

function provisionOf(block: Block): Record<string, unknown> {
  const t = block.target;
  const period = { start: block.createdAt, ...(block.liftedAt ? { end: block.liftedAt } : {}) };
  const base = { type: 'deny', period };
  const recipient = { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType', code: 'IRCP', display: 'information recipient' }] };
  switch (t.kind) {
    case 'document': {
      // The document's own municipality keeps it; the reference names it as ITI-67 lists it.
      const { tenant, entryId } = parseDocumentId(t.documentId);
      return { ...base, data: [{ meaning: 'instance', reference: { reference: `DocumentReference/${documentIdOf(tenant, entryId)}` } }] };
    }
    case 'category':
      return { ...base, code: [{ coding: [{ system: DOCUMENT_TYPE_SYSTEM, code: t.category }] }] };
    case 'all-sharing':
      return base;
    case 'person':
    case 'named-person':
      return { ...base, actor: [{ role: recipient, reference: { display: block.targetLabel ?? ('name' in t ? t.name : 'Helsepersonell') } }] };
    case 'unit':
    case 'named-unit':
      return { ...base, actor: [{ role: recipient, reference: { display: block.targetLabel ?? ('name' in t ? t.name : 'Enhet') } }] };
    case 'research':
      // The citizen objects to research use of the record: a denial for that purpose of use.
      return { ...base, purpose: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason', code: 'HRESCH', display: 'healthcare research' }] };
  }
}

/**
 * A citizen's block as the citizen reads it: the citizen is the patient by their national id (a
 * block holds in every municipality, so no one municipality's Patient), and the Consent is named
 * by the block alone (its UUID twice, the same 64-hex shape as a staff view's id).
 */
export function toOwnConsent(block: Block, patientIdentifier: { system: string; value: string }): FhirResource {
  return { ...toConsent(block, ''), id: consentIdOf(block.id, block.id), patient: { identifier: patientIdentifier } };
}

/** A block as a Consent of the patient in the caller's municipality. */
export function toConsent(block: Block, patientId: string): FhirResource {
  return {
    resourceType: 'Consent',
    id: consentIdOf(patientId, block.id),
    status: block.active ? 'active' : 'inactive',
    scope: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'patient-privacy' }] },
    category: [{ coding: [{ system: 'http://loinc.org', code: '59284-0', display: 'Patient Consent' }] }],
    patient: { reference: `Patient/${patientId}` },
    dateTime: block.createdAt,
    // The citizen objects to sharing (opt-out): the platform's rule for a block.
    policyRule: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'OPTOUT' }], text: 'Sperring (hpl § 45, pbrl § 5-3)' },
    provision: provisionOf(block),
  };
}
