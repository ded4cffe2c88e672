// @ts-nocheck
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { IDEMPOTENCY_TTL_SECONDS, idempotencyWrite, requestHash, type IdempotencyScope, type IdempotencyStore } from '../../functions/core/commit';
import type { TenantSession } from '../../shared/db/sessions';
import type { TenantDb } from '../../shared/db/tenant-db';

/**
 * The idempotency record written in the change's own transaction: where it lives (scoped to the
 * tenant, caller, operation and key), what it keeps, when it expires, and the condition that makes
 * a second use of the key fail. The replay path reads DynamoDB and is covered by the integration
 * tests (sharing-idempotency, journal-concurrency).
 */

/** The record's address reads only the session's municipality; no table is touched here. */
const sessionOf = (tenant: string) => ({ tenant }) as unknown as TenantSession;

const now = new Date('2026-03-01T12:00:00.750Z');
const scope: IdempotencyScope = { session: sessionOf('0301'), callerSub: 'oslo.lege', operation: 'createEntry', key: 'key-12345678', requestHash: requestHash({ a: 1 }) };

/** A store that names the record by its digest and keeps the outcome as it is (the journal's seals it). */
const store: IdempotencyStore = {
  table: 'sharing',
  db: undefined as unknown as TenantDb,
  key: (digest) => ({ pk: `IDEM#${digest}`, sk: 'IDEM' }),
  keep: (digest, outcome) => Promise.resolve({ kept: { digest, outcome } }),
  open: <T>(_digest: string, item: Record<string, unknown>) => Promise.resolve(item.kept as T),
};

const outcome = { value: { id: 'e1' }, version: 1, created: true };
const pkOf = async (s: IdempotencyScope) => {
  const w = await idempotencyWrite(s, outcome, now, store);
  return w.kind === 'put' ? String(w.item.pk) : '';
};

describe('idempotency record', () => {
  it('is a conditional put of the request hash, the kept outcome and a 24-hour expiry into the store’s table', async () => {
    const digest = createHash('sha256').update('0301\u0000oslo.lege\u0000createEntry\u0000key-12345678').digest('hex');
    expect(IDEMPOTENCY_TTL_SECONDS).toBe(86_400);
    expect(await idempotencyWrite(scope, outcome, now, store)).toEqual({
      kind: 'put',
      table: 'sharing',
      item: {
        pk: `IDEM#${digest}`,
        sk: 'IDEM',
        itemType: 'idempotency',
        operation: 'createEntry',
        requestHash: scope.requestHash,
        kept: { digest, outcome },
        createdAt: '2026-03-01T12:00:00.750Z',
        expiresAt: Math.floor(now.getTime() / 1000) + 86_400,
      },
      // Taken keys fail the transaction; a record past its expiry not yet swept may be replaced.
      condition: { expression: 'attribute_not_exists(pk) OR expiresAt < :now', values: { ':now': 1_772_366_400 } },
    });
  });

  it('is scoped to tenant, caller, operation and key: changing any one gives another record, and the parts cannot run together', async () => {
    const base = await pkOf(scope);
    for (const other of [{ session: sessionOf('4601') }, { callerSub: 'oslo.sykepleier' }, { operation: 'signEntry' }, { key: 'key-87654321' }]) {
      expect(await pkOf({ ...scope, ...other })).not.toBe(base);
    }
    // The request hash is not part of the address: the same key with another request finds the record (and is refused 409).
    expect(await pkOf({ ...scope, requestHash: requestHash({ a: 2 }) })).toBe(base);
    expect(await pkOf({ ...scope, callerSub: 'oslo', operation: 'legecreateEntry' })).not.toBe(await pkOf({ ...scope, callerSub: 'oslo.lege', operation: 'createEntry' }));
    expect(await pkOf({ ...scope, session: sessionOf('03'), callerSub: '01oslo.lege' })).not.toBe(await pkOf({ ...scope, session: sessionOf('0301'), callerSub: 'oslo.lege' }));
  });

  it('hashes what was asked regardless of key order, and tells different requests apart', () => {
    expect(requestHash({ a: 1, b: { c: 2, d: [1, 2] } })).toBe(requestHash({ b: { d: [1, 2], c: 2 }, a: 1 }));
    expect(requestHash({ a: 1 })).not.toBe(requestHash({ a: '1' }));
    expect(requestHash({ b: [1, 2] })).not.toBe(requestHash({ b: [2, 1] }));
    expect(requestHash({ a: 1 })).toBe(createHash('sha256').update('{"a":1}').digest('hex'));
  });
});
