import { inProcessSessions } from '../../shared/db/session-source';
import { jobSession } from '../../shared/db/sessions';
import { nationalIdKey } from '../../shared/crypto/lookup-hash';
import { createEntry, signEntry } from '../../functions/journal/entry-service';
import { etagOf } from '../../shared/http/etag';
import { loadCitizenFacts, patientIdByNationalIdKey } from '../../functions/core/patient-access';
import { createPatient } from '../../functions/journal/patient-service';
import { createRelationship } from '../../functions/journal/relationship-service';
import { createMyBlock } from '../../functions/sharing/block-service';
import { DEMO_PATIENTS } from '../demo-data';
import { demoCaller, seedRequest } from './seed-request';

/**
 * Demo data for sharing. The journal seed already gives Ola (innbygger.ola) signed, sharable
 * documents in Bergen (vaksinasjon) and Oslo (epikrise), and Kari one in Oslo (legemiddel); the
 * journal's sign indexes them. This step adds Kari as a patient in Bodø with a signed epikrise from
 * Bodø legevakt and a care relationship for bodo.lege (so Bodø finds Kari's Oslo document and Oslo
 * finds Bodø's), and one block: Kari has blocked the nurse Sara Sykepleier in Bodø by name. Safe to run again.
 */

const KARI = '01817045606';



async function seedKariInBodo(): Promise<void> {
  if (await patientIdByNationalIdKey(jobSession('seed', '1804'), await nationalIdKey(KARI))) return;
  const demo = DEMO_PATIENTS.find((p) => p.nationalId === KARI);
  if (!demo) throw new Error('seed: unknown demo patient');
  const key = (what: string) => `seed-sharing-1804-${what}`;
  const { value: patient } = await createPatient(await seedRequest('1804', 'bodo.admin'), { nationalId: demo.nationalId, name: demo.name, birthDate: demo.birthDate, gender: demo.gender }, key('patient'));
  await createRelationship(await seedRequest('1804', 'bodo.lege'), patient.id, { reasonCode: 'admission', reason: 'Konsultasjon på legevakten under besøk i Bodø' }, key('rel'));
  const req = await seedRequest('1804', 'bodo.lege');
  const eventTime = new Date(Date.now() - 7 * 86_400_000).toISOString();
  const draft = await createEntry(
    req,
    patient.id,
    { type: 'epikrise', title: 'Epikrise Bodø legevakt', text: 'Behandlet for lungebetennelse. Penicillin i ti dager. Kontroll hos fastlege om to uker.', eventTime, unit: '1804-legevakt' },
    key('entry'),
  );
  await signEntry(req, patient.id, draft.value.id, etagOf(draft.version), key('sign'));
}

async function seedKariBlock(): Promise<void> {
  const facts = await loadCitizenFacts(await nationalIdKey(KARI), new Date());
  if (facts.blocks.some((b) => b.target.kind === 'named-person' && b.target.tenant === '1804')) return;
  // By name and municipality, as a citizen without the nurse's row in her log would.
  const kari = demoCaller('innbygger.kari');
  await createMyBlock({ caller: kari, sessions: await inProcessSessions(kari), requestId: 'seed' }, { kind: 'named-person', tenant: '1804', name: 'Sara Sykepleier (bodo)' });
}

/** Seed step: Kari in Bodø with a shared epikrise, and one block. */
export async function seedSharing(): Promise<void> {
  await seedKariInBodo();
  await seedKariBlock();
}
