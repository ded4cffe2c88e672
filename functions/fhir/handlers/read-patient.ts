import { getPatient } from '../../journal/patient-service';
import { fhirHandler, fhirRead } from '../fhir-http';
import { toFhirPatient } from '../patient-map';
import { fhirReadPatientRoute } from '../routes';

export const handler = fhirHandler(fhirReadPatientRoute, async ({ params, tenant, caller, requestId }) =>
  fhirRead(toFhirPatient(await getPatient({ tenant, caller, requestId }, params.id))),
);
