// @ts-nocheck
import { describe, expect, it } from 'vitest';
import { ForbiddenError, ValidationError } from '../../shared/errors';
import { assertKeyInTenant, tenantKey, tenantOfKey } from '../../shared/db/keys';
import { jobSession } from '../../shared/db/sessions';

describe('tenant-prefixed keys', () => {
  it('builds keys that start with the tenant', () => {
    expect(tenantKey('0301', 'PATIENT', 'abc')).toBe('T#0301#PATIENT#abc');
    expect(tenantOfKey('T#0301#PATIENT#abc')).toBe('0301');
  });

  it('refuses parts that could spell another key', () => {
    expect(() => tenantKey('0301', 'PATIENT', 'x#T#4601')).toThrow(ValidationError);
    expect(() => tenantKey('03011', 'PATIENT')).toThrow(ValidationError);
  });

  it('refuses a key built for tenant A when the caller is tenant B', () => {
    const key = tenantKey('0301', 'PATIENT', 'abc');
    expect(() => assertKeyInTenant('4601', key)).toThrow(ForbiddenError);
    expect(() => assertKeyInTenant('0301', key)).not.toThrow();
    expect(() => assertKeyInTenant('0301', 'PATIENT#abc')).toThrow(ForbiddenError);
  });

  it('stops every data-access call outside the tenant before it reaches DynamoDB', async () => {
    const db = jobSession('seed', '4601').db;
    const foreign = tenantKey('0301', 'PATIENT', 'abc');
    await expect(db.get('journal', foreign, 'PROFILE')).rejects.toBeInstanceOf(ForbiddenError);
    await expect(db.put('journal', { pk: foreign, sk: 'X' })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(db.query({ table: 'journal', partition: foreign })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(db.query({ table: 'audit', index: 'gsi1', partition: foreign })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(
      db.transact([
        { kind: 'put', table: 'journal', item: { pk: tenantKey('4601', 'A'), sk: 'X' } },
        { kind: 'put', table: 'audit', item: { pk: foreign, sk: 'X' } },
      ]),
    ).rejects.toBeInstanceOf(ForbiddenError);
  });
});
