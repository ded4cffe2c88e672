import { describe, expect, it } from 'vitest';
import { ROUTES } from '../../functions/routes';
import { capabilityStatement } from '../../functions/fhir/capability';
import { CORRECTION_EXTENSION, toBinary, toDocumentReference } from '../../functions/fhir/document-map';
import { operationOutcomeOf } from '../../functions/fhir/operation-outcome';
import { toFhirPatient } from '../../functions/fhir/patient-map';
import { FHIR_INTERACTIONS, fhirFindDocumentReferencesRoute, fhirReadPatientRoute, fhirRetrieveDocumentRoute, fhirRoutes, fhirSearchPatientRoute } from '../../functions/fhir/routes';
import { getPatientRoute, searchPatientsRoute } from '../../functions/journal/routes';
import { getSharedDocumentRoute, listSharedDocumentsRoute } from '../../functions/sharing/routes';
import { syntheticNationalId } from '../../shared/contracts/identifiers';
import type { SharedDocument } from '../../shared/contracts/sharing';
import { expectValidFhir } from '../support/fhir-validate';

/** The FHIR mapping layer: valid R4 by Medplum's validator, and no access rule of its own. */

const doc: SharedDocument = {
  id: '4601-3fa99d17-4357-4e32-b1ec-5f60269a756c',
  entryId: '3fa99d17-4357-4e32-b1ec-5f60269a756c',
  type: 'epikrise',
  title: 'Epikrise',
  status: 'current',
  corrected: true,
  version: 3,
  date: '2026-11-30T08:00:00.000Z',
  recordedAt: '2026-12-01T09:30:00.000Z',
  author: { id: 'bergen.sykepleier', name: 'Sara Sykepleier', profession: 'sykepleier', hpr: '9100101' },
  organisation: { tenantId: '4601', name: 'Bergen kommune', unit: { id: '4601-hjem-fana', name: 'Hjemmesykepleien Fana' } },
};

describe('the validator itself', () => {
  it('refuses what is not R4 (so a passing check means something)', () => {
    expect(() => expectValidFhir({ resourceType: 'Patient', kjønn: 'kvinne' })).toThrow();
    expect(() => expectValidFhir({ resourceType: 'Bundle', entry: [] })).toThrow();
    expect(() => expectValidFhir({ resourceType: 'Patient', birthDate: '13.01.1982' })).toThrow();
    expect(() => expectValidFhir({ resourceType: 'Patient', identifier: [{ system: 'urn:oid:2.16.578.1.12.4.1.4.1', value: '12345678901' }] })).toThrow();
  });
});

describe('mapping', () => {
  it('a patient is a valid no-basis Patient; a D-number goes under the DNR system', () => {
    const dnr = syntheticNationalId({ day: 53, month: 2, year: 1990 }, 120);
    const patient = toFhirPatient({ id: '6f1c1f5e-1c2b-4d3a-9e8f-0a1b2c3d4e5f', tenant: '0301', nationalId: dnr, name: 'Ola', birthDate: '1990-02-13', gender: 'male', createdAt: '2026-12-01T00:00:00Z', version: 2 });
    expectValidFhir(patient);
    expect(patient.identifier).toEqual([{ use: 'official', system: 'urn:oid:2.16.578.1.12.4.1.4.2', value: dnr }]);
    expect(patient.meta.versionId).toBe('2');
    expect(patient.name).toEqual([{ use: 'official', text: 'Ola' }]);
  });

  it('a shared document is a valid DocumentReference (corrected: amended) and its retrieval a valid Binary', () => {
    const ref = toDocumentReference(doc, '6f1c1f5e-1c2b-4d3a-9e8f-0a1b2c3d4e5f', 'https://fj.example.no/fhir/R4');
    expectValidFhir(ref);
    expect(ref).toMatchObject({ docStatus: 'amended', meta: { versionId: '3' }, author: [{ identifier: { system: 'urn:oid:2.16.578.1.12.4.1.4.4', value: '9100101' } }] });
    expect(ref.extension).toBeUndefined();
    const withdrawn = toDocumentReference({ ...doc, status: 'entered-in-error', title: undefined }, '6f1c1f5e-1c2b-4d3a-9e8f-0a1b2c3d4e5f', 'https://fj.example.no/fhir/R4');
    expectValidFhir(withdrawn);
    expect(JSON.stringify(withdrawn)).not.toContain('/Binary/');
    const binary = toBinary({ ...doc, title: 'Epikrise', text: 'Tekst', access: { rule: 'care-relationship-user', emergency: false } });
    expectValidFhir(binary);
  });

  it('a corrected document names who corrected it and when, beside the original author', () => {
    const corrector = { id: 'bergen.ansvarlig', name: 'Jorunn Journalansvarlig', profession: 'lege', hpr: '9100202' };
    const ref = toDocumentReference({ ...doc, correctedAt: '2026-12-02T10:00:00.000Z', correctedBy: corrector }, '6f1c1f5e-1c2b-4d3a-9e8f-0a1b2c3d4e5f', 'https://fj.example.no/fhir/R4');
    expectValidFhir(ref);
    expect(ref.author).toEqual([
      { identifier: { system: 'urn:oid:2.16.578.1.12.4.1.4.4', value: '9100101' }, display: 'Sara Sykepleier, sykepleier' },
      { identifier: { system: 'urn:oid:2.16.578.1.12.4.1.4.4', value: '9100202' }, display: 'Jorunn Journalansvarlig, lege' },
    ]);
    expect(ref.extension).toEqual([
      {
        url: CORRECTION_EXTENSION,
        extension: [
          { url: 'correctedBy', valueReference: { identifier: { system: 'urn:oid:2.16.578.1.12.4.1.4.4', value: '9100202' }, display: 'Jorunn Journalansvarlig, lege' } },
          { url: 'correctedAt', valueDateTime: '2026-12-02T10:00:00.000Z' },
        ],
      },
    ]);
  });

  it('every problem is a valid OperationOutcome naming each field', () => {
    const outcome = operationOutcomeOf({ status: 400, title: 'Ugyldig', detail: 'Feil', errors: [{ field: 'query.patient.identifier', message: 'Påkrevd' }] });
    expectValidFhir(outcome);
    expect(outcome.issue).toEqual([{ severity: 'error', code: 'invalid', diagnostics: 'query.patient.identifier: Påkrevd', expression: ['patient.identifier'] }]);
    for (const status of [401, 403, 404, 409, 412, 415, 428, 429, 500]) expectValidFhir(operationOutcomeOf({ status, title: 't' }));
    expect(operationOutcomeOf({ status: 500, title: 'Intern feil', requestId: 'r' }).issue[0]).toMatchObject({ severity: 'fatal', code: 'exception' });
  });
});

describe('one home for each rule', () => {
  it('each FHIR interaction has exactly the access rules of the /v1 route it maps onto', () => {
    const pairs = [
      [fhirReadPatientRoute, getPatientRoute],
      [fhirSearchPatientRoute, searchPatientsRoute],
      [fhirFindDocumentReferencesRoute, listSharedDocumentsRoute],
      [fhirRetrieveDocumentRoute, getSharedDocumentRoute],
    ] as const;
    // MHD alone opens the shared documents to vendor systems on behalf of a clinician (sharing.read);
    // every other field is the /v1 route's.
    const mhd = new Set<string>([fhirFindDocumentReferencesRoute.id, fhirRetrieveDocumentRoute.id]);
    for (const [fhir, v1] of pairs) {
      const access = (r: typeof fhir | typeof v1) => ({ auth: r.auth, tenant: r.tenant, roles: r.roles, scopes: 'scopes' in r ? r.scopes : undefined, plane: r.plane });
      expect(access(fhir), fhir.id).toEqual(mhd.has(fhir.id) ? { ...access(v1), scopes: ['sharing.read'] } : access(v1));
    }
    // The retrieval reads the origin municipality's registry entry, as /v1 does.
    expect(fhirRetrieveDocumentRoute.otherTenants?.({ id: doc.id })).toEqual(['4601']);
    expect(getSharedDocumentRoute.otherTenants({ documentId: doc.id })).toEqual(['4601']);
  });

  it('the FHIR routes are in the one route table, and the CapabilityStatement lists exactly their interactions', () => {
    for (const route of fhirRoutes) expect(ROUTES).toContain(route);
    const cs = capabilityStatement(fhirRoutes, FHIR_INTERACTIONS, 'https://fj.example.no/fhir/R4', '1') as {
      rest: { interaction?: { code: string }[]; resource: { type: string; interaction: { code: string }[] }[] }[];
    };
    expectValidFhir(cs);
    // A transaction (ITI-65) is a whole-system interaction, listed as the Bundle's.
    const system = (cs.rest[0]!.interaction ?? []).map((i) => `Bundle:${i.code}`);
    const listed = [...cs.rest[0]!.resource.flatMap((r) => r.interaction.map((i) => `${r.type}:${i.code}`)), ...system].sort();
    // A compartment search (Patient/{id}/DocumentReference) is listed as the resource's one search-type.
    const expected = new Set(FHIR_INTERACTIONS.map((i) => `${i.resource}:${i.interaction === 'search-compartment' ? 'search-type' : i.interaction}`));
    expect(listed).toEqual([...expected].sort());
    // A route taken out of the table disappears from the statement.
    const without = capabilityStatement(fhirRoutes.filter((r) => r !== fhirRetrieveDocumentRoute), FHIR_INTERACTIONS, 'x', '1') as typeof cs;
    expect(without.rest[0]!.resource.map((r) => r.type)).not.toContain('Binary');
  });
});
