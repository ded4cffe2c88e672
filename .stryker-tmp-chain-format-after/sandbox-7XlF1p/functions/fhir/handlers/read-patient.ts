// @ts-nocheck
import { getPatient } from '../../journal/patient-service';
import { fhirHandler, fhirRead } from '../fhir-http';
import { toFhirPatient } from '../patient-map';
import { fhirReadPatientRoute } from '../routes';

export const handler = fhirHandler(fhirReadPatientRoute, async ({ params, tenant, session, sessions, caller, requestId }) =>
  fhirRead(toFhirPatient(await getPatient({ tenant, session, sessions, caller, requestId }, params.id))),
);
