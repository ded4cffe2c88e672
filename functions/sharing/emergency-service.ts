import { randomUUID } from 'node:crypto';
import type { ActiveEmergencyAccess, EmergencyAccess } from '../../shared/contracts/sharing';
import { config } from '../../shared/config';
import { ForbiddenError, TooManyRequestsError } from '../../shared/errors';
import { decideAccess, emergencyInForce, hidesPatient } from '../core/access-decision';
import { CONTENDED_CHANGE, recordAccess } from '../core/commit';
import { accessCallerOf, accessEvent, factsForDecision, loadContextAndFacts, nowOf, patientNotFound, refusal, relationshipFacts, type PatientAccessRequest } from '../core/patient-access';
import { type EmergencyItem, emergencyReasonContext, sharingKeys } from '../core/sharing-record';
import { commitStaffChange, replay, staffIdempotency } from './sharing-commit';
import { emergencyPut, factsCopyWrite } from './sharing-store';

/**
 * Emergency access (akuttilgang, break-the-glass; purpose of use BTG). A clinician without a care
 * relationship states a reason (at most 250 characters, validated at the edge, stored sealed under
 * their municipality's key and in the audit event, never in logs) and gets read access to the
 * patient's record (their own municipality's journal and the shared documents of others) for
 * FJ_EMERGENCY_ACCESS_HOURS (default 4). The grant is flagged for review in the caller's
 * municipality; every access it gives is flagged in the log of the municipality owning the data,
 * so each data owner's auditor finds it in their review queue; the citizen sees it in their log
 * as emergency access. Named-person and named-unit blocks still hold (the access decision checks
 * blocks before the basis of access).
 */

function toView(item: EmergencyItem, now: Date): EmergencyAccess {
  return {
    id: item.grantId,
    patientId: item.patientId,
    grantedAt: item.grantedAt,
    expiresAt: item.expiresAt,
    active: emergencyInForce({ id: item.grantId, tenant: item.tenant, sub: item.sub, grantedAt: item.grantedAt, expiresAt: item.expiresAt }, now),
  };
}

/**
 * Grants emergency access. A retry with the same Idempotency-Key gets the first grant again: no
 * second grant, no second event in the review queue.
 */
export async function requestEmergencyAccess(req: PatientAccessRequest, patientId: string, reason: string, idempotencyKey?: string): Promise<EmergencyAccess> {
  const { tenant, session } = req;
  if (!tenant || !session) throw new ForbiddenError('Bare helsepersonell i en kommune kan be om akuttilgang.');
  const idem = staffIdempotency(session, req, 'requestEmergencyAccess', idempotencyKey, { patientId, reason });
  const prior = await replay<EmergencyAccess>(idem);
  if (prior) return prior;
  const now = nowOf(req);
  const loaded = await loadContextAndFacts(session, patientId, 'emergency.request', now);
  if (!loaded) throw patientNotFound();
  const nidKey = loaded.context.patient.nidKey;
  const decision = decideAccess({
    caller: await accessCallerOf(req.caller),
    tenant,
    action: 'emergency.request',
    patient: { id: patientId, nationalIdKey: nidKey },
    relationships: relationshipFacts(loaded.context),
    now,
    ...factsForDecision(loaded.facts),
  });
  const target = { tenant, patientId, nidKey };
  if (!decision.allow) {
    await recordAccess([accessEvent(req, 'sharing.emergency-access.grant', 'denied', target, decision, {})], req);
    throw refusal(decision.rule);
  }
  const grantId = randomUUID();
  const expiresAt = new Date(now.getTime() + config().sharing.emergencyAccessHours * 3_600_000).toISOString();
  const item: EmergencyItem = {
    pk: sharingKeys.citizenPk(nidKey),
    sk: sharingKeys.emergencySk(expiresAt, grantId),
    itemType: 'emergency',
    grantId,
    tenant,
    patientId,
    sub: req.caller.sub,
    ...(req.caller.unit ? { unit: req.caller.unit } : {}),
    grantedAt: now.toISOString(),
    expiresAt,
    reasonSealed: await session.keys.encryptJson(emergencyReasonContext(tenant, patientId, grantId), reason),
  };
  // The grant is itself flagged (the clinician authorised themselves) and carries the reason.
  const event = {
    ...accessEvent(req, 'sharing.emergency-access.grant', 'success', { ...target, recordId: grantId }, { ...decision, emergency: true, emergencyId: grantId }, { expiresAt, selfAuthorised: true }),
    reason,
  };
  const onConditionFailed = () => new TooManyRequestsError(CONTENDED_CHANGE);
  return commitStaffChange(session, idem, now, toView(item, now), [{ write: emergencyPut(item), onConditionFailed }, factsCopyWrite(nidKey, loaded.facts, item, now)], [event]);
}

/** The caller's own emergency access to the patient in force now (the latest to expire), if any. */
export async function activeEmergencyAccess(req: PatientAccessRequest, patientId: string): Promise<ActiveEmergencyAccess> {
  const { tenant, session } = req;
  if (!tenant || !session) throw new ForbiddenError('Bare helsepersonell i en kommune kan ha akuttilgang.');
  const now = nowOf(req);
  const loaded = await loadContextAndFacts(session, patientId, 'emergency.request', now);
  if (!loaded) throw patientNotFound();
  // A person or unit the citizen has blocked gets the answer for an unknown patient here too.
  const decision = decideAccess({
    caller: await accessCallerOf(req.caller),
    tenant,
    action: 'patient.read',
    patient: { id: patientId, nationalIdKey: loaded.context.patient.nidKey },
    relationships: relationshipFacts(loaded.context),
    now,
    ...factsForDecision(loaded.facts),
  });
  if (!decision.allow && hidesPatient(decision.rule)) {
    await recordAccess([accessEvent(req, 'sharing.emergency-access.read', 'denied', { tenant, patientId, nidKey: loaded.context.patient.nidKey }, decision, {})], req);
    throw patientNotFound();
  }
  const mine = loaded.facts.emergency
    .filter((e) => e.sub === req.caller.sub && e.tenant === tenant && e.patientId === patientId)
    .map((e) => toView(e, now))
    .filter((e) => e.active)
    .sort((a, b) => (a.expiresAt < b.expiresAt ? 1 : -1));
  return { active: mine[0] ?? null };
}
