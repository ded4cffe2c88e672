// @ts-nocheck
import { parseNationalId } from '../../shared/contracts/identifiers';
import type { Patient } from '../../shared/contracts/journal';
import { NO_BASIS } from './no-basis';

export type FhirPatient = {
  resourceType: 'Patient';
  id: string;
  meta: { versionId: string; lastUpdated?: string; profile: string[] };
  identifier: { use: 'official'; system: string; value: string }[];
  name: { use: 'official'; text: string; family?: string; given?: string[] }[];
  gender: Patient['gender'];
  birthDate: string;
  address: { _district: { extension: { url: string; valueCoding: { system: string; code: string } }[] } }[];
};

/**
 * A patient as a no-basis Patient: the national id under the FNR or D-number system (whichever it
 * is), the name as written (last word as family name), and the municipality whose record this is
 * as the no-basis municipality code on Address.district.
 */
export function toFhirPatient(patient: Patient): FhirPatient {
  const kind = parseNationalId(patient.nationalId)?.kind ?? 'fnr';
  const words = patient.name.trim().split(/\s+/);
  const family = words.length > 1 ? words[words.length - 1] : undefined;
  return {
    resourceType: 'Patient',
    id: patient.id,
    meta: { versionId: String(patient.version), profile: [NO_BASIS.patientProfile] },
    identifier: [{ use: 'official', system: kind === 'dnr' ? NO_BASIS.dnr : NO_BASIS.fnr, value: patient.nationalId }],
    name: [{ use: 'official', text: patient.name, ...(family ? { family, given: words.slice(0, -1) } : {}) }],
    gender: patient.gender,
    birthDate: patient.birthDate,
    address: [{ _district: { extension: [{ url: NO_BASIS.municipalityExtension, valueCoding: { system: NO_BASIS.municipalityCodes, code: patient.tenant } }] } }],
  };
}
