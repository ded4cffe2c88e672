// @ts-nocheck
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticNationalId } from '../../shared/contracts/identifiers';
import type { Patient } from '../../shared/contracts/journal';
import { startTestStack, type TestStack } from '../support/local-stack';

/** Issue 16, item 14: the same refused requests answered in Norwegian and, on request, in English. */

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => stack?.stop());

let keySeq = 0;
const key = () => `lang-${Date.now()}-${++keySeq}`;

interface ProblemBody {
  title: string;
  detail: string;
  status: number;
  errors?: { field: string; message: string }[];
}

async function refused(path: string, init: { method?: string; json?: unknown; language?: string; as?: string }) {
  const headers: Record<string, string> = { 'idempotency-key': key() };
  if (init.language !== undefined) headers['accept-language'] = init.language;
  const res = await stack.call(path, { method: init.method ?? 'POST', as: init.as ?? 'oslo.sykepleier', json: init.json, headers });
  expect(res.headers.get('content-type')).toContain('application/problem+json');
  return { status: res.status, language: res.headers.get('content-language'), body: (await res.json()) as ProblemBody };
}

describe('problem details in the language asked for', () => {
  it('answers a validation problem in nb by default and in en on request, with the same field paths', async () => {
    const json = { nationalId: '15838512329', name: 'Feil Kjønn', birthDate: '1985-03-15', gender: 'female' };
    const nb = await refused('/v1/patients', { json });
    const en = await refused('/v1/patients', { json, language: 'en-GB,en;q=0.9,nb;q=0.5' });
    expect(nb).toMatchObject({ status: 400, language: 'nb', body: { title: 'Ugyldig forespørsel', detail: 'Forespørselen har ugyldige felt.' } });
    expect(en).toMatchObject({ status: 400, language: 'en', body: { title: 'Invalid request', detail: 'The request has invalid fields.' } });
    expect(en.body.errors?.map((e) => e.field)).toEqual(nb.body.errors?.map((e) => e.field));
    expect(en.body.errors?.map((e) => e.field)).toEqual(['body.gender']);
    expect(en.body.errors?.[0]?.message).toMatch(/^Gender does not match/);
  });

  it('answers a domain refusal (409) in both languages, keeping its extensions', async () => {
    const nationalId = syntheticNationalId({ day: 4, month: 4, year: 1944 }, 311);
    const json = { nationalId, name: 'Dobbel Pasient', birthDate: '1944-04-04', gender: 'unknown' };
    const created = await stack.call('/v1/patients', { method: 'POST', as: 'oslo.sykepleier', json, headers: { 'idempotency-key': key() } });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as Patient;
    const nb = await refused('/v1/patients', { json, language: 'nb' });
    const en = await refused('/v1/patients', { json, language: 'en' });
    expect(nb).toMatchObject({ status: 409, language: 'nb', body: { title: 'Konflikt', detail: 'Pasienten finnes allerede i denne kommunen.', patientId: id } });
    expect(en).toMatchObject({ status: 409, language: 'en', body: { title: 'Conflict', detail: 'The patient already exists in this municipality.', patientId: id } });
  });

  it('prefers Norwegian when it has the higher q-value, and answers 401 in English too', async () => {
    const json = { nationalId: '15838512329', name: 'Feil Kjønn', birthDate: '1985-03-15', gender: 'female' };
    expect((await refused('/v1/patients', { json, language: 'en;q=0.3, nb;q=0.8' })).language).toBe('nb');
    const res = await stack.call('/v1/me', { headers: { 'accept-language': 'en' } });
    expect(res.status).toBe(401);
    expect(res.headers.get('content-language')).toBe('en');
    expect(((await res.json()) as ProblemBody).title).toBe('Not logged in');
  });
});
