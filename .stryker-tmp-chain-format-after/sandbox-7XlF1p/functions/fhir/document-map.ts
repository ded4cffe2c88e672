// @ts-nocheck
import { ENTRY_TYPES, type EntryType } from '../../shared/contracts/journal';
import type { RetrievedDocument, SharedDocument } from '../../shared/contracts/sharing';
import { DOCUMENT_TYPE_SYSTEM, NO_BASIS } from './no-basis';

export type FhirResource = Record<string, unknown> & { resourceType: string; id: string; meta?: { versionId?: string; lastUpdated?: string } };

function typeConcept(type: EntryType) {
  return { coding: [{ system: DOCUMENT_TYPE_SYSTEM, code: type, display: ENTRY_TYPES[type].label }] };
}

function authorOf(author: SharedDocument['author']) {
  return {
    ...(author.hpr ? { identifier: { system: NO_BASIS.hpr, value: author.hpr } } : {}),
    display: [author.name ?? author.id, author.profession].filter(Boolean).join(', '),
  };
}

/** Our extension naming who corrected a document and when (the original author stays first in `author`). */
export const CORRECTION_EXTENSION = 'urn:fellesjournal:fhir:StructureDefinition:correction';

function correctionOf(doc: SharedDocument) {
  if (!doc.correctedBy) return [];
  return [
    {
      url: CORRECTION_EXTENSION,
      extension: [
        { url: 'correctedBy', valueReference: authorOf(doc.correctedBy) },
        ...(doc.correctedAt ? [{ url: 'correctedAt', valueDateTime: doc.correctedAt }] : []),
      ],
    },
  ];
}

/**
 * A shared document's metadata as an MHD (Minimal) DocumentReference: the version as
 * meta.versionId, the origin municipality as custodian and setting, the author with HPR, and the
 * attachment URL where ITI-68 retrieves it. A document entered in error keeps no title. A corrected
 * one names its corrector beside the original author (a second `author`, and when in the
 * correction extension), as every other view of it does.
 */
export function toDocumentReference(doc: SharedDocument, patientId: string, base: string): FhirResource {
  const municipality = { system: NO_BASIS.municipalityCodes, code: doc.organisation.tenantId, display: doc.organisation.name };
  const correction = correctionOf(doc);
  return {
    resourceType: 'DocumentReference',
    id: doc.id,
    meta: { versionId: String(doc.version), lastUpdated: doc.recordedAt },
    ...(correction.length > 0 ? { extension: correction } : {}),
    masterIdentifier: { system: 'urn:fellesjournal:document', value: `${doc.id}.${doc.version}` },
    identifier: [{ use: 'official', system: 'urn:ietf:rfc:3986', value: `urn:uuid:${doc.entryId}` }],
    status: doc.status,
    docStatus: doc.status === 'entered-in-error' ? 'entered-in-error' : doc.corrected ? 'amended' : 'final',
    type: typeConcept(doc.type),
    category: [typeConcept(doc.type)],
    subject: { reference: `Patient/${patientId}` },
    date: doc.recordedAt,
    author: [authorOf(doc.author), ...(doc.correctedBy ? [authorOf(doc.correctedBy)] : [])],
    custodian: { display: doc.organisation.name, identifier: { system: NO_BASIS.municipalityCodes, value: doc.organisation.tenantId } },
    ...(doc.title ? { description: doc.title } : {}),
    content: [
      {
        attachment: {
          contentType: 'text/plain',
          language: 'nb',
          ...(doc.status === 'current' ? { url: `${base}/Binary/${doc.id}` } : {}),
          ...(doc.title ? { title: doc.title } : {}),
          creation: doc.date,
        },
      },
    ],
    context: {
      period: { start: doc.date },
      facilityType: { coding: [municipality] },
      practiceSetting: { coding: [municipality], text: doc.organisation.unit.name ?? doc.organisation.unit.id },
    },
  };
}

/** ITI-68: the document itself, decrypted by the sharing service after its decision. */
export function toBinary(doc: RetrievedDocument): FhirResource {
  return {
    resourceType: 'Binary',
    id: doc.id,
    meta: { versionId: String(doc.version) },
    contentType: 'text/plain',
    data: Buffer.from(`${doc.title}\n\n${doc.text}`, 'utf8').toString('base64'),
  };
}
