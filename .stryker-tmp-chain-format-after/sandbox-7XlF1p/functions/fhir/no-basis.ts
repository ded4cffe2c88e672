/**
 * Identifier systems and extensions of HL7 Norway no-basis (HL7Norway/basisprofiler-r4), the
 * Norwegian base profiles every national FHIR API builds on.
 */
// @ts-nocheck

export const NO_BASIS = {
  fnr: 'urn:oid:2.16.578.1.12.4.1.4.1',
  dnr: 'urn:oid:2.16.578.1.12.4.1.4.2',
  hpr: 'urn:oid:2.16.578.1.12.4.1.4.4',
  enh: 'urn:oid:2.16.578.1.12.4.1.4.101',
  herId: 'urn:oid:2.16.578.1.12.4.1.2',
  /** Kommunenummer (Volven 3402). */
  municipalityCodes: 'urn:oid:2.16.578.1.12.4.1.1.3402',
  municipalityExtension: 'http://hl7.no/fhir/StructureDefinition/no-basis-municipalitycode',
  patientProfile: 'http://hl7.no/fhir/StructureDefinition/no-basis-Patient',
} as const;

/** The platform's own code system for document (entry) types, until they are mapped to Volven 9602. */
export const DOCUMENT_TYPE_SYSTEM = 'urn:fellesjournal:entry-type';
