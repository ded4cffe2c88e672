// @ts-nocheck
import { describe, expect, it } from 'vitest';
import { tenantKey } from '../../shared/db/keys';
import { ConditionFailedError } from '../../shared/db/tenant-db';
import { appendAudit, appendAuditAcross, commitWithAudit, eventHash, eventSk, GENESIS_HASH, HEAD_SK, streamOf } from '../../functions/core/audit-chain';
import { verifyStream } from '../../functions/audit/verify-service';
import { registryShardOf, registryStream, shardOf } from '../../functions/core/chain-format';
import type { AuditEventInput } from '../../functions/core/audit-event';
import { useTestStack } from '../support/local-stack';
import { auditEvents, auditShards, blockAuditLog, requestSessions, tenantDb, tenantSession } from '../support/tables';

useTestStack({ seed: false });

const actor = { sub: 'oslo.sykepleier', roles: ['clinician'], tenant: '0301', hpr: '9100001' };
const event = (patientId: string, n: number): AuditEventInput => ({
  tenant: '0301',
  action: 'entry.read',
  outcome: 'success',
  actor,
  requestId: `req-${n}`,
  patientId,
  recordId: `rec-${n}`,
  purposeOfUse: 'TREAT',
  reason: 'fritekst som ikke skal vises innbyggeren',
});

const chain = (patientId: string) => auditEvents('0301', patientId);

describe('audit hash chain', () => {
  it('appends concurrent events to one log: every event once, each shard a chain without gaps, each event linked to the one before', async () => {
    await Promise.all(Array.from({ length: 15 }, (_, i) => appendAudit(tenantDb('0301'), [event('p-concurrent', i)])));
    const shards = await auditShards('0301', 'p-concurrent');
    expect([...shards.values()].flat().map((i) => i.requestId).sort()).toEqual(Array.from({ length: 15 }, (_, i) => `req-${i}`).sort());
    for (const [stream, items] of shards) {
      expect(items.map((i) => i.seq)).toEqual(Array.from({ length: items.length }, (_, i) => i + 1));
      let prev = GENESIS_HASH;
      for (const item of items) {
        expect(item.stream).toBe(stream);
        expect(item.prevHash).toBe(prev);
        expect(item.hash).toBe(eventHash(item));
        prev = item.hash as string;
      }
      const head = await tenantDb('0301').get('audit', stream, 'HEAD');
      expect(head).toMatchObject({ seq: items.length, hash: prev });
      expect((await verifyStream(tenantSession('0301'), stream, true)).broken).toBeUndefined();
    }
  });

  it('keeps a quiet log on one chain: the layout before sharding', async () => {
    for (let i = 0; i < 3; i++) await appendAudit(tenantDb('0301'), [event('p-quiet', i)]);
    expect([...(await auditShards('0301', 'p-quiet')).keys()]).toEqual([streamOf('0301', 'p-quiet')]);
  });

  it('spreads a contended log over its shards, each one opened in the registry', async () => {
    await Promise.all(Array.from({ length: 32 }, (_, i) => appendAudit(tenantDb('0301'), [event('p-hot', 100 + i)])));
    const shards = await auditShards('0301', 'p-hot');
    expect([...shards.values()].flat()).toHaveLength(32);
    expect(shards.size).toBeGreaterThan(1);
    for (const stream of shards.keys()) {
      expect(shardOf(stream).base).toBe(streamOf('0301', 'p-hot'));
      const registry = (await tenantDb('0301').query({ table: 'audit', partition: registryStream('0301', registryShardOf(stream)), sortBeginsWith: 'E#', limit: 1000 })).items;
      expect(registry.filter((r) => r.openedStream === stream)).toHaveLength(1);
    }
  });

  it('stores the free-text reason encrypted', async () => {
    await appendAudit(tenantDb('0301'), [event('p-reason', 1)]);
    const [item] = await chain('p-reason');
    expect(JSON.stringify(item)).not.toContain('fritekst');
    expect(item?.reasonSealed).toBeInstanceOf(Uint8Array);
  });

  it('writes neither the change nor its audit event when the change fails its condition', async () => {
    const db = tenantDb('0301');
    const key = { pk: tenantKey('0301', 'TEST', 'x1'), sk: 'V' };
    await db.put('journal', { ...key, version: 1 });
    await expect(
      commitWithAudit(tenantDb('0301'), () => [{ kind: 'put', table: 'journal', item: { ...key, version: 3 }, condition: { expression: 'version = :v', values: { ':v': 2 } } }], [event('p-failed', 1)]),
    ).rejects.toBeInstanceOf(ConditionFailedError);
    expect(await chain('p-failed')).toEqual([]);
    expect(await db.get('journal', key.pk, key.sk)).toMatchObject({ version: 1 });
  });

  it('refuses an audit event for another tenant inside a tenant transaction', async () => {
    await expect(commitWithAudit(tenantDb('0301'), () => [], [{ ...event('p-x', 1), tenant: '4601' }])).rejects.toThrow(/another tenant/);
  });

  it('goes on after a writer that stored its event but died before moving the head', async () => {
    await appendAudit(tenantDb('0301'), [event('p-died', 1), event('p-died', 2)]);
    const db = tenantDb('0301');
    const stream = streamOf('0301', 'p-died');
    const [, second] = await chain('p-died');
    // The dead writer's event: chained after the second, the head left at 2.
    const orphan: Record<string, unknown> = { ...second, sk: eventSk(3), seq: 3, prevHash: second!.hash, eventId: 'orphan', requestId: 'req-orphan' };
    orphan.hash = eventHash(orphan);
    await db.put('audit', orphan, { expression: 'attribute_not_exists(pk)' });
    expect(await db.get('audit', stream, HEAD_SK)).toMatchObject({ seq: 2 });
    // A lagging head is not tampering: the event past it is checked like the rest.
    expect((await verifyStream(tenantSession('0301'), stream)).broken).toBeUndefined();

    await appendAudit(tenantDb('0301'), [event('p-died', 4)]);
    const items = await chain('p-died');
    expect(items.map((i) => i.seq)).toEqual([1, 2, 3, 4]);
    expect(items[3]!.prevHash).toBe(orphan.hash);
    expect(await db.get('audit', stream, HEAD_SK)).toMatchObject({ seq: 4, hash: items[3]!.hash });
    expect((await verifyStream(tenantSession('0301'), stream)).broken).toBeUndefined();
  });

  it('never chains onto something in the next slot that is not an intact event', async () => {
    await appendAudit(tenantDb('0301'), [event('p-blocked', 1)]);
    const db = tenantDb('0301');
    const base = streamOf('0301', 'p-blocked');
    await db.put('audit', { pk: base, sk: eventSk(2), seq: 2, hash: 'not-a-hash' });
    // The append goes round the junk to another shard; the blocked chain is left as it was.
    await appendAudit(tenantDb('0301'), [event('p-blocked', 2)]);
    const shards = await auditShards('0301', 'p-blocked');
    expect(shards.get(base)?.map((i) => i.eventId ?? 'junk')).toEqual([expect.any(String), 'junk']);
    expect([...shards.entries()].filter(([s]) => s !== base).flatMap(([, items]) => items.map((i) => [i.seq, i.requestId]))).toEqual([[1, 'req-2']]);
    // With every shard blocked the append fails instead (and the caller answers 429).
    await blockAuditLog('0301', 'p-blocked');
    await expect(appendAudit(tenantDb('0301'), [event('p-blocked', 3)])).rejects.toBeInstanceOf(ConditionFailedError);
    expect([...(await auditShards('0301', 'p-blocked')).values()].flat().filter((i) => i.requestId === 'req-3')).toEqual([]);
  }, 30_000);

  it('lets a sharing-read session reach the peer\'s audit log and nothing else of the peer', async () => {
    const sessions = await requestSessions('0301');
    const pair = (await sessions.sharingRead('4601')).db;
    expect(await pair.get('audit', streamOf('4601', 'p-peer'), HEAD_SK)).toBeUndefined();
    await expect(pair.get('journal', tenantKey('4601', 'PATIENT', 'p-peer'), 'PROFILE')).rejects.toThrow(/utenfor delingsøkten/);
    await expect(pair.get('audit', streamOf('1804', 'p-peer'), HEAD_SK)).rejects.toThrow(/utenfor delingsøkten/);
    await expect(tenantDb('0301').get('audit', streamOf('4601', 'p-peer'), HEAD_SK)).rejects.toThrow(/utenfor egen kommune/);
    await expect(sessions.sharingRead('0301')).rejects.toThrow(/another municipality/);
  });

  it('opens new streams in both logs of a two-municipality append, each registered in its own municipality', async () => {
    const bergenEvent: AuditEventInput = { ...event('p-across-b', 1), tenant: '4601', fromTenant: '0301' };
    const across = (await (await requestSessions('0301')).sharingRead('4601')).db;
    await appendAuditAcross(across, [event('p-across-a', 1), bergenEvent]);
    for (const [tenant, patientId] of [['0301', 'p-across-a'], ['4601', 'p-across-b']] as const) {
      const stream = streamOf(tenant, patientId);
      const items = (await tenantDb(tenant).query({ table: 'audit', partition: stream, sortBeginsWith: 'E#', limit: 10 })).items;
      expect(items.map((i) => [i.seq, i.tenant])).toEqual([[1, tenant]]);
      expect(await tenantDb(tenant).get('audit', stream, HEAD_SK)).toMatchObject({ seq: 1, hash: items[0]!.hash });
      // Registered in the municipality's own registry, so a whole-tenant verify finds it.
      const registry = (await tenantDb(tenant).query({ table: 'audit', partition: registryStream(tenant, registryShardOf(stream)), sortBeginsWith: 'E#', limit: 1000 })).items;
      expect(registry.filter((r) => r.openedStream === stream).map((r) => r.tenant)).toEqual([tenant]);
      expect((await verifyStream(tenantSession(tenant), stream, true)).broken).toBeUndefined();
    }
    await expect(appendAuditAcross(across, [{ ...event('p-across-c', 1), tenant: '1804' }])).rejects.toThrow(/another tenant/);
  });
});
