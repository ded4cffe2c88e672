// @ts-nocheck
import type { UnitProfile } from '../shared/tenancy/tenant-profile';
import { syntheticNationalId } from '../shared/contracts/identifiers';
import type { UserProfile } from '../shared/tenancy/user-profile';

/** Demo municipalities. All names and numbers here are invented or synthetic. */
export const DEMO_TENANTS: { id: string; name: string; units: UnitProfile[] }[] = [
  {
    id: '0301',
    name: 'Oslo',
    units: [
      { id: '0301-hjem-sagene', name: 'Hjemmetjenesten Sagene', kind: 'hjemmetjeneste' },
      { id: '0301-sykehjem-lindern', name: 'Lindern sykehjem', kind: 'sykehjem' },
      { id: '0301-lege-torshov', name: 'Torshov legekontor', kind: 'legekontor' },
    ],
  },
  {
    id: '4601',
    name: 'Bergen',
    units: [
      { id: '4601-hjem-fana', name: 'Hjemmesykepleien Fana', kind: 'hjemmetjeneste' },
      { id: '4601-helsestasjon-arna', name: 'Arna helsestasjon', kind: 'helsestasjon' },
      { id: '4601-lege-sentrum', name: 'Sentrum legesenter', kind: 'legekontor' },
    ],
  },
  {
    id: '1804',
    name: 'Bodø',
    units: [
      { id: '1804-hjem-sentrum', name: 'Hjemmetjenesten Bodø sentrum', kind: 'hjemmetjeneste' },
      { id: '1804-sykehjem-vikatun', name: 'Vikatun sykehjem', kind: 'sykehjem' },
      { id: '1804-legevakt', name: 'Bodø legevakt', kind: 'legevakt' },
    ],
  },
];

/** Synthetic patients (Test-Norge style, month + 80). Invented names. */
export const DEMO_PATIENTS = [
  { nationalId: '15838512329', name: 'Ola Testmann', birthDate: '1985-03-15', gender: 'male', homeTenant: '4601' },
  { nationalId: '01817045606', name: 'Kari Prøvesen', birthDate: '1970-01-01', gender: 'female', homeTenant: '0301' },
  { nationalId: '29821298774', name: 'Emil Eksempel', birthDate: '2012-02-29', gender: 'male', homeTenant: '1804' },
] as const;

const SHORT: Record<string, string> = { '0301': 'oslo', '4601': 'bergen', '1804': 'bodo' };

/**
 * A demo person's synthetic fødselsnummer (Test-Norge style, month + 80): the pid the local issuer
 * puts in their token and the registry finds them by. Distinct from the demo patients' numbers.
 */
function demoPid(tenantIndex: number, n: number): string {
  return syntheticNationalId({ day: 10 + n, month: 1 + tenantIndex, year: 1970 + 3 * n }, 200 + 10 * tenantIndex + n);
}

function personnel(tenant: string, index: number): UserProfile[] {
  const short = SHORT[tenant] ?? tenant;
  const units = DEMO_TENANTS.find((t) => t.id === tenant)?.units ?? [];
  const hpr = (n: number) => String(9_100_000 + index * 100 + n);
  return [
    { id: `${short}.sykepleier`, name: `Sara Sykepleier (${short})`, roles: ['clinician'], tenant, unit: units[0]?.id, hpr: hpr(1), profession: 'sykepleier', pid: demoPid(index, 1), status: 'active' },
    { id: `${short}.lege`, name: `Lars Lege (${short})`, roles: ['clinician'], tenant, unit: units[2]?.id, hpr: hpr(2), profession: 'lege', pid: demoPid(index, 2), status: 'active' },
    { id: `${short}.admin`, name: `Anne Admin (${short})`, roles: ['tenant-admin'], tenant, pid: demoPid(index, 3), status: 'active' },
    { id: `${short}.revisor`, name: `Rune Revisor (${short})`, roles: ['auditor'], tenant, pid: demoPid(index, 4), status: 'active' },
  ];
}

/** Users for every role, in every demo municipality, plus an operator and the patients as citizens. */
export const DEMO_USERS: UserProfile[] = [
  ...DEMO_TENANTS.flatMap((t, i) => personnel(t.id, i)),
  { id: 'drift', name: 'Dina Drift (driftsselskapet)', roles: ['operator'], pid: demoPid(5, 5), status: 'active' },
  { id: 'innbygger.ola', name: 'Ola Testmann', roles: ['citizen'], pid: '15838512329', status: 'active' },
  { id: 'innbygger.kari', name: 'Kari Prøvesen', roles: ['citizen'], pid: '01817045606', status: 'active' },
];
