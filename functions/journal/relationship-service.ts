import type { TenantSession } from '../../shared/db/sessions';
import { randomUUID } from 'node:crypto';
import type { CreateRelationshipRequest, Relationship, RelationshipSubject } from '../../shared/contracts/journal';
import { ConflictError, NotFoundError, PreconditionFailedError, ValidationError } from '../../shared/errors';
import { readTenantProfile } from '../../shared/tenancy/tenant-profile';
import { getUser } from '../../shared/tenancy/user-store';
import { relationshipInForce } from '../core/access-decision';
import { expectVersion } from '../../shared/http/etag';
import { commitIdempotent, type IdempotencyScope, recordAccess, replayIdempotent, requestHash, type WriteOutcome } from '../core/commit';
import { authorize, authorOf, accessEvent, nowOf, type PatientContext, type TenantRequest } from '../core/patient-access';
import { journalKeys, openRelationship, patientAccessWrite, type RelationshipItem, sealRelationship, withRelationship } from '../core/journal-record';
import { getRelationship, relationshipPut, relationshipReplace } from './relationship-store';

/**
 * Care relationships (behandlingsrelasjon / tjenstlig behov): what gives a clinician or a unit
 * access to a patient's journal. Rules (decided in access-decision.ts):
 * - a clinician may create one for themselves or for their own unit, with a coded reason and a
 *   free-text reason (stored encrypted, recorded in the audit event);
 * - a tenant admin may create one for any clinician or unit of the tenant;
 * - it is in force from validFrom (default now; not backdated) to validTo (default one year on,
 *   at most five years); it can be ended early by its subject, its creator or a tenant admin.
 */

export const DEFAULT_VALIDITY_DAYS = 365;
export const MAX_VALIDITY_DAYS = 5 * 365;
const DAY_MS = 86_400_000;
/** Clock skew allowed for validFrom in the past. */
const BACKDATE_TOLERANCE_MS = 5 * 60_000;

export async function toRelationship(session: TenantSession, item: RelationshipItem, now: Date): Promise<Relationship> {
  const sealed = await openRelationship(session, item.patientId, item.relationshipId, item.sealed);
  return {
    id: item.relationshipId,
    patientId: item.patientId,
    subject: { kind: item.subjectKind, id: item.subjectId },
    reasonCode: item.reasonCode,
    reason: sealed.reason,
    validFrom: item.validFrom,
    validTo: item.validTo,
    active: relationshipInForce({ id: item.relationshipId, subject: { kind: item.subjectKind, id: item.subjectId }, validFrom: item.validFrom, validTo: item.validTo, endedAt: item.endedAt }, now),
    createdAt: item.createdAt,
    createdBy: item.createdBy,
    ...(item.endedAt ? { endedAt: item.endedAt } : {}),
    ...(item.endedBy ? { endedBy: item.endedBy } : {}),
    ...(sealed.endReason ? { endReason: sealed.endReason } : {}),
    version: item.version,
  };
}

/** The subject must be a clinician of this tenant or one of its units. */
async function checkSubject(tenant: string, subject: RelationshipSubject): Promise<void> {
  if (subject.kind === 'unit') {
    const profile = await readTenantProfile(tenant);
    if (!profile?.units.some((u) => u.id === subject.id)) {
      throw new ValidationError('Ukjent enhet i kommunen.', [{ field: 'body.subject.id', message: 'Enheten finnes ikke i kommunen' }]);
    }
    return;
  }
  const user = await getUser(subject.id);
  if (!user || user.tenant !== tenant || user.status !== 'active' || !user.roles.includes('clinician')) {
    throw new ValidationError('Ukjent helsepersonell i kommunen.', [{ field: 'body.subject.id', message: 'Brukeren er ikke aktivt helsepersonell i kommunen' }]);
  }
}

function validity(body: CreateRelationshipRequest, now: Date): { validFrom: string; validTo: string } {
  const from = body.validFrom ? new Date(body.validFrom) : now;
  if (from.getTime() < now.getTime() - BACKDATE_TOLERANCE_MS) {
    throw new ValidationError('En behandlingsrelasjon kan ikke tilbakedateres.', [{ field: 'body.validFrom', message: 'Kan ikke ligge i fortiden' }]);
  }
  const to = body.validTo ? new Date(body.validTo) : new Date(from.getTime() + DEFAULT_VALIDITY_DAYS * DAY_MS);
  if (to.getTime() <= from.getTime()) throw new ValidationError('validTo må være etter validFrom.', [{ field: 'body.validTo', message: 'Må være etter validFrom' }]);
  if (to.getTime() - from.getTime() > MAX_VALIDITY_DAYS * DAY_MS) {
    throw new ValidationError('En behandlingsrelasjon kan vare høyst fem år.', [{ field: 'body.validTo', message: 'Høyst fem år etter validFrom' }]);
  }
  return { validFrom: from.toISOString(), validTo: to.toISOString() };
}

/**
 * The patient's access-facts copy with the changed relationship, in the change's own transaction:
 * the decision reads the copy, so it is never behind the relationships (a concurrent change of
 * another relationship of the patient makes one of the two fail: 409, try again).
 */
function accessCopyWrite(tenant: string, patientId: string, context: PatientContext, changed: RelationshipItem) {
  return {
    write: patientAccessWrite(tenant, patientId, withRelationship(context.relationships, changed), context.accessRev),
    onConditionFailed: () => new ConflictError('Pasientens behandlingsrelasjoner ble endret samtidig; prøv igjen.'),
  };
}

/** Creates a care relationship for the caller (default), their unit, or (tenant admin) anyone in the tenant. */
export async function createRelationship(req: TenantRequest, patientId: string, body: CreateRelationshipRequest, idempotencyKey: string): Promise<WriteOutcome<Relationship>> {
  const subject: RelationshipSubject = body.subject ?? { kind: 'user', id: req.caller.sub };
  const { context, decision } = await authorize(req, patientId, 'relationship.create', 'relationship.create', { target: { subject } });
  const scope: IdempotencyScope = { session: req.session, callerSub: req.caller.sub, operation: 'createRelationship', key: idempotencyKey, requestHash: requestHash({ patientId, body }) };
  const prior = await replayIdempotent<Relationship>(scope);
  if (prior) return prior;

  await checkSubject(req.tenant, subject);
  const now = nowOf(req);
  const { validFrom, validTo } = validity(body, now);
  const relationshipId = randomUUID();
  const item: RelationshipItem = {
    pk: journalKeys.patientPk(req.tenant, patientId),
    sk: journalKeys.relationshipSk(relationshipId),
    itemType: 'relationship',
    relationshipId,
    patientId,
    subjectKind: subject.kind,
    subjectId: subject.id,
    reasonCode: body.reasonCode,
    sealed: await sealRelationship(req.session, patientId, relationshipId, { reason: body.reason }),
    validFrom,
    validTo,
    createdAt: now.toISOString(),
    createdBy: authorOf(req.caller),
    version: 1,
  };
  const value = await toRelationship(req.session, item, now);
  const target = { patientId, nidKey: context.patient.nidKey, recordId: relationshipId };
  const selfAuthorised = subject.kind === 'user' ? subject.id === req.caller.sub : subject.id === req.caller.unit;
  const event = {
    ...accessEvent(req, 'relationship.create', 'success', target, decision, { subjectKind: subject.kind, subject: subject.id, reasonCode: body.reasonCode, selfAuthorised }),
    reason: body.reason,
    // Selvautorisasjon must be followed up in log review: the tenant auditor's queue gets it.
    ...(selfAuthorised ? { flagged: true, flagReason: 'self-authorised' } : {}),
  };
  return commitIdempotent(
    scope,
    now,
    { value, version: 1, created: true },
    [{ write: relationshipPut(item), onConditionFailed: () => new ConflictError('Relasjonen finnes allerede.') }, accessCopyWrite(req.tenant, patientId, context, item)],
    [event],
  );
}

/** Lists the patient's care relationships, in force and ended (audited). */
export async function listRelationships(req: TenantRequest, patientId: string): Promise<Relationship[]> {
  const { context, decision } = await authorize(req, patientId, 'relationship.list', 'relationship.list');
  const now = nowOf(req);
  const list = await Promise.all(context.relationships.map((r) => toRelationship(req.session, r, now)));
  list.sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1));
  await recordAccess([accessEvent(req, 'relationship.list', 'success', { patientId, nidKey: context.patient.nidKey }, decision)], req);
  return list;
}

/** Ends a relationship now (If-Match on its version). Ending an ended one is refused (409). */
export async function endRelationship(
  req: TenantRequest,
  patientId: string,
  relationshipId: string,
  body: { reason?: string } | undefined,
  ifMatch: string | undefined,
  idempotencyKey: string,
): Promise<WriteOutcome<Relationship>> {
  const expected = expectVersion(ifMatch);
  const current = await getRelationship(req.session, patientId, relationshipId);
  // Under an unknown patient no relationship is found; a patient hidden by a block answers the same.
  const relationshipNotFound = () => new NotFoundError('Behandlingsrelasjonen finnes ikke.');
  if (!current) throw relationshipNotFound();
  const { context, decision } = await authorize(req, patientId, 'relationship.end', 'relationship.end', {
    hidden: relationshipNotFound,
    recordId: relationshipId,
    target: { subject: { kind: current.subjectKind, id: current.subjectId }, createdBy: current.createdBy.sub },
  });
  const scope: IdempotencyScope = { session: req.session, callerSub: req.caller.sub, operation: 'endRelationship', key: idempotencyKey, requestHash: requestHash({ patientId, relationshipId, body: body ?? {} }) };
  const prior = await replayIdempotent<Relationship>(scope);
  if (prior) return prior;
  if (current.version !== expected) throw new PreconditionFailedError('Behandlingsrelasjonen er endret siden du hentet den.', { currentVersion: current.version });

  const now = nowOf(req);
  if (current.endedAt || Date.parse(current.validTo) <= now.getTime()) throw new ConflictError('Behandlingsrelasjonen er allerede avsluttet.');
  const sealed = await openRelationship(req.session, patientId, relationshipId, current.sealed);
  const endedAt = now.toISOString();
  const next: RelationshipItem = {
    ...current,
    sealed: await sealRelationship(req.session, patientId, relationshipId, { ...sealed, ...(body?.reason ? { endReason: body.reason } : {}) }),
    validTo: Date.parse(current.validFrom) > now.getTime() ? current.validFrom : endedAt,
    endedAt,
    endedBy: authorOf(req.caller),
    version: current.version + 1,
  };
  const value = await toRelationship(req.session, next, now);
  const event = {
    ...accessEvent(req, 'relationship.end', 'success', { patientId, nidKey: context.patient.nidKey, recordId: relationshipId }, decision, { subjectKind: current.subjectKind, subject: current.subjectId }),
    ...(body?.reason ? { reason: body.reason } : {}),
  };
  return commitIdempotent(
    scope,
    now,
    { value, version: next.version, created: false },
    [{ write: relationshipReplace(next, current.version), onConditionFailed: () => new PreconditionFailedError('Behandlingsrelasjonen ble endret samtidig.') }, accessCopyWrite(req.tenant, patientId, context, next)],
    [event],
  );
}
