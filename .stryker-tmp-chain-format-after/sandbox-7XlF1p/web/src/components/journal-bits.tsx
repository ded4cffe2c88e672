// @ts-nocheck
import type { Author, EntryStatus, ReceivedFrom } from '../../../shared/contracts/journal';
import { useI18n, type MessageKey } from '../i18n/i18n';
import { Badge } from './ui';

const STATUS_TONE: Record<EntryStatus, 'warn' | 'ok' | 'info' | 'danger'> = {
  draft: 'warn',
  signed: 'ok',
  corrected: 'info',
  'entered-in-error': 'danger',
};

export function StatusBadge({ status }: { status: EntryStatus }) {
  const { t } = useI18n();
  return <Badge tone={STATUS_TONE[status]}>{t(`status.${status}` as MessageKey)}</Badge>;
}

/** Who wrote something: name, profession and HPR number (hpl § 40). */
export function AuthorLine({ author }: { author: Author | undefined }) {
  const { t } = useI18n();
  if (!author) return null;
  const parts = [author.name ?? author.sub, author.profession, author.hpr ? t('journal.hpr', { hpr: author.hpr }) : undefined, (author.via ?? author.clientId) ? t('journal.viaClient', { client: author.via ?? author.clientId ?? '' }) : undefined];
  return <span className="author">{parts.filter(Boolean).join(', ')}</span>;
}

/** Who sent a received document (ITI-65): the organisation with its ENH org.nr or HER-id. */
export function ReceivedFromLine({ from }: { from: ReceivedFrom | undefined }) {
  const { t } = useI18n();
  if (!from) return null;
  const id = from.organisation.enh ? t('journal.enh', { enh: from.organisation.enh }) : from.organisation.herId ? t('journal.herId', { herId: from.organisation.herId }) : undefined;
  return <span className="received-from">{t('journal.receivedFrom', { org: [from.organisation.name, id].filter(Boolean).join(', ') })}</span>;
}

export function entryTypeLabel(tOr: (key: string, fallback: string) => string, type: string): string {
  return tOr(`entryType.${type}`, type);
}

/** A national id grouped as birth date + personal number, easier to read aloud and compare. */
export function formatNationalId(nid: string): string {
  return /^\d{11}$/.test(nid) ? `${nid.slice(0, 6)} ${nid.slice(6)}` : nid;
}
