// @ts-nocheck
import type { AuditEventView } from '../../shared/contracts/audit';
import type { Envelope } from '../../shared/crypto';
import { logger } from '../../shared/observability';
import type { StoredEvent } from './audit-store';
import { patientOfStream } from '../core/chain-format';

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** The free-text reason of an event, decrypted with the reader's session keys; undefined when there is none. */
export async function openReason(item: StoredEvent, keys: Envelope): Promise<string | undefined> {
  if (!(item.reasonSealed instanceof Uint8Array)) return undefined;
  try {
    const plain = await keys.decrypt({ tenant: item.tenant, record: item.eventId, kind: 'audit-reason' }, item.reasonSealed);
    return plain.toString('utf8');
  } catch {
    // An unreadable reason is shown as absent; verify reports the tampering, not this view.
    logger.warn('audit reason could not be decrypted', { tenant: item.tenant });
    return undefined;
  }
}

/** A stored event as the tenant's auditor (or a clinician, for their own events) sees it. */
export async function toEventView(item: StoredEvent, options: { withReason: false } | { withReason: true; keys: Envelope }): Promise<AuditEventView> {
  const actor = item.actor;
  const details = item.details && typeof item.details === 'object' ? (item.details as AuditEventView['details']) : undefined;
  return {
    id: item.eventId,
    stream: patientOfStream(item.pk) ? 'patient' : 'tenant',
    seq: item.seq,
    time: item.time,
    tenant: item.tenant,
    action: item.action,
    outcome: item.outcome as AuditEventView['outcome'],
    actor: {
      sub: String(actor.sub),
      name: str(actor.name),
      hpr: str(actor.hpr),
      profession: str(actor.profession),
      roles: Array.isArray(actor.roles) ? actor.roles.map(String) : [],
      tenant: str(actor.tenant),
      unit: str(actor.unit),
      clientId: str(actor.clientId),
    },
    requestId: item.requestId,
    patientId: str(item.patientId),
    recordId: str(item.recordId),
    purposeOfUse: str(item.purposeOfUse) as AuditEventView['purposeOfUse'],
    reasonCode: str(item.reasonCode),
    reason: options.withReason ? await openReason(item, options.keys) : undefined,
    flagged: item.flagged === true ? true : undefined,
    flagReason: str(item.flagReason),
    fromTenant: str(item.fromTenant),
    rule: str(item.rule),
    details,
  };
}
