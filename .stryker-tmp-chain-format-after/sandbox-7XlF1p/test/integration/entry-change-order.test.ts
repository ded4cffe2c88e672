// @ts-nocheck
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticNationalId } from '../../shared/contracts/identifiers';
import type { Entry, Patient } from '../../shared/contracts/journal';
import { startTestStack, type TestStack } from '../support/local-stack';

/**
 * The order in which every versioned change of an entry refuses (functions/journal/entry-service.ts,
 * changeEntry): access (403, or 404 for a patient that does not exist) before the entry (404),
 * before its status (409), before author-only (403), before the version (412). Each row asks for a
 * change that is wrong in two ways at once and expects the refusal that comes first.
 */

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => stack?.stop());

let seq = 0;
const newKey = () => `order-${Date.now()}-${++seq}`;
let n = 900;
const freshNid = () => syntheticNationalId({ day: 11, month: 3, year: 1940 + (n % 50) }, ++n * 7);

function post(path: string, as: string, json: unknown, headers: Record<string, string> = {}) {
  return stack.call(path, { method: 'POST', as, json, headers: { 'idempotency-key': newKey(), ...headers } });
}

type Kind = 'edit' | 'sign' | 'correct' | 'entered-in-error';
type State = 'draft' | 'signed' | 'entered-in-error';

/** Asks for one kind of change, as `as`, with If-Match `etag`. */
function change(kind: Kind, as: string, patientId: string, entryId: string, etag: string): Promise<Response> {
  const path = `/v1/patients/${patientId}/entries/${entryId}`;
  switch (kind) {
    case 'edit':
      return stack.call(path, { method: 'PUT', as, json: { title: 'Endret', text: 'Endret tekst' }, headers: { 'if-match': etag } });
    case 'sign':
      return post(`${path}/sign`, as, undefined, { 'if-match': etag });
    case 'correct':
      return post(`${path}/corrections`, as, { title: 'Rettet', text: 'Rettet tekst', reason: 'Feil dose' }, { 'if-match': etag });
    case 'entered-in-error':
      return post(`${path}/entered-in-error`, as, { reason: 'Feil pasient' }, { 'if-match': etag });
  }
}

/** What each kind of change starts from, and a state it refuses (409). */
const KINDS: { kind: Kind; allowed: State; refused: State; authorOnly: boolean }[] = [
  { kind: 'edit', allowed: 'draft', refused: 'signed', authorOnly: true },
  { kind: 'sign', allowed: 'draft', refused: 'signed', authorOnly: true },
  // A signed entry is corrected only by its author or a journal-responsible (issue 16.1); oslo.sykepleier is neither.
  { kind: 'correct', allowed: 'signed', refused: 'draft', authorOnly: true },
  // Only the author marks their own draft; a signed entry may be marked by others with access.
  { kind: 'entered-in-error', allowed: 'draft', refused: 'entered-in-error', authorOnly: true },
];

/** A patient with care relationships for `related`. */
async function patientFor(related: string[]): Promise<Patient> {
  const res = await post('/v1/patients', 'oslo.admin', { nationalId: freshNid(), name: 'Rekkefølge Pasient', birthDate: '1960-01-01', gender: 'unknown' });
  expect(res.status).toBe(201);
  const patient = (await res.json()) as Patient;
  for (const as of related) expect((await post(`/v1/patients/${patient.id}/relationships`, as, { reasonCode: 'ordinary-care', reason: 'Oppfølging' })).status).toBe(201);
  return patient;
}

/** An entry of oslo.lege in `state`, with its current ETag. */
async function entryIn(patientId: string, state: State): Promise<{ entry: Entry; etag: string }> {
  const created = await post(`/v1/patients/${patientId}/entries`, 'oslo.lege', { type: 'epikrise', title: 'Notat', text: 'Tekst' });
  expect(created.status).toBe(201);
  let entry = (await created.json()) as Entry;
  let etag = created.headers.get('etag')!;
  const step = async (res: Promise<Response>) => {
    const r = await res;
    expect(r.status).toBe(200);
    entry = (await r.json()) as Entry;
    etag = r.headers.get('etag')!;
  };
  if (state !== 'draft') await step(change('sign', 'oslo.lege', patientId, entry.id, etag));
  if (state === 'entered-in-error') await step(change('entered-in-error', 'oslo.lege', patientId, entry.id, etag));
  return { entry, etag };
}

const STALE = '"v99"';

describe.each(KINDS)('$kind refuses in the fixed order', ({ kind, allowed, refused }) => {
  // oslo.lege writes and has a care relationship with the patient; oslo.sykepleier has none.
  let own: Patient;
  beforeAll(async () => {
    own = await patientFor(['oslo.lege']);
  });

  it('forbidden before everything else: no care relationship + stale version, and + missing entry, is 403', async () => {
    const { entry } = await entryIn(own.id, allowed);
    expect((await change(kind, 'oslo.sykepleier', own.id, entry.id, STALE)).status).toBe(403);
    expect((await change(kind, 'oslo.sykepleier', own.id, randomUUID(), STALE)).status).toBe(403);
    // A role that may not write journals at all, the same.
    expect((await change(kind, 'oslo.admin', own.id, entry.id, STALE)).status).toBe(403);
  });

  it('a patient that does not exist is 404, before the version', async () => {
    expect((await change(kind, 'oslo.lege', randomUUID(), randomUUID(), STALE)).status).toBe(404);
  });

  it('an entry that does not exist is 404, before the version', async () => {
    expect((await change(kind, 'oslo.lege', own.id, randomUUID(), STALE)).status).toBe(404);
  });

  it('a status the change refuses is 409, before the version', async () => {
    const { entry } = await entryIn(own.id, refused);
    expect((await change(kind, 'oslo.lege', own.id, entry.id, STALE)).status).toBe(409);
  });

  it('a stale version is 412, naming the current one', async () => {
    const { entry } = await entryIn(own.id, allowed);
    const res = await change(kind, 'oslo.lege', own.id, entry.id, STALE);
    expect(res.status).toBe(412);
    expect(await res.json()).toMatchObject({ currentVersion: entry.version });
  });

  it('with every check passed, the change is made', async () => {
    const { entry, etag } = await entryIn(own.id, allowed);
    const res = await change(kind, 'oslo.lege', own.id, entry.id, etag);
    expect(res.status).toBe(200);
    expect(((await res.json()) as Entry).version).toBe(entry.version + 1);
  });
});

describe.each(KINDS.filter((k) => k.authorOnly))('$kind is for the author only (a correction: or a journal-responsible)', ({ kind, allowed, refused }) => {
  // Both clinicians have a care relationship with this patient; oslo.lege writes.
  let shared: Patient;
  beforeAll(async () => {
    shared = await patientFor(['oslo.lege', 'oslo.sykepleier']);
  });

  it('another clinician with access is 403 before the version, but 409 after a refused status', async () => {
    const { entry, etag } = await entryIn(shared.id, allowed);
    expect((await change(kind, 'oslo.sykepleier', shared.id, entry.id, STALE)).status).toBe(403);
    expect((await change(kind, 'oslo.sykepleier', shared.id, entry.id, etag)).status).toBe(403);
    const wrongState = await entryIn(shared.id, refused);
    expect((await change(kind, 'oslo.sykepleier', shared.id, wrongState.entry.id, STALE)).status).toBe(409);
  });
});
