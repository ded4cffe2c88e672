import type { TenantProfile } from '../../shared/tenancy/tenant-profile';
import type { UserProfile } from '../../shared/tenancy/user-profile';
import type { FhirResource } from './document-map';
import { NO_BASIS } from './no-basis';

/**
 * The registry's people and municipalities as no-basis Practitioner and Organization: what the
 * references in a DocumentReference (author, authenticator, custodian) resolve to.
 */

/** A person with an HPR number as a no-basis Practitioner; the id is the HPR number. */
export function toPractitioner(user: UserProfile & { hpr: string }): FhirResource {
  const words = user.name.trim().split(/\s+/);
  const family = words.length > 1 ? words[words.length - 1] : undefined;
  return {
    resourceType: 'Practitioner',
    id: user.hpr,
    meta: { profile: [NO_BASIS.practitionerProfile] },
    identifier: [{ use: 'official', system: NO_BASIS.hpr, value: user.hpr }],
    active: user.status === 'active',
    name: [{ use: 'official', text: user.name, ...(family ? { family, given: words.slice(0, -1) } : {}) }],
    // The profession as written in the registry; HPR's own codes (Volven 9060) once the registry carries them.
    ...(user.profession ? { qualification: [{ code: { text: user.profession } }] } : {}),
  };
}

/**
 * A municipality as a no-basis Organization; the id is its kommunenummer. The organisasjonsnummer
 * (ENH) is given where the registry holds one; the kommunenummer is both an identifier and the
 * no-basis municipality code on Address.district.
 */
export function toOrganization(profile: TenantProfile): FhirResource {
  const orgNumber = typeof profile.orgNumber === 'string' ? profile.orgNumber : undefined;
  const municipality = { url: NO_BASIS.municipalityExtension, valueCoding: { system: NO_BASIS.municipalityCodes, code: profile.id, display: profile.name } };
  return {
    resourceType: 'Organization',
    id: profile.id,
    meta: { profile: [NO_BASIS.organizationProfile] },
    identifier: [...(orgNumber ? [{ use: 'official', system: NO_BASIS.enh, value: orgNumber }] : []), { use: 'official', system: NO_BASIS.municipalityCodes, value: profile.id }],
    active: profile.status === 'active',
    type: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/organization-type', code: 'govt', display: 'Government' }] }],
    name: profile.name,
    address: [{ use: 'work', _district: { extension: [municipality] } }],
  };
}
