// @ts-nocheck
import { nationalIdSchema, parseNationalId } from '../../shared/contracts/identifiers';
import { ValidationError } from '../../shared/errors';
import type { TenantRequest } from '../core/patient-access';
import { searchPatients } from '../journal/patient-service';
import { pageStart, searchset } from './bundle';
import { NO_BASIS } from './no-basis';
import { toFhirPatient } from './patient-map';
import { splitToken, type PatientSearchQuery } from './search-params';

/**
 * The FHIR `identifier` parameter as the journal's search takes it: a national id under the FNR
 * or D-number system (or no system). The kind must agree with the system: an FNR searched as a
 * D-number matches nothing, as in any FHIR server.
 */
export function nationalIdOfToken(value: string, field = 'query.identifier'): { nationalId: string; matches: boolean } {
  const { system, code } = splitToken(value);
  if (system !== undefined && system !== NO_BASIS.fnr && system !== NO_BASIS.dnr) {
    throw new ValidationError('Ukjent identifikatorsystem.', [{ field, message: `Støttet: ${NO_BASIS.fnr} (FNR) og ${NO_BASIS.dnr} (DNR)` }]);
  }
  const parsed = nationalIdSchema.safeParse(code);
  if (!parsed.success) throw new ValidationError('Forespørselen har ugyldige felt.', [{ field, message: parsed.error.issues[0]?.message ?? 'Ugyldig' }]);
  const kind = parseNationalId(parsed.data)?.kind;
  const matches = system === undefined || system === (kind === 'dnr' ? NO_BASIS.dnr : NO_BASIS.fnr);
  return { nationalId: parsed.data, matches };
}

/**
 * Patient search over the journal's own search (POST /v1/patients/search): every hit goes through
 * the same access decision with the citizen's blocks and is audited there; a blocked caller gets
 * an empty Bundle, the same as for nobody. Name + birthdate narrows before the decision.
 */
export async function searchPatientResources(req: TenantRequest, query: PatientSearchQuery, base: string): Promise<Record<string, unknown>> {
  const scope = { resource: 'Patient', tenant: req.tenant, sub: req.caller.sub, params: { identifier: query.identifier, name: query.name, birthdate: query.birthdate } };
  const start = await pageStart(scope, query._page);
  let result: { patients: Awaited<ReturnType<typeof searchPatients>>['patients']; truncated: boolean } = { patients: [], truncated: false };
  if (query.identifier !== undefined) {
    const { nationalId, matches } = nationalIdOfToken(query.identifier);
    if (matches) result = await searchPatients(req, { nationalId }, query.birthdate ? { birthDate: query.birthdate } : {});
  } else if (query.name !== undefined) {
    result = await searchPatients(req, { name: query.name }, query.birthdate ? { birthDate: query.birthdate } : {});
  }
  return searchset({ scope, base, matches: result.patients.map(toFhirPatient), start, count: query._count, complete: !result.truncated });
}
