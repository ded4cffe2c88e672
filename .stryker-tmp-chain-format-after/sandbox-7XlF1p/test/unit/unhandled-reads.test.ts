// @ts-nocheck
import { requestSessions } from '../support/tables';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Caller } from '../../shared/auth/caller';
import { ScopedDb } from '../../shared/db/tenant-db';
import { settle } from '../../shared/settle';
import { TenantDirectory, type TenantProfile } from '../../shared/tenancy/tenant-profile';
import { retrieveDocument } from '../../functions/sharing/document-service';

/**
 * Reads started early and not awaited on every path must never fail as an unhandled rejection
 * (in Lambda: `Runtime.UnhandledPromiseRejection`, the invocation crashes instead of answering).
 * Each case makes such a read fail on a path that never asks for its result, and watches the
 * process for unhandled rejections.
 */

const unhandled = vi.fn();
const onUnhandled = (reason: unknown): void => {
  unhandled(reason);
};

/** Lets every pending rejection surface: unhandled ones are reported after the microtask queue drains. */
const drain = () => new Promise((resolve) => setTimeout(resolve, 20));

beforeEach(() => {
  unhandled.mockClear();
  process.on('unhandledRejection', onUnhandled);
});

afterEach(() => {
  process.off('unhandledRejection', onUnhandled);
  vi.restoreAllMocks();
});

describe('settle', () => {
  it('keeps a failed read that nobody asks for from becoming unhandled, and rethrows it when asked', async () => {
    const read = settle(Promise.reject(new Error('throttled')));
    await drain();
    expect(unhandled).not.toHaveBeenCalled();
    const result = await read;
    expect(() => result()).toThrow('throttled');
    await expect(settle(Promise.resolve(7)).then((r) => r())).resolves.toBe(7);
  });
});

describe('TenantDirectory.load', () => {
  it('leaves no unhandled rejection when the batch read fails and nobody asks for a profile', async () => {
    vi.spyOn(ScopedDb.prototype, 'getMany').mockRejectedValue(new Error('throttled'));
    const dir = new TenantDirectory();
    await expect(dir.load(['0301', '4601'])).rejects.toThrow('throttled');
    await drain();
    expect(unhandled).not.toHaveBeenCalled();
    // Whoever asks later still gets the failure.
    await expect(dir.profile('4601')).rejects.toThrow('throttled');
  });
});

describe('retrieveDocument', () => {
  it('answers with the failure of the read it needed, leaving the citizen facts and entry reads it never looked at handled', async () => {
    const origin = '4601';
    const entryId = '11111111-1111-4111-8111-111111111111';
    const profile: TenantProfile = { id: origin, name: 'Bergen', region: 'eu-north-1', status: 'active', units: [] };
    // The index names the document; every other read fails (the caller's patient record first,
    // so the use case stops there without ever asking for the citizen's facts or the entry).
    vi.spyOn(ScopedDb.prototype, 'get').mockImplementation(async (table) => {
      if (table === 'sharing') return { itemType: 'document', nidKey: 'nid-key', patientId: 'p-origin', entryType: 'epikrise' };
      throw new Error(`${table} read failed`);
    });
    vi.spyOn(ScopedDb.prototype, 'query').mockRejectedValue(new Error('citizen facts read failed'));
    const caller: Caller = { sub: 'oslo.lege', kind: 'person', roles: ['clinician'], scopes: [], tenant: '0301', expiresAt: Math.floor(Date.now() / 1000) + 300 };
    const registry = new TenantDirectory([[origin, profile]]);
    const sessions = await requestSessions('0301', caller);
    await expect(retrieveDocument({ tenant: '0301', session: sessions.own!, sessions, caller, requestId: 'r1', registry }, `${origin}-${entryId}`)).rejects.toThrow('journal read failed');
    await drain();
    expect(unhandled).not.toHaveBeenCalled();
  });
});
