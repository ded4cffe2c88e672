import type { TenantSession } from '../../shared/db/sessions';
import { randomUUID } from 'node:crypto';
import type { CreatePatientRequest, Patient, PatientSearchResult, SearchPatientsRequest } from '../../shared/contracts/journal';
import { ConflictError, ForbiddenError } from '../../shared/errors';
import { nationalIdKey } from '../../shared/crypto/lookup-hash';
import { hasRole } from '../../shared/auth/caller';
import type { AuditEventInput, PurposeOfUse } from '../core/audit-event';
import { decideAccess, hidesPatient, RULES, type AccessDecision } from '../core/access-decision';
import { commitIdempotent, type IdempotencyScope, recordAccess, replayIdempotent, requestHash, type WriteOutcome } from '../core/commit';
import {
  accessCallerOf,
  accessEvent,
  authorize,
  factItems,
  factsForDecision,
  type FactsRead,
  loadCitizenFacts,
  loadContextAndFacts,
  loadPatientContext,
  nowOf,
  patientIdAndFactsByNationalIdKey,
  patientIdByNationalIdKey,
  relationshipFacts,
  type CitizenFacts,
  type PatientContext,
  type TenantRequest,
} from '../core/patient-access';
import { openPatient, patientAccessWrite, type PatientItem, sealPatient } from '../core/journal-record';
import { citizenFactsWrite } from '../core/sharing-record';
import { hashNamePrefix, nameMatches, namePrefixes, queryPrefixes } from './name-index';
import { createPatientWrites, patientIdsByNameToken } from './patient-store';

/** Use cases for patients: create (one record per national id per tenant), search, read. */

export const SEARCH_LIMIT = 20;
/** How many patients one name-prefix lookup considers; a search that hits it says `truncated`. */
const NAME_CANDIDATES = 1000;

export async function toPatient(session: TenantSession, item: PatientItem): Promise<Patient> {
  const sealed = await openPatient(session, item.patientId, item.sealed);
  return { id: item.patientId, tenant: item.tenant, ...sealed, createdAt: item.createdAt, version: item.version };
}

class DuplicatePatientError extends Error {}

/** The purpose a staff member creates or finds patients for. */
function staffPurpose(req: TenantRequest) {
  return hasRole(req.caller, 'clinician') || req.caller.kind === 'client' ? ('TREAT' as const) : ('ADMIN' as const);
}

/**
 * The national id is taken. If it was taken by an earlier request with this very Idempotency-Key
 * (a concurrent retry), that request's outcome is the answer; otherwise 409 naming the record.
 */
async function duplicate(req: TenantRequest, nidKey: string, scope: IdempotencyScope, purposeOfUse: PurposeOfUse): Promise<WriteOutcome<Patient>> {
  const prior = await replayIdempotent<Patient>(scope);
  if (prior) return prior;
  const existing = await patientIdByNationalIdKey(req.session, nidKey);
  await recordAccess([
    accessEvent(req, 'patient.create', 'failure', { patientId: existing, nidKey, recordId: existing }, { rule: 'one-record-per-national-id', purposeOfUse }, { duplicate: true }),
  ], req);
  throw new ConflictError('Pasienten finnes allerede i denne kommunen.', { patientId: existing });
}

/** What a person or unit the citizen has blocked is told when registering them, whether or not they are registered. */
export const REGISTRATION_REFUSED = 'Du kan ikke registrere denne pasienten. Be en kollega i kommunen om å gjøre det.';

/**
 * Whether the citizen with `nidKey` has blocked the caller (person or unit): the patient.read
 * decision on the citizen's blocks, which are kept by national id, so they are known whether or not
 * the citizen is registered in this municipality.
 */
async function hidingDecision(req: TenantRequest, nidKey: string, facts: CitizenFacts, now: Date): Promise<AccessDecision | undefined> {
  const decision = decideAccess({
    caller: await accessCallerOf(req.caller),
    tenant: req.tenant,
    action: 'patient.read',
    patient: { id: '', nationalIdKey: nidKey },
    relationships: [],
    now,
    ...factsForDecision(facts),
  });
  return !decision.allow && hidesPatient(decision.rule) ? decision : undefined;
}

/**
 * Creates a patient; a second create for the same national id in the tenant is refused (409, naming
 * the existing record).
 *
 * A person or unit the citizen has blocked must not learn from registering that the citizen is
 * registered here (search and opening by id already answer as for a patient that does not exist).
 * Creating a second record would break "one record per national id", and answering with the
 * existing one would leak it; so such a caller may not register the citizen at all: whether the
 * citizen is registered here or not, the answer is the same 403 (REGISTRATION_REFUSED, naming no
 * rule, no record, no block), decided from the citizen's blocks alone, which are kept by national
 * id and so known either way. Nothing is written but the audit event of the refused attempt, with
 * the real rule (blocked-person or blocked-unit), in the patient's chain when registered, else the
 * tenant's, under the citizen's key, for the citizen's access log and the auditor.
 */
export async function createPatient(req: TenantRequest, body: CreatePatientRequest, idempotencyKey: string): Promise<WriteOutcome<Patient>> {
  const nidKey = await nationalIdKey(body.nationalId);
  const now = nowOf(req);
  const decision = decideAccess({
    caller: await accessCallerOf(req.caller),
    tenant: req.tenant,
    action: 'patient.create',
    patient: { id: '', nationalIdKey: nidKey },
    relationships: [],
    now,
  });
  if (!decision.allow) throw new ForbiddenError('Bare personell i kommunen kan opprette pasienter.');
  const [facts, existing] = await Promise.all([loadCitizenFacts(nidKey, now), patientIdByNationalIdKey(req.session, nidKey)]);
  const hidden = await hidingDecision(req, nidKey, facts, now);
  if (hidden) {
    await recordAccess([accessEvent(req, 'patient.create', 'denied', { patientId: existing, nidKey, recordId: existing }, hidden)], req);
    throw new ForbiddenError(REGISTRATION_REFUSED);
  }
  const scope: IdempotencyScope = { session: req.session, callerSub: req.caller.sub, operation: 'createPatient', key: idempotencyKey, requestHash: requestHash(body) };
  const prior = await replayIdempotent<Patient>(scope);
  if (prior) return prior;

  if (existing) return duplicate(req, nidKey, scope, decision.purposeOfUse);

  const patientId = randomUUID();
  const createdAt = now.toISOString();
  const sealed = await sealPatient(req.session, patientId, { nationalId: body.nationalId, name: body.name, birthDate: body.birthDate, gender: body.gender });
  const nameTokenHashes = await Promise.all(namePrefixes(body.name).map(hashNamePrefix));
  const writes = [
    ...createPatientWrites({ tenant: req.tenant, patientId, nidKey, sealed, createdAt, createdBy: req.caller.sub, nameTokenHashes }),
    // The access decision reads the patient's relationships and the citizen's facts by key, from
    // copies kept in step with every change (functions/core/patient-access.ts): both begin here.
    patientAccessWrite(req.tenant, patientId, [], undefined),
    ...(facts.rev === undefined ? [citizenFactsWrite(nidKey, factItems(facts), undefined, now)] : []),
  ];
  const value: Patient = { id: patientId, tenant: req.tenant, ...body, createdAt, version: 1 };
  const event = accessEvent(req, 'patient.create', 'success', { patientId, nidKey, recordId: patientId }, decision);
  try {
    return await commitIdempotent(
      scope,
      now,
      { value, version: 1, created: true },
      writes.map((write, i) => ({ write, onConditionFailed: () => (i === 0 ? new DuplicatePatientError() : new ConflictError('Pasienten ble endret samtidig.')) })),
      [event],
    );
  } catch (error) {
    // Lost a race with a concurrent create of the same national id: still one record.
    if (error instanceof DuplicatePatientError) return duplicate(req, nidKey, scope, decision.purposeOfUse);
    throw error;
  }
}

/** Reads one patient's demographics (audited). */
export async function getPatient(req: TenantRequest, patientId: string): Promise<Patient> {
  const { context, decision } = await authorize(req, patientId, 'patient.read', 'patient.read', { recordId: patientId });
  const patient = await toPatient(req.session, context.patient);
  await recordAccess([accessEvent(req, 'patient.read', 'success', { patientId, nidKey: context.patient.nidKey, recordId: patientId }, decision)], req);
  return patient;
}

/** Candidates whose indexed prefixes cover every typed token; `more` when a common prefix hit the bound. */
async function candidatesByName(session: TenantSession, name: string): Promise<{ ids: string[]; more: boolean }> {
  const prefixes = queryPrefixes(name);
  if (prefixes.length === 0) return { ids: [], more: false };
  const hits = await Promise.all(prefixes.map(async (p) => patientIdsByNameToken(session, await hashNamePrefix(p), NAME_CANDIDATES)));
  const [first, ...rest] = hits.map((h) => new Set(h.ids));
  return { ids: [...(first ?? [])].filter((id) => rest.every((h) => h.has(id))), more: hits.some((h) => h.more) };
}

/** Narrows a search before any access decision, so a non-match is neither decided nor audited (FHIR name + birthdate). */
export interface SearchFilter {
  birthDate?: string;
}

/** A patient the search matched, with what the access decision needs about them. */
interface Hit {
  context: PatientContext;
  patient: Patient;
  facts: CitizenFacts;
}

/** The patient if it exists and matches the name typed; with the citizen's blocks for the decision. */
async function hitByName(req: TenantRequest, body: SearchPatientsRequest, patientId: string, now: Date, filter: SearchFilter): Promise<Hit | undefined> {
  const context = await loadPatientContext(req.session, patientId);
  if (!context) return undefined;
  const patient = await toPatient(req.session, context.patient);
  if ('name' in body && !nameMatches(patient.name, body.name)) return undefined;
  if (filter.birthDate !== undefined && patient.birthDate !== filter.birthDate) return undefined;
  return { context, patient, facts: await loadCitizenFacts(context.patient.nidKey, now) };
}

/**
 * The patient the national-id lookup named, decided on the citizen's facts item read with the
 * lookup: the patient, its access copy and the audit head of its log (the hit, allowed or refused,
 * is audited there) in one BatchGetItem. A copy that is absent (old data) is replaced by a query
 * of what it copies (loadContextAndFacts).
 */
async function hitByNationalId(req: TenantRequest, patientId: string, now: Date, filter: SearchFilter, facts: FactsRead): Promise<Hit | undefined> {
  const loaded = await loadContextAndFacts(req.session, patientId, 'patient.read', now, { auditHead: { requestId: req.requestId }, facts });
  if (!loaded) return undefined;
  const patient = await toPatient(req.session, loaded.context.patient);
  if (filter.birthDate !== undefined && patient.birthDate !== filter.birthDate) return undefined;
  return { context: loaded.context, patient, facts: loaded.facts };
}

/**
 * Finds patients by national id or name. Each hit goes through the access decision (patient.read)
 * with the citizen's blocks: a person or unit the citizen has blocked does not find them, by name
 * or by national id, and cannot tell a block from no match. Every hit gets an audit event in its
 * own chain, refused ones too (so the citizen's access log and the auditor see a blocked person
 * looking); a search without hits is recorded in the tenant's chain. Events are stored before the
 * answer.
 */
export async function searchPatients(req: TenantRequest, body: SearchPatientsRequest, filter: SearchFilter = {}): Promise<PatientSearchResult> {
  const by = 'nationalId' in body ? 'nationalId' : 'name';
  const searchedKey = 'nationalId' in body ? await nationalIdKey(body.nationalId) : undefined;
  let ids: string[];
  let truncated = false;
  const now = nowOf(req);
  let hitOf = (id: string) => hitByName(req, body, id, now, filter);
  if (searchedKey) {
    // The lookup and the citizen's facts are both keyed by the national id: one BatchGetItem.
    const found = await patientIdAndFactsByNationalIdKey(req.session, searchedKey);
    ids = found.patientId ? [found.patientId] : [];
    hitOf = (id) => hitByNationalId(req, id, now, filter, found.facts);
  } else {
    const candidates = await candidatesByName(req.session, 'name' in body ? body.name : '');
    ids = candidates.ids;
    truncated = candidates.more;
  }

  const caller = await accessCallerOf(req.caller);
  const events: AuditEventInput[] = [];
  const patients: Patient[] = [];
  let hits = 0;
  let full = false;
  // Candidates come in id order; check them in batches until the page is full.
  for (let i = 0; i < ids.length && !full; i += SEARCH_LIMIT) {
    const batch = await Promise.all(ids.slice(i, i + SEARCH_LIMIT).map(hitOf));
    for (const hit of batch) {
      if (!hit) continue;
      const decision = decideAccess({
        caller,
        tenant: req.tenant,
        action: 'patient.read',
        patient: { id: hit.patient.id, nationalIdKey: hit.context.patient.nidKey },
        relationships: relationshipFacts(hit.context),
        now,
        ...factsForDecision(hit.facts),
      });
      if (decision.allow && patients.length === SEARCH_LIMIT) {
        full = true;
        truncated = true;
        break;
      }
      hits += 1;
      events.push(accessEvent(req, 'patient.search', decision.allow ? 'success' : 'denied', { patientId: hit.patient.id, nidKey: hit.context.patient.nidKey, recordId: hit.patient.id }, decision, { by }));
      if (decision.allow) patients.push(hit.patient);
    }
  }
  if (hits === 0) {
    events.push(accessEvent(req, 'patient.search', 'success', { nidKey: searchedKey }, { rule: RULES.staffDemographics, purposeOfUse: staffPurpose(req), reasonCode: 'tenant-staff' }, { by, hits: 0 }));
  }
  await recordAccess(events, req);
  return { patients, truncated };
}
