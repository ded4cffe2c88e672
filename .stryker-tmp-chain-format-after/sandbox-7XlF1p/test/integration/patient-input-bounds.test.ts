// @ts-nocheck
import { tenantDb, tenantSession } from '../support/tables';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sexFromNationalId, syntheticNationalId } from '../../shared/contracts/identifiers';
import type { Patient } from '../../shared/contracts/journal';
import { MAX_NAME_WORDS } from '../../shared/contracts/names';
import { nationalIdKey } from '../../shared/crypto/lookup-hash';
import { streamOf } from '../../functions/core/audit-chain';
import { hashNamePrefix } from '../../functions/journal/name-index';
import { patientIdByNationalIdKey } from '../../functions/core/patient-access';
import { journalKeys } from '../../functions/core/journal-record';
import { startTestStack, type TestStack } from '../support/local-stack';

/** Issue 16 items 2 and 3: what the create-patient contract refuses before any I/O. */

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => stack?.stop());

let keySeq = 0;
const post = (path: string, as: string, json: unknown) =>
  stack.call(path, { method: 'POST', as, json, headers: { 'idempotency-key': `bounds-${Date.now()}-${++keySeq}` } });

let n = 0;
/** A fresh synthetic number with the sex asked for (ninth digit odd male, even female). */
function nidOf(sex: 'male' | 'female'): string {
  for (;;) {
    const id = syntheticNationalId({ day: 11, month: 6, year: 1971 }, 200 + ++n * 7);
    if (sexFromNationalId(id) === sex) return id;
  }
}

async function nothingStored(nationalId: string, word?: string) {
  expect(await patientIdByNationalIdKey(tenantSession('0301'), await nationalIdKey(nationalId))).toBeUndefined();
  if (word) {
    const page = await tenantDb('0301').query({ table: 'journal', partition: journalKeys.nameTokenPk('0301', await hashNamePrefix(word)), limit: 10 });
    expect(page.items).toEqual([]);
  }
}

async function tenantChainLength(): Promise<number> {
  const page = await tenantDb('0301').query({ table: 'audit', partition: streamOf('0301', undefined), sortBeginsWith: 'E#', limit: 1000 });
  return page.items.length;
}

describe('sex against the national id (issue 16, item 2)', () => {
  it('refuses a stated sex that contradicts the number with a field-level 400, and stores nothing', async () => {
    const before = await tenantChainLength();
    for (const [nationalId, gender] of [
      [nidOf('male'), 'female'],
      [nidOf('female'), 'male'],
    ] as const) {
      const res = await post('/v1/patients', 'oslo.sykepleier', { nationalId, name: 'Kjønn Kontroll', birthDate: '1971-06-11', gender });
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      const problem = (await res.json()) as { errors: { field: string; message: string }[] };
      expect(problem.errors.map((e) => e.field)).toEqual(['body.gender']);
      await nothingStored(nationalId, 'kontroll');
    }
    expect(await tenantChainLength()).toBe(before);
  });

  it('accepts the matching sex, and other or unknown whatever the number says', async () => {
    for (const [nationalId, gender] of [
      [nidOf('male'), 'male'],
      [nidOf('female'), 'female'],
      [nidOf('male'), 'other'],
      [nidOf('female'), 'unknown'],
    ] as const) {
      const res = await post('/v1/patients', 'oslo.sykepleier', { nationalId, name: 'Kjønn Godkjent', birthDate: '1971-06-11', gender });
      expect(res.status, `${nationalId} ${gender}`).toBe(201);
      expect(((await res.json()) as Patient).gender).toBe(gender);
    }
  });
});

describe('bounded name words (issue 16, item 3)', () => {
  /** 15 distinct words of 12 letters (194 characters in all) with distinct first letters: every word gives the full 11 prefixes. */
  const words = ['aabbccddeeff', 'bbccddeeffgg', 'ccddeeffgghh', 'ddeeffgghhii', 'eeffgghhiijj', 'ffgghhiijjkk', 'gghhiijjkkll', 'hhiijjkkllmm', 'iijjkkllmmnn', 'jjkkllmmnnoo', 'kkllmmnnoopp', 'llmmnnooppqq', 'mmnnooppqqrr', 'nnooppqqrrss', 'ooppqqrrsstt'];

  it('refuses a name of 15+ distinct words with a field-level 400 (not 5xx), and stores nothing', async () => {
    const nationalId = nidOf('female');
    for (const count of [MAX_NAME_WORDS + 1, 15]) {
      const name = words.slice(0, count).join(' ');
      expect(name.length).toBeLessThanOrEqual(200);
      const res = await post('/v1/patients', 'oslo.sykepleier', { nationalId, name, birthDate: '1971-06-11', gender: 'female' });
      expect(res.status, `${count} words`).toBe(400);
      const problem = (await res.json()) as { errors: { field: string }[] };
      expect(problem.errors.map((e) => e.field)).toEqual(['body.name']);
      await nothingStored(nationalId, words[count - 1]);
    }
  });

  it('stores a name at the limit (every word with all its prefixes) and finds it by any word', async () => {
    const nationalId = nidOf('male');
    const name = words.slice(0, MAX_NAME_WORDS).join(' ');
    const res = await post('/v1/patients', 'oslo.sykepleier', { nationalId, name, birthDate: '1971-06-11', gender: 'male' });
    expect(res.status).toBe(201);
    const patient = (await res.json()) as Patient;
    for (const q of [words[0]!, words[MAX_NAME_WORDS - 1]!, `${words[2]!.slice(0, 4)} ${words[5]!.slice(0, 7)}`, name]) {
      const found = await post('/v1/patients/search', 'oslo.lege', { name: q });
      expect(found.status).toBe(200);
      expect(((await found.json()) as { patients: Patient[] }).patients.map((p) => p.id), q).toContain(patient.id);
    }
  });
});
