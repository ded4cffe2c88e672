import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  checkpointMessage,
  checkpointSk,
  eventHash,
  eventSk,
  GENESIS_HASH,
  HASHED_FIELDS,
  patientOfStream,
  REGISTRY_SHARDS,
  registryShardOf,
  registryStream,
  seqOfSk,
  shardOf,
  shardStream,
  shardStreams,
  STREAM_SHARDS,
  streamOf,
} from '../../functions/core/chain-format';
import { canonicalJson } from '../../shared/encoding/canonical-json';

/**
 * The stored shape of the audit chains (functions/core/chain-format.ts): keys, shards, the registry
 * and exactly what an event's hash and a checkpoint's signature cover. A change here silently
 * changes what verify accepts, so the mutation run (issue 20, point 4) covers it.
 */

describe('streams and shards', () => {
  it('names a patient log and the tenant log', () => {
    expect(streamOf('0301', 'p1')).toBe('T#0301#AUDIT#P#p1');
    expect(streamOf('0301', undefined)).toBe('T#0301#AUDIT#TENANT');
  });

  it('shard 0 is the base stream; others carry a two-digit mark, and shardOf reads them back', () => {
    const base = streamOf('4601', 'p2');
    expect(shardStream(base, 0)).toBe(base);
    expect(shardStream(base, 3)).toBe(`${base}#S#03`);
    expect(shardStream(base, 15)).toBe(`${base}#S#15`);
    expect(shardStreams(base)).toHaveLength(STREAM_SHARDS);
    expect(shardStreams(base)[0]).toBe(base);
    expect(shardStreams(base)[15]).toBe(`${base}#S#15`);
    expect(new Set(shardStreams(base)).size).toBe(16);
    expect(shardOf(`${base}#S#03`)).toEqual({ base, shard: 3 });
    expect(shardOf(`${base}#S#00`)).toEqual({ base, shard: 0 });
    expect(shardOf(base)).toEqual({ base, shard: 0 });
  });

  it('reads a shard mark only at the end and only with two digits', () => {
    expect(shardOf('T#0301#AUDIT#P#x#S#3')).toEqual({ base: 'T#0301#AUDIT#P#x#S#3', shard: 0 });
    expect(shardOf('T#0301#AUDIT#P#x#S#033')).toEqual({ base: 'T#0301#AUDIT#P#x#S#033', shard: 0 });
    expect(shardOf('T#0301#AUDIT#P#x#S#03y')).toEqual({ base: 'T#0301#AUDIT#P#x#S#03y', shard: 0 });
    expect(shardOf('#S#03')).toEqual({ base: '#S#03', shard: 0 });
  });

  it('the patient a stream belongs to, for any shard; none for the tenant log or the registry', () => {
    expect(patientOfStream('T#0301#AUDIT#P#p1')).toBe('p1');
    expect(patientOfStream('T#0301#AUDIT#P#p1#S#07')).toBe('p1');
    expect(patientOfStream('T#0301#AUDIT#TENANT')).toBeUndefined();
    expect(patientOfStream(registryStream('0301', 'a'))).toBeUndefined();
    expect(patientOfStream('X#T#0301#AUDIT#P#p1')).toBeUndefined();
    expect(patientOfStream('T#03010#AUDIT#P#p1')).toBeUndefined();
    expect(patientOfStream('T#0301#AUDIT#P#')).toBeUndefined();
    // The whole rest of the key is the id: a key with a line break in it is no patient stream.
    expect(patientOfStream('T#0301#AUDIT#P#p1\nx')).toBeUndefined();
  });

  it('the registry has 16 shards, chosen by the first hex digit of the stream hash', () => {
    expect(REGISTRY_SHARDS).toEqual([...'0123456789abcdef']);
    const stream = streamOf('0301', 'p1');
    expect(registryShardOf(stream)).toBe(createHash('sha256').update(stream).digest('hex').charAt(0));
    const seen = new Set(Array.from({ length: 300 }, (_, i) => registryShardOf(streamOf('0301', `p${i}`))));
    expect(seen.size).toBe(16);
    expect(registryStream('0301', 'f')).toBe('T#0301#AUDIT#STREAMS#f');
  });
});

describe('sort keys', () => {
  it('events and checkpoints are twelve-digit, zero-padded sequence numbers', () => {
    expect(eventSk(1)).toBe('E#000000000001');
    expect(eventSk(123456789012)).toBe('E#123456789012');
    expect(checkpointSk(42)).toBe('C#000000000042');
    expect(GENESIS_HASH).toBe('0'.repeat(64));
  });

  it('seqOfSk reads exactly those forms back, and nothing else', () => {
    expect(seqOfSk('E#000000000042')).toBe(42);
    expect(seqOfSk('C#000000000007')).toBe(7);
    expect(seqOfSk('E#000000000000')).toBe(0);
    for (const bad of ['E#42', 'E#0000000000420', 'X#000000000042', 'E#00000000004a', 'HEAD', 'xE#000000000042', 'E#000000000042x']) {
      expect(seqOfSk(bad), bad).toBeUndefined();
    }
  });
});

describe('what a hash covers', () => {
  const event = {
    stream: 'T#0301#AUDIT#P#p1', seq: 1, prevHash: GENESIS_HASH, eventId: 'e1', time: '2025-01-01T00:00:00.000Z', tenant: '0301', action: 'entry.read', outcome: 'success',
    actor: { sub: 'u', roles: ['clinician'] }, requestId: 'r1', patientId: 'p1', citizenKey: 'c1', recordId: 'rec1', purposeOfUse: 'TREAT', reasonCode: 'x', reasonSealed: 'sealed',
    flagged: true, flagReason: 'emergency', fromTenant: '4601', rule: 'care-relationship-user', details: { a: 1 }, openedStream: 'T#0301#AUDIT#P#p2',
  };

  it('is SHA-256 over the canonical JSON of the hashed fields that are present', () => {
    expect(eventHash(event)).toBe(createHash('sha256').update(canonicalJson(event)).digest('hex'));
    const { citizenKey: _c, ...without } = event;
    expect(eventHash({ ...without, citizenKey: undefined })).toBe(createHash('sha256').update(canonicalJson(without)).digest('hex'));
  });

  it('changes when any hashed field changes', () => {
    const base = eventHash(event);
    for (const field of HASHED_FIELDS) {
      expect(eventHash({ ...event, [field]: 'changed' }), field).not.toBe(base);
    }
    expect(HASHED_FIELDS).toHaveLength(22);
  });

  it('ignores index keys, the hash itself and unknown fields', () => {
    const base = eventHash(event);
    expect(eventHash({ ...event, pk: 'x', sk: 'y', gsi1pk: 'z', hash: 'h', other: 1 })).toBe(base);
  });

  it('a checkpoint signs a domain-separated, canonical claim', () => {
    const claim = { tenant: '0301', stream: 'T#0301#AUDIT#P#p1', seq: 25, hash: 'ab', time: '2025-01-01T00:00:00.000Z' };
    expect(checkpointMessage({ ...claim, extra: 'ignored' } as typeof claim).toString('utf8')).toBe(
      'fellesjournal-audit-checkpoint/v1\n{"hash":"ab","seq":25,"stream":"T#0301#AUDIT#P#p1","tenant":"0301","time":"2025-01-01T00:00:00.000Z"}',
    );
  });
});
