import { jobSession } from '../../shared/db/sessions';
import type { CreateEntryRequest, RelationshipReasonCode, RelationshipSubject } from '../../shared/contracts/journal';
import { nationalIdKey } from '../../shared/crypto/lookup-hash';
import { createEntry, signEntry } from '../../functions/journal/entry-service';
import { etagOf } from '../../shared/http/etag';
import { patientIdByNationalIdKey } from '../../functions/core/patient-access';
import { createPatient } from '../../functions/journal/patient-service';
import { createRelationship } from '../../functions/journal/relationship-service';
import { DEMO_PATIENTS } from '../demo-data';
import { seedRequest } from './seed-request';

/**
 * Demo journal data, written through the journal's own use cases (so it is encrypted, indexed and
 * audited like anything else): the demo patients in their home municipality (and Ola also in
 * Oslo, so cross-municipality sharing has something to find), care relationships for the demo
 * clinicians and a few signed entries. A patient that already exists is left alone, so
 * `npm start -- --persist` can seed again on every start.
 */

const DAY = 86_400_000;


interface SeedEntry {
  by: string;
  daysAgo: number;
  sign: boolean;
  entry: Omit<CreateEntryRequest, 'eventTime'>;
}

interface SeedPatient {
  nationalId: string;
  tenant: string;
  admin: string;
  relationships: { by: string; subject?: RelationshipSubject; reasonCode: RelationshipReasonCode; reason: string }[];
  entries: SeedEntry[];
}

const PLAN: SeedPatient[] = [
  {
    nationalId: '15838512329',
    tenant: '4601',
    admin: 'bergen.admin',
    relationships: [
      { by: 'bergen.sykepleier', reasonCode: 'service-decision', reason: 'Hjemmesykepleie etter vedtak' },
      { by: 'bergen.lege', reasonCode: 'gp-list', reason: 'Fastlege for pasienten' },
    ],
    entries: [
      { by: 'bergen.lege', daysAgo: 30, sign: true, entry: { type: 'journalnotat', title: 'Årskontroll', text: 'Pasienten til årskontroll. BT 128/82. Ingen nye plager. Fortsetter som før.' } },
      { by: 'bergen.lege', daysAgo: 20, sign: true, entry: { type: 'vaksinasjon', title: 'Influensavaksine', text: 'Influensavaksine gitt i venstre overarm. Ingen reaksjon etter 20 min.', data: { vaccine: 'influensa', dose: 1 } } },
      { by: 'bergen.sykepleier', daysAgo: 3, sign: true, entry: { type: 'sykepleienotat', title: 'Hjemmebesøk', text: 'Sårstell venstre legg. Såret er i bedring, ingen tegn til infeksjon.' } },
      { by: 'bergen.sykepleier', daysAgo: 1, sign: false, entry: { type: 'tiltaksplan', title: 'Tiltaksplan sårstell', text: 'Sårstell tre ganger i uken til såret er lukket.' } },
    ],
  },
  {
    nationalId: '01817045606',
    tenant: '0301',
    admin: 'oslo.admin',
    relationships: [
      { by: 'oslo.sykepleier', reasonCode: 'service-decision', reason: 'Hjemmetjeneste etter vedtak' },
      { by: 'oslo.lege', subject: { kind: 'unit', id: '0301-lege-torshov' }, reasonCode: 'gp-list', reason: 'Fastlegekontoret til pasienten' },
    ],
    entries: [
      { by: 'oslo.lege', daysAgo: 14, sign: true, entry: { type: 'legemiddel', title: 'Legemiddelgjennomgang', text: 'Gjennomgått faste medisiner. Ingen endringer.', data: { reviewed: true } } },
      { by: 'oslo.sykepleier', daysAgo: 2, sign: true, entry: { type: 'sykepleienotat', title: 'Morgenstell', text: 'Pasienten i godt humør. Spiste frokost.' } },
    ],
  },
  {
    nationalId: '15838512329',
    tenant: '0301',
    admin: 'oslo.admin',
    relationships: [{ by: 'oslo.lege', reasonCode: 'referral', reason: 'Legevaktkonsultasjon under opphold i Oslo' }],
    entries: [{ by: 'oslo.lege', daysAgo: 60, sign: true, entry: { type: 'epikrise', title: 'Epikrise legevakt', text: 'Behandlet for forstuet ankel. Kontroll hos fastlege ved behov.', unit: '0301-lege-torshov' } }],
  },
  {
    nationalId: '29821298774',
    tenant: '1804',
    admin: 'bodo.admin',
    relationships: [{ by: 'bodo.sykepleier', reasonCode: 'ordinary-care', reason: 'Helsestasjonsoppfølging' }],
    entries: [{ by: 'bodo.sykepleier', daysAgo: 10, sign: true, entry: { type: 'vaksinasjon', title: 'Barnevaksinasjonsprogrammet', text: 'Vaksine etter programmet gitt. Ingen reaksjon.' } }],
  },
];


async function seedPatient(plan: SeedPatient): Promise<void> {
  const demo = DEMO_PATIENTS.find((p) => p.nationalId === plan.nationalId);
  if (!demo) throw new Error('seed: unknown demo patient');
  if (await patientIdByNationalIdKey(jobSession('seed', plan.tenant), await nationalIdKey(plan.nationalId))) return;
  const key = (what: string) => `seed-${plan.tenant}-${plan.nationalId}-${what}`;
  const { value: patient } = await createPatient(
    await seedRequest(plan.tenant, plan.admin),
    { nationalId: demo.nationalId, name: demo.name, birthDate: demo.birthDate, gender: demo.gender },
    key('patient'),
  );
  for (const [i, r] of plan.relationships.entries()) {
    await createRelationship(await seedRequest(plan.tenant, r.by), patient.id, { subject: r.subject, reasonCode: r.reasonCode, reason: r.reason }, key(`rel-${i}`));
  }
  for (const [i, e] of plan.entries.entries()) {
    const req = await seedRequest(plan.tenant, e.by);
    const eventTime = new Date(Date.now() - e.daysAgo * DAY).toISOString();
    const draft = await createEntry(req, patient.id, { ...e.entry, eventTime }, key(`entry-${i}`));
    if (e.sign) await signEntry(req, patient.id, draft.value.id, etagOf(draft.version), key(`sign-${i}`));
  }
}

/** Seed step: demo patients, care relationships and entries. */
export async function seedJournal(): Promise<void> {
  for (const plan of PLAN) await seedPatient(plan);
}
