// @ts-nocheck
import { httpHandler, readResult } from '../../../shared/http/handler';
import { getPatient } from '../patient-service';
import { getPatientRoute } from '../routes';

export const handler = httpHandler(getPatientRoute, async ({ params, tenant, caller, requestId, session, sessions }) => {
  const patient = await getPatient({ tenant, session, sessions, caller, requestId }, params.patientId);
  return readResult(patient, patient.version);
});
