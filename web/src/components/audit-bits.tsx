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

/** ISO instant from a datetime-local value, or undefined when empty or invalid. */
export function isoFromLocal(value: string): string | undefined {
  if (!value) return undefined;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

/** `YYYY-MM-DDTHH:mm` in local time, for a datetime-local input. */
export function localInput(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
