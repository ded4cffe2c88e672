import type { PutPartyRequest } from '../../shared/contracts/messaging';
import { nationalIdKey } from '../../shared/crypto/lookup-hash';
import { inProcessSessions } from '../../shared/db/session-source';
import { jobSession } from '../../shared/db/sessions';
import { patientIdByNationalIdKey } from '../../functions/core/patient-access';
import { sendCitizenMessage } from '../../functions/messaging/citizen-dialogue';
import { sendMessage } from '../../functions/messaging/message-service';
import { listParties } from '../../functions/messaging/party-service';
import { messageKeys, type PartyItem } from '../../functions/messaging/message-record';
import { DEMO_TENANTS } from '../demo-data';
import { demoCaller, seedRequest } from './seed-request';

/**
 * Demo messaging data: each municipality's communication parties (its units with synthetic HER-ids, the hjemmetjeneste of the other demo
 * municipalities, and external hospital wards and a GP office), and a few messages and a citizen
 * dialogue for the demo patients, sent through the messaging use cases (encrypted, audited). A
 * municipality whose directory exists is left alone.
 */

/** Synthetic HER-ids: `8<kommunenummer><n>` for municipal units, `9000<n>` for external parties. */
export const unitHerId = (tenant: string, index: number) => `8${tenant}${index + 1}`;

const EXTERNAL: (PutPartyRequest & { herId: string })[] = [
  { herId: '90001', name: 'Oslo universitetssykehus, Ullevål – medisinsk sengepost', kind: 'external', service: 'sengepost', citizenDialogue: false, active: true },
  { herId: '90002', name: 'Haukeland universitetssjukehus – kirurgisk sengepost', kind: 'external', service: 'sengepost', citizenDialogue: false, active: true },
  { herId: '90003', name: 'Nordlandssykehuset Bodø – medisinsk avdeling', kind: 'external', service: 'sengepost', citizenDialogue: false, active: true },
  { herId: '90004', name: 'Majorstua fastlegesenter', kind: 'external', service: 'fastlege', citizenDialogue: false, active: true },
];

const SERVICE = { hjemmetjeneste: 'sykepleietjeneste', sykehjem: 'sykepleietjeneste', legekontor: 'legetjeneste', legevakt: 'legetjeneste' } as const;



/** The parties each demo municipality registers. */
function partiesOf(tenant: string): (PutPartyRequest & { herId: string })[] {
  const own = DEMO_TENANTS.find((t) => t.id === tenant)!;
  const units = own.units.map((u, i) => ({
    herId: unitHerId(tenant, i),
    name: `${u.name} (${own.name})`,
    kind: 'unit' as const,
    service: SERVICE[u.kind as keyof typeof SERVICE] ?? ('annet' as const),
    unitId: u.id,
    // Home care and the GP office answer citizens.
    citizenDialogue: u.kind === 'hjemmetjeneste' || u.kind === 'legekontor',
    active: true,
  }));
  const others = DEMO_TENANTS.filter((t) => t.id !== tenant).map((t) => ({
    herId: unitHerId(t.id, 0),
    name: `${t.units[0]!.name} (${t.name})`,
    kind: 'platform' as const,
    service: 'sykepleietjeneste' as const,
    tenant: t.id,
    unitId: t.units[0]!.id,
    citizenDialogue: false,
    active: true,
  }));
  return [...units, ...others, ...EXTERNAL];
}


async function patientIn(tenant: string, nationalId: string): Promise<string> {
  const id = await patientIdByNationalIdKey(jobSession('seed', tenant), await nationalIdKey(nationalId));
  if (!id) throw new Error('seed: demo patient missing');
  return id;
}

/**
 * One municipality's directory, loaded as demo data rather than registered by its admin: so the
 * municipality's log starts with what people did (the admin's registrations through the API are
 * audited, party-service.ts).
 */
async function seedDirectory(tenant: string): Promise<boolean> {
  const session = jobSession('seed', tenant);
  if ((await listParties(session)).length > 0) return false;
  const at = new Date().toISOString();
  for (const { herId, ...party } of partiesOf(tenant)) {
    const item: PartyItem = { pk: messageKeys.partyPk(tenant), sk: herId, itemType: 'message-party', herId, ...party, ...(party.kind === 'unit' ? { tenant } : {}), updatedAt: at, updatedBy: 'seed' };
    await session.db.put('journal', item);
  }
  return true;
}

/** Seed step: directories, then a few messages (after the journal's patients and relationships). */
export async function seedMessaging(): Promise<void> {
  const fresh = await Promise.all(DEMO_TENANTS.map((t) => seedDirectory(t.id)));
  if (!fresh[DEMO_TENANTS.findIndex((t) => t.id === '0301')]) return;
  const kari = await patientIn('0301', '01817045606');
  const ola = await patientIn('0301', '15838512329');
  const nurse = await seedRequest('0301', 'oslo.sykepleier');
  await sendMessage(nurse, { patientId: kari, to: '90001', kind: 'helseopplysninger-innleggelse', subject: 'Helseopplysninger ved innleggelse', text: 'Pasienten får hjemmesykepleie morgen og kveld. Faste medisiner etter liste. Går med rullator.' }, 'seed-msg-1');
  await sendMessage(nurse, { patientId: kari, to: unitHerId('0301', 2), kind: 'foresporsel', subject: 'Spørsmål om blodtrykksmedisin', text: 'Pasienten er svimmel om morgenen. Skal dosen vurderes?' }, 'seed-msg-2');
  await sendMessage(await seedRequest('0301', 'oslo.lege'), { patientId: ola, to: unitHerId('4601', 0), kind: 'foresporsel', subject: 'Oppfølging etter legevakt', text: 'Pasienten ble behandlet for forstuet ankel. Ber om tilsyn ved neste hjemmebesøk.' }, 'seed-msg-3');
  const citizen = demoCaller('innbygger.kari');
  await sendCitizenMessage(citizen, 'seed', await inProcessSessions(citizen), { tenant: '0301', to: unitHerId('0301', 0), subject: 'Endring av besøkstid', text: 'Kan morgenbesøket flyttes til etter klokken ni på torsdag?' }, 'seed-msg-4');
}
