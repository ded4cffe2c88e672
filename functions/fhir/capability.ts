import { VENDOR_SCOPES } from '../../shared/auth/caller';
import type { RouteSpec } from '../../shared/http/route';
import type { FhirInteraction } from './routes';

/** SMART v2 scopes a client may ask for, and the platform grant each is checked as. */
export const SMART_SCOPES: Readonly<Record<string, string>> = {
  'system/Patient.rs': 'journal.read',
  'user/Patient.rs': 'journal.read',
  'user/DocumentReference.rs': 'sharing.read',
  'user/Binary.r': 'sharing.read',
  // ITI-65 creates a DocumentReference (with its List and Binary) in the journal: a journal write.
  'system/DocumentReference.c': 'journal.write',
  'user/DocumentReference.c': 'journal.write',
  // Journal notes: created as drafts, edited and signed by PUT on behalf of the clinician.
  'user/DocumentReference.cu': 'journal.write',
};

/**
 * The CapabilityStatement, generated from the route table: one resource entry per resource the
 * FHIR routes serve, with their interactions and search parameters, and the SMART security
 * service. A route added to functions/fhir/routes.ts shows here without another edit.
 */
export function capabilityStatement(routes: readonly RouteSpec[], interactions: readonly FhirInteraction[], base: string, version: string): Record<string, unknown> {
  const served = new Set(routes.map((r) => r.id));
  const byResource = new Map<string, FhirInteraction[]>();
  let transaction = false;
  let compartment = false;
  for (const i of interactions) {
    if (!served.has(i.routeId)) continue;
    // A transaction is a whole-system interaction (rest.interaction), not one resource's.
    if (i.interaction === 'transaction') {
      transaction = true;
      continue;
    }
    if (i.interaction === 'search-compartment') compartment = true;
    byResource.set(i.resource, [...(byResource.get(i.resource) ?? []), i]);
  }
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: '2026-12-05',
    publisher: 'Fellesjournal',
    kind: 'instance',
    software: { name: 'Fellesjournal', version },
    implementation: { description: 'Fellesjournal FHIR R4 (no-basis Patient, IHE MHD Document Responder)', url: base },
    fhirVersion: '4.0.1',
    format: ['application/fhir+json'],
    instantiates: [
      'https://profiles.ihe.net/ITI/MHD/CapabilityStatement/IHE.MHD.DocumentResponder',
      ...(transaction ? ['https://profiles.ihe.net/ITI/MHD/CapabilityStatement/IHE.MHD.DocumentRecipient'] : []),
    ],
    rest: [
      {
        mode: 'server',
        ...(transaction ? { interaction: [{ code: 'transaction', documentation: 'IHE MHD ITI-65 Provide Document Bundle' }] } : {}),
        // A compartment search (Patient/{id}/DocumentReference) is a search-type interaction served in the Patient compartment.
        ...(compartment ? { compartment: ['http://hl7.org/fhir/CompartmentDefinition/patient'] } : {}),
        security: {
          cors: false,
          service: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/restful-security-service', code: 'SMART-on-FHIR' }] }],
          description: `OAuth2 bearer tokens from HelseID; see ${base}/.well-known/smart-configuration. Platform scopes: ${VENDOR_SCOPES.join(', ')}.`,
        },
        resource: [...byResource.entries()]
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([type, list]) => {
            const params = mergeParams(list.flatMap((i) => i.searchParams ?? []));
            const codes = [...new Set(list.map((i) => (i.interaction === 'search-compartment' ? 'search-type' : i.interaction)))];
            return {
              type,
              interaction: codes.map((code) => ({ code })),
              ...(list.some((i) => i.interaction === 'read') ? { versioning: 'versioned', readHistory: false } : {}),
              ...(list.some((i) => i.interaction === 'create') ? { conditionalCreate: true } : {}),
              ...(list.some((i) => i.interaction === 'update') ? { updateCreate: false, conditionalUpdate: false } : {}),
              ...(params.length > 0 ? { searchParam: params.map((p) => ({ name: p.name, type: p.type, documentation: p.documentation })) } : {}),
            };
          }),
      },
    ],
  };
}

/** One searchParam per name: a parameter two searches of a resource share names both uses. */
function mergeParams(params: readonly NonNullable<FhirInteraction['searchParams']>[number][]): NonNullable<FhirInteraction['searchParams']>[number][] {
  const byName = new Map<string, NonNullable<FhirInteraction['searchParams']>[number]>();
  for (const p of params) {
    const seen = byName.get(p.name);
    byName.set(p.name, seen ? { ...seen, documentation: `${seen.documentation}; ${p.documentation}` } : p);
  }
  return [...byName.values()];
}
