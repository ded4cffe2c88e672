import type { Caller } from '../../shared/auth/caller';
import type { SharedDocument } from '../../shared/contracts/sharing';
import { ForbiddenError, TooManyRequestsError } from '../../shared/errors';
import { nationalIdKey } from '../../shared/crypto/lookup-hash';
import { ConditionFailedError, TransactionConflictError } from '../../shared/db/tenant-db';
import { TenantDirectory } from '../../shared/tenancy/tenant-profile';
import { appendAudit, appendAuditAcross } from '../core/audit-chain';
import { actorOf, type AuditEventInput, type AuditOutcome } from '../core/audit-event';
import type { AccessDecision } from '../core/access-decision';
import { openTitle, type DocumentFacts, type DocumentIndexItem } from './sharing-store';

/** Who asks, for which request: what every sharing use case receives. `tenant` is the caller's own (absent for citizens). */
export interface SharingRequest {
  tenant?: string;
  caller: Caller;
  requestId: string;
  /** Registry entries the request wrapper already read (the caller's municipality, a retrieval's origin). */
  registry?: TenantDirectory;
  /** For tests and seeds; default now. */
  now?: Date;
}

export function nowOf(req: SharingRequest): Date {
  return req.now ?? new Date();
}

/** Municipalities' registry entries for this request, starting from what the wrapper read. */
export function directoryOf(req: SharingRequest): TenantDirectory {
  return req.registry ?? new TenantDirectory();
}

/** The citizen's own national-id key, or a refusal when the login carries no national id. */
export async function citizenKeyOf(caller: Caller): Promise<string> {
  if (!caller.pid || caller.kind !== 'person') throw new ForbiddenError('Innloggingen mangler fødselsnummer.');
  return nationalIdKey(caller.pid);
}

export interface SharingTarget {
  /** The tenant whose log records the event. */
  tenant: string;
  /** That tenant's patient id (selects the patient's chain); absent: the tenant chain. */
  patientId?: string;
  nidKey: string;
  recordId?: string;
}

/**
 * An audit event of a sharing use case. Events in a municipality other than the caller's name the
 * caller's municipality in `fromTenant`; emergency access flags the event for the auditor of the
 * municipality whose log records it. Details never hold patient data.
 */
export function sharingEvent(
  req: SharingRequest,
  action: string,
  outcome: AuditOutcome,
  target: SharingTarget,
  decision: Pick<AccessDecision, 'rule' | 'purposeOfUse' | 'reasonCode' | 'emergency' | 'emergencyId'>,
  details: Record<string, string | number | boolean> = {},
): AuditEventInput {
  return {
    tenant: target.tenant,
    action,
    outcome,
    actor: actorOf(req.caller),
    requestId: req.requestId,
    patientId: target.patientId,
    citizenKey: target.nidKey,
    recordId: target.recordId,
    purposeOfUse: decision.purposeOfUse,
    reasonCode: decision.reasonCode,
    rule: decision.rule,
    ...(req.tenant && req.tenant !== target.tenant ? { fromTenant: req.tenant } : {}),
    ...(decision.emergency ? { flagged: true, flagReason: 'emergency-access' } : {}),
    details: { ...details, ...(decision.emergencyId ? { emergencyId: decision.emergencyId } : {}) },
  };
}

/**
 * Stores events in each municipality's own chain and resolves only once all are stored: a read is
 * answered after its trace exists in every log, never before. The caller's municipality and one
 * other (a retrieval, a list from one origin) are written in one transaction, both or neither;
 * more municipalities in parallel.
 */
export async function recordEvents(req: SharingRequest, events: AuditEventInput[]): Promise<void> {
  const byTenant = new Map<string, AuditEventInput[]>();
  for (const e of events) byTenant.set(e.tenant, [...(byTenant.get(e.tenant) ?? []), e]);
  const tenants = [...byTenant.keys()];
  const peer = tenants.find((t) => t !== req.tenant);
  try {
    if (tenants.length === 2 && req.tenant && byTenant.has(req.tenant) && peer) await appendAuditAcross(req.tenant, peer, events);
    else await Promise.all([...byTenant.values()].map((tenantEvents) => appendAudit(tenantEvents)));
  } catch (error) {
    if (error instanceof ConditionFailedError || error instanceof TransactionConflictError) {
      throw new TooManyRequestsError('Mange samtidige oppslag på denne pasienten; prøv igjen.');
    }
    throw error;
  }
}


/**
 * A document as the API shows it. An index item's sealed title is opened in the origin
 * municipality's key context (not for a withdrawn document); bare facts come without a title.
 */
export async function toSharedDocument(item: DocumentFacts | DocumentIndexItem, dir: TenantDirectory): Promise<SharedDocument> {
  const withdrawn = item.entryStatus === 'entered-in-error';
  const [profile, title] = await Promise.all([dir.profile(item.tenant), withdrawn || !('titleSealed' in item) ? Promise.resolve(undefined) : openTitle(item)]);
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
    organisation: { tenantId: item.tenant, name: profile ? `${profile.name} kommune` : `Kommune ${item.tenant}`, unit: { id: item.unit, ...(unitName ? { name: unitName } : {}) } },
  };
}
