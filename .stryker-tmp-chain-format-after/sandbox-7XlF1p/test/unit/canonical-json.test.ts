// @ts-nocheck
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../shared/encoding/canonical-json';
import { canonical as chainCanonical, eventHash } from '../../functions/core/chain-format';
import { requestHash } from '../../functions/core/commit';
import { createHash } from 'node:crypto';

/** The audit chain's serializer before RFC 8785 (kept here only to prove the switch changes no byte). */
function legacyChain(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(legacyChain).join(',')}]`;
  if (value instanceof Uint8Array) return JSON.stringify(Buffer.from(value).toString('base64'));
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : 1));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${legacyChain(v)}`).join(',')}}`;
}

/** The idempotency fingerprint's serializer before RFC 8785. */
function legacyIdempotency(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(legacyIdempotency).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : 1));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${legacyIdempotency(v)}`).join(',')}}`;
}

/** Values shaped like what we hash: stored audit events, request bodies, nested details. */
const samples: unknown[] = [
  {
    stream: 'T#0301#AUDIT#P#p-1', seq: 42, prevHash: '0'.repeat(64), eventId: 'e1b2', time: '2026-12-05T07:00:00.000Z', tenant: '0301',
    action: 'entry.read', outcome: 'success', actor: { sub: 'oslo.lege', roles: ['clinician', 'auditor'], tenant: '0301', hpr: '9100002' },
    requestId: 'req-1', patientId: 'p-1', citizenKey: undefined, flagged: true, details: { count: 3, ok: false, nested: { z: 1, a: [1, 'x', true, null] } },
    reasonSealed: new Uint8Array([0, 1, 2, 250, 255]),
  },
  { b: 1, a: 2, B: 3, _: 4, 'æ': 'ø', 'Å': 'å', '\u00e9': 'e', 'a b': 'quote " and \\ backslash\n\t', emoji: '🙂 \u2028 \u0007' },
  { n: [0, -1, 1, 9007199254740991, -9007199254740991, 123456789012], big: 1e21 - 1e5 },
  { empty: {}, list: [], s: '', t: true, f: false, nul: null },
  'plain string',
  12,
  true,
  null,
  [{ y: 1, x: 2 }, [3, [4]]],
];

describe('canonical JSON (RFC 8785 via canonicalize)', () => {
  it('gives byte-identical output to the old chain serializer for the values we hash', () => {
    for (const value of samples) expect(canonicalJson(value)).toBe(legacyChain(value));
    for (const value of samples) expect(chainCanonical(value)).toBe(legacyChain(value));
  });

  it('gives byte-identical output to the old idempotency serializer (no bytes in request bodies)', () => {
    for (const value of samples.filter((v) => !(typeof v === 'object' && v !== null && 'reasonSealed' in v))) {
      expect(canonicalJson(value)).toBe(legacyIdempotency(value));
      expect(requestHash(value)).toBe(createHash('sha256').update(legacyIdempotency(value)).digest('hex'));
    }
    expect(canonicalJson(undefined)).toBe(legacyIdempotency(undefined));
  });

  it('keeps an event hash exactly as before', () => {
    const item = samples[0] as Record<string, unknown>;
    const covered = Object.fromEntries(Object.entries(item).filter(([, v]) => v !== undefined));
    expect(eventHash(item)).toBe(createHash('sha256').update(legacyChain(covered)).digest('hex'));
  });

  it('sorts keys by UTF-16 code units and drops undefined members (RFC 8785 section 3.2.3)', () => {
    expect(canonicalJson({ '\u20ac': 1, '\r': 2, '\ud83d\ude00': 3, '1': 4, a: undefined })).toBe('{"\\r":2,"1":4,"€":1,"😀":3}');
    expect(canonicalJson({ bytes: new Uint8Array([104, 105]) })).toBe('{"bytes":"aGk="}');
  });
});
