// @ts-nocheck
import { capabilityStatement } from '../capability';
import { fhirBaseUrl, fhirHandler } from '../fhir-http';
import { FHIR_INTERACTIONS, fhirMetadataRoute, fhirRoutes } from '../routes';

export const handler = fhirHandler(fhirMetadataRoute, async ({ event }) => ({
  status: 200,
  body: capabilityStatement(fhirRoutes, FHIR_INTERACTIONS, fhirBaseUrl(event), '1'),
}));
