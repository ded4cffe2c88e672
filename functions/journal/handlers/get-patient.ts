import { httpHandler } from '../../../shared/http/handler';
import { readResult } from '../http-result';
import { getPatient } from '../patient-service';
import { getPatientRoute } from '../routes';

export const handler = httpHandler(getPatientRoute, async ({ params, tenant, caller, requestId }) => {
  const patient = await getPatient({ tenant, caller, requestId }, params.patientId);
  return readResult(patient, patient.version);
});
