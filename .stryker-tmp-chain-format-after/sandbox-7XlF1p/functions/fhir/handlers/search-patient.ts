// @ts-nocheck
import { fhirBaseUrl, fhirHandler } from '../fhir-http';
import { fhirSearchPatientRoute } from '../routes';
import { searchPatientResources } from '../patient-search';

export const handler = fhirHandler(fhirSearchPatientRoute, async ({ query, tenant, session, sessions, caller, requestId, event }) => ({
  status: 200,
  body: await searchPatientResources({ tenant, session, sessions, caller, requestId }, query, fhirBaseUrl(event)),
}));
