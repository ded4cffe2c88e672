// @ts-nocheck
import type { ReactNode } from 'react';
import type * as z from 'zod/mini';
import type { auditActorSchema, AuditEventView } from '../../../shared/contracts/audit';
import { useI18n, type MessageKey } from '../i18n/i18n';
import type { EventLine } from './event-row';
import { Badge } from './ui';
import { useUnitNames } from './unit-name';

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

/** Who acted: name, profession, HPR number, unit (by name where it is the own municipality's), municipality, system. */
export function ActorLine({ actor }: { actor: Actor }) {
  const { t } = useI18n();
  const units = useUnitNames();
  const parts = [
    actor.name ?? actor.sub,
    actor.profession,
    actor.hpr ? t('journal.hpr', { hpr: actor.hpr }) : undefined,
    actor.unit && (units.get(actor.unit) ?? actor.unit),
    actor.tenant ? t('app.tenant', { tenant: actor.tenant }) : undefined,
    actor.clientId ? t('journal.viaClient', { client: actor.clientId }) : undefined,
  ];
  return (
    <span>
      {parts.filter(Boolean).join(', ')} <code className="muted small">{actor.sub}</code>
    </span>
  );
}

/** What happened, for the auditor: the action in words, its outcome, and the municipality it came from. */
function AuditWhat({ event }: { event: AuditEventView }) {
  const { t } = useI18n();
  return (
    <>
      <ActionLabel action={event.action} /> <OutcomeBadge outcome={event.outcome} />
      {event.fromTenant && <div className="muted small">{t('audit.fromTenant', { tenant: event.fromTenant })}</div>}
    </>
  );
}

/** An audit event as a line of the log views; `who` replaces the actor line (e.g. with a link). */
export function auditEventLine(event: AuditEventView, who: ReactNode = <ActorLine actor={event.actor} />): EventLine {
  return {
    id: event.id,
    time: event.time,
    flagged: event.flagged,
    what: <AuditWhat event={event} />,
    who,
    patientId: event.patientId,
    patient: event.patient,
    purposeOfUse: event.purposeOfUse,
    reasonCode: event.reasonCode,
    reason: event.reason,
  };
}
