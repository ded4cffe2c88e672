// @ts-nocheck
import type { Caller } from '../../shared/auth/caller';
import type { Author } from '../../shared/contracts/journal';
import type { SharedDocument } from '../../shared/contracts/sharing';
import { ForbiddenError } from '../../shared/errors';
import { nationalIdKey } from '../../shared/crypto/lookup-hash';
import type { Envelope } from '../../shared/crypto';
import type { TenantDirectory } from '../../shared/tenancy/tenant-profile';
import { type DocumentFacts, type DocumentIndexItem, openTitle } from '../core/sharing-record';

/** The citizen's own national-id key, or a refusal when the login carries no national id. */
export async function citizenKeyOf(caller: Caller): Promise<string> {
  if (!caller.pid || caller.kind !== 'person') throw new ForbiddenError('Innloggingen mangler fødselsnummer.');
  return nationalIdKey(caller.pid);
}

/** A person as a shared document names them. */
function documentPerson(a: Author): NonNullable<SharedDocument['correctedBy']> {
  return { id: a.sub, ...(a.name ? { name: a.name } : {}), ...(a.profession ? { profession: a.profession } : {}), ...(a.hpr ? { hpr: a.hpr } : {}) };
}

/**
 * A document as the API shows it. An index item's sealed title is opened with `keys`, a reader of
 * that document (not for a withdrawn document); without keys it comes without a title.
 */
export async function toSharedDocument(item: DocumentFacts | DocumentIndexItem, dir: TenantDirectory, keys?: Envelope): Promise<SharedDocument> {
  const withdrawn = item.entryStatus === 'entered-in-error';
  const [profile, title] = await Promise.all([dir.profile(item.tenant), withdrawn || !keys || !('titleSealed' in item) ? Promise.resolve(undefined) : openTitle(item, keys)]);
  const unitName = profile?.units.find((u) => u.id === item.unit)?.name;
  return {
    id: item.documentId,
    entryId: item.entryId,
    type: item.entryType,
    ...(title !== undefined ? { title } : {}),
    status: withdrawn ? 'entered-in-error' : 'current',
    corrected: item.entryStatus === 'corrected',
    version: item.version,
    date: item.eventTime,
    recordedAt: item.recordedAt,
    author: {
      id: item.author.sub,
      ...(item.author.name ? { name: item.author.name } : {}),
      ...(item.author.profession ? { profession: item.author.profession } : {}),
      ...(item.author.hpr ? { hpr: item.author.hpr } : {}),
    },
    ...(item.correctedAt ? { correctedAt: item.correctedAt } : {}),
    ...(item.correctedBy ? { correctedBy: documentPerson(item.correctedBy) } : {}),
    organisation: { tenantId: item.tenant, name: profile ? `${profile.name} kommune` : `Kommune ${item.tenant}`, unit: { id: item.unit, ...(unitName ? { name: unitName } : {}) } },
  };
}
