import { fhirBaseUrl, fhirHandler } from '../fhir-http';
import { fhirSearchPatientRoute } from '../routes';
import { searchPatientResources } from '../patient-search';

export const handler = fhirHandler(fhirSearchPatientRoute, async ({ query, tenant, caller, requestId, event }) => ({
  status: 200,
  body: await searchPatientResources({ tenant, caller, requestId }, query, fhirBaseUrl(event)),
}));
