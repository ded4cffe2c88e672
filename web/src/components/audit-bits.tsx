import type * as z from 'zod/mini';
import type { auditActorSchema } from '../../../shared/contracts/audit';
import { useI18n, type MessageKey } from '../i18n/i18n';
import { Badge } from './ui';

type Actor = z.infer<typeof auditActorSchema>;

/** A readable name for a dotted audit action, with the code beside it for the expert reader. */
export function ActionLabel({ action }: { action: string }) {
  const { tOr } = useI18n();
  const label = tOr(`auditAction.${action}`, action);
  return (
    <span className="action-label">
      {label} {label !== action && <code className="muted small">{action}</code>}
    </span>
  );
}

export function OutcomeBadge({ outcome }: { outcome: 'success' | 'denied' | 'failure' }) {
  const { t } = useI18n();
  return <Badge tone={outcome === 'success' ? 'ok' : outcome === 'denied' ? 'danger' : 'warn'}>{t(`outcome.${outcome}` as MessageKey)}</Badge>;
}

export function ActorLine({ actor }: { actor: Actor }) {
  const { t } = useI18n();
  const parts = [
    actor.name ?? actor.sub,
    actor.profession,
    actor.hpr ? t('journal.hpr', { hpr: actor.hpr }) : undefined,
    actor.unit,
    actor.tenant ? t('app.tenant', { tenant: actor.tenant }) : undefined,
    actor.clientId ? t('journal.viaClient', { client: actor.clientId }) : undefined,
  ];
  return (
    <span>
      {parts.filter(Boolean).join(', ')} <code className="muted small">{actor.sub}</code>
    </span>
  );
}
