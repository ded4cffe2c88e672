import type { Party, PutPartyRequest } from '../../shared/contracts/messaging';
import type { TenantSession } from '../../shared/db/sessions';
import { ValidationError } from '../../shared/errors';
import { commitAudited } from '../core/commit';
import { accessEvent, directoryOf, nowOf, type TenantRequest } from '../core/patient-access';
import { messageKeys, type PartyItem } from './message-record';

/**
 * The communication parties of a municipality (its part of the address register): its own units
 * with their HER-ids, units of other municipalities on the platform, and external parties
 * (hospital wards, GP offices) by HER-id. The tenant admin keeps it; staff look recipients up in
 * it. Parties name no patient, so they are stored in the clear.
 */

function toParty(item: PartyItem): Party {
  const { pk: _pk, sk: _sk, itemType: _t, ...party } = item;
  return party;
}

/** Every party of the municipality (a directory of at most a few hundred parties: one query). */
export async function listParties(session: TenantSession, q?: string): Promise<Party[]> {
  const out: Party[] = [];
  let cursor: string | undefined;
  do {
    const page = await session.db.query<PartyItem>({ table: 'journal', partition: messageKeys.partyPk(session.tenant), cursor, limit: 500 });
    out.push(...page.items.map(toParty));
    cursor = page.nextCursor;
  } while (cursor);
  const needle = q?.toLocaleLowerCase('nb');
  const hits = needle ? out.filter((p) => p.name.toLocaleLowerCase('nb').includes(needle) || p.herId.startsWith(needle)) : out;
  return hits.sort((a, b) => a.name.localeCompare(b.name, 'nb'));
}

/** One party by HER-id, if registered. */
export async function getParty(session: TenantSession, herId: string): Promise<Party | undefined> {
  const item = await session.db.get<PartyItem>('journal', messageKeys.partyPk(session.tenant), herId);
  return item ? toParty(item) : undefined;
}

/** The registered party of a unit of this municipality (the caller's unit sends as it). */
export async function partyOfUnit(session: TenantSession, unitId: string): Promise<Party | undefined> {
  return (await listParties(session)).find((p) => p.kind === 'unit' && p.unitId === unitId && p.active);
}

/** The where-fields of a party must fit its kind, and name a unit that exists. */
async function checkPlacement(req: TenantRequest, body: PutPartyRequest): Promise<Pick<Party, 'tenant' | 'unitId'>> {
  if (body.kind === 'external') {
    if (body.tenant || body.unitId) throw new ValidationError('En ekstern part har bare HER-id, ikke kommune eller enhet.', [{ field: 'body.kind', message: 'En ekstern part har bare HER-id, ikke kommune eller enhet.' }]);
    if (body.citizenDialogue) throw new ValidationError('Bare kommunens egne enheter kan tilby innbyggerdialog.', [{ field: 'body.citizenDialogue', message: 'Bare kommunens egne enheter kan tilby innbyggerdialog.' }]);
    return {};
  }
  if (!body.unitId) throw new ValidationError('Oppgi enheten.', [{ field: 'body.unitId', message: 'Oppgi enheten.' }]);
  const tenant = body.kind === 'unit' ? req.tenant : body.tenant;
  if (body.kind === 'unit' && body.tenant && body.tenant !== req.tenant) throw new ValidationError('En egen enhet hører til denne kommunen.', [{ field: 'body.tenant', message: 'En egen enhet hører til denne kommunen.' }]);
  if (body.kind === 'platform' && (!tenant || tenant === req.tenant)) throw new ValidationError('Oppgi den andre kommunen.', [{ field: 'body.tenant', message: 'Oppgi den andre kommunen.' }]);
  if (body.kind === 'platform' && body.citizenDialogue) throw new ValidationError('Bare kommunens egne enheter kan tilby innbyggerdialog.', [{ field: 'body.citizenDialogue', message: 'Bare kommunens egne enheter kan tilby innbyggerdialog.' }]);
  const profile = await directoryOf(req).profile(tenant!);
  if (!profile?.units.some((u) => u.id === body.unitId)) throw new ValidationError('Enheten finnes ikke i kommunen.', [{ field: 'body.unitId', message: 'Enheten finnes ikke i kommunen.' }]);
  return { tenant, unitId: body.unitId };
}

/** Registers or changes a party (tenant admin), audited in the municipality's log. */
export async function putParty(req: TenantRequest, herId: string, body: PutPartyRequest): Promise<Party> {
  const placement = await checkPlacement(req, body);
  const party: Party = {
    herId,
    name: body.name,
    kind: body.kind,
    service: body.service,
    ...placement,
    citizenDialogue: body.citizenDialogue,
    active: body.active,
    updatedAt: nowOf(req).toISOString(),
    updatedBy: req.caller.sub,
  };
  const item: PartyItem = { pk: messageKeys.partyPk(req.tenant), sk: herId, itemType: 'message-party', ...party };
  const event = accessEvent(req, 'message.party.put', 'success', { recordId: herId }, { rule: 'tenant-admin-keeps-directory', purposeOfUse: 'ADMIN' }, { kind: body.kind, active: body.active });
  await commitAudited(req.session.db, () => [{ kind: 'put', table: 'journal', item }], [event], []);
  return party;
}
