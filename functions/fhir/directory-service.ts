import { NotFoundError } from '../../shared/errors';
import { listTenantUsers } from '../../shared/tenancy/user-store';
import type { UserProfile } from '../../shared/tenancy/user-profile';
import type { TenantRequest } from '../core/patient-access';
import type { FhirResource } from './document-map';
import { toOrganization, toPractitioner } from './directory-map';

/**
 * Practitioner and Organization reads from the registry (the control table): who the authors and
 * custodians named in notes and documents are. No patient data, so nothing to decide or audit
 * beyond the route's roles and scopes.
 */

/** The caller's municipality's person with this HPR number (404 when there is none). */
export async function readPractitioner(req: TenantRequest, hpr: string): Promise<FhirResource> {
  let cursor: string | undefined;
  do {
    const page = await listTenantUsers(req.tenant, 100, cursor);
    const user = page.items.find((u): u is UserProfile & { hpr: string } => u.hpr === hpr);
    if (user) return toPractitioner(user);
    cursor = page.nextCursor;
  } while (cursor);
  throw new NotFoundError('Ingen helsepersonell med dette HPR-nummeret i kommunen.');
}

/** A municipality in the registry (any one: a shared document's custodian may be another), 404 when unknown. */
export async function readOrganization(req: TenantRequest, kommunenummer: string): Promise<FhirResource> {
  const profile = await req.registry?.profile(kommunenummer);
  if (!profile) throw new NotFoundError('Ingen kommune med dette nummeret.');
  return toOrganization(profile);
}
