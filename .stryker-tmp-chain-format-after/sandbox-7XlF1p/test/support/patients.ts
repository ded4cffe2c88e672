// @ts-nocheck
import { expect } from 'vitest';
import type { CreatePatientRequest, Entry, Patient, Relationship } from '../../shared/contracts/journal';
import { putUser } from '../../shared/tenancy/user-store';
import type { GatewayClient } from './requests';
import { syntheticPidFor } from './tokens';

/** A patient's record built through the journal API, each step expected to succeed. */

/** Registers a patient in the caller's municipality (201). */
export async function createPatient(api: GatewayClient, as: string, patient: CreatePatientRequest): Promise<Patient> {
  const res = await api.post('/v1/patients', as, patient);
  expect(res.status).toBe(201);
  return (await res.json()) as Patient;
}

/** A care relationship (201), ordinary care unless `body` says otherwise; for the caller unless it names a subject. */
export async function createRelationship(api: GatewayClient, as: string, patientId: string, body: Record<string, unknown> = {}): Promise<Relationship> {
  const res = await api.post(`/v1/patients/${patientId}/relationships`, as, { reasonCode: 'ordinary-care', reason: 'Oppfølging', ...body });
  expect(res.status).toBe(201);
  return (await res.json()) as Relationship;
}

/** A draft entry (201) and its ETag. */
export async function createDraft(api: GatewayClient, as: string, patientId: string, body: Record<string, unknown>): Promise<{ entry: Entry; etag: string }> {
  const res = await api.post(`/v1/patients/${patientId}/entries`, as, body);
  expect(res.status).toBe(201);
  return { entry: (await res.json()) as Entry, etag: res.headers.get('etag')! };
}

/** Signs a draft at version `etag`: the answer, whatever it is. */
export function signEntry(api: GatewayClient, as: string, patientId: string, entryId: string, etag: string): Promise<Response> {
  return api.post(`/v1/patients/${patientId}/entries/${entryId}/sign`, as, undefined, { 'if-match': etag });
}

/** A draft written and signed by `as` (201, then 200): the signed entry and its ETag. */
export async function createSignedEntry(api: GatewayClient, as: string, patientId: string, body: Record<string, unknown>): Promise<{ entry: Entry; etag: string }> {
  const draft = await createDraft(api, as, patientId, body);
  const signed = await signEntry(api, as, patientId, draft.entry.id, draft.etag);
  expect(signed.status).toBe(200);
  return { entry: (await signed.json()) as Entry, etag: signed.headers.get('etag')! };
}

/** A clinician who is also the municipality's journal-responsible (journalansvarlig): may correct others' signed notes. */
export async function createJournalResponsible(id: string, tenant: string, unit: string, name = 'Jorunn Journalansvarlig'): Promise<string> {
  await putUser({ id, name, roles: ['clinician', 'journal-responsible'], tenant, unit, hpr: '9876543', profession: 'lege', pid: syntheticPidFor(id), status: 'active' });
  return id;
}

/** A citizen login `<idPrefix><nationalId>` for the person with `nationalId`. */
export async function createCitizen(nationalId: string, name: string, idPrefix = 'innbygger.t'): Promise<string> {
  const id = `${idPrefix}${nationalId}`;
  await putUser({ id, name, roles: ['citizen'], pid: nationalId, status: 'active' });
  return id;
}
